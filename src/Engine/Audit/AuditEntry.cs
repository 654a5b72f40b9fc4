using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Audit;

public sealed class AuditEntry : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>User id, API key id, or <c>system</c>.</summary>
    public required string Actor { get; set; }
    public required string ActorType { get; set; }

    /// <summary><c>{resource}.{verb}</c>, e.g. <c>agent.create</c>.</summary>
    public required string Action { get; set; }
    public required string Resource { get; set; }

    /// <summary>A JSON object.</summary>
    public string Details { get; set; } = "{}";
    public string? Ip { get; set; }
    public string? RequestId { get; set; }
}

/// <summary>An audit entry moved out of the live log by the retention job (archive-first policies).</summary>
public sealed class ArchivedAuditEntry : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public DateTimeOffset Timestamp { get; set; }
    public required string Actor { get; set; }
    public required string ActorType { get; set; }
    public required string Action { get; set; }
    public required string Resource { get; set; }
    public string Details { get; set; } = "{}";
    public string? Ip { get; set; }
    public string? RequestId { get; set; }
    public DateTimeOffset ArchivedAt { get; set; }
}

public static class ActorTypes
{
    public const string User = "user";
    public const string ApiKey = "api-key";
    public const string System = "system";
}
