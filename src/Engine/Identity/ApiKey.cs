using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Identity;

public sealed class ApiKey : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public required string Name { get; set; }

    /// <summary>SHA-256 of the plaintext, lower-case hex. The plaintext is never stored.</summary>
    public required string KeyHash { get; set; }

    /// <summary>The first 11 characters of the plaintext (<c>ek_</c> + 8 hex), to recognise a key in lists.</summary>
    public required string KeyPrefix { get; set; }
    public List<string> Scopes { get; set; } = [];
    public Guid CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>
    /// The agent this key speaks for (the runtime hook), or null for an ordinary key. An agent-bound key acts as its
    /// creator with its scopes elsewhere, and is the only credential the runtime routes accept.
    /// </summary>
    public Guid? AgentId { get; set; }
}
