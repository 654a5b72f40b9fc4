using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Identity;

/// <summary>
/// One opaque refresh token. Tokens issued from one login form a family; presenting a consumed token again
/// means it leaked, so the whole family is revoked.
/// </summary>
public sealed class RefreshToken : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid UserId { get; set; }
    public Guid FamilyId { get; set; }
    public required string TokenHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? ConsumedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
