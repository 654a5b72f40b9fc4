namespace AgentFlow.Engine.Identity;

/// <summary>Who a request acts as, after its credential was checked against the current state of the database.</summary>
public sealed record CallerIdentity(Guid UserId, Guid OrgId, string Email, string Name, UserRole Role, Guid? ApiKeyId = null, IReadOnlyList<string>? Scopes = null, Guid? AgentId = null);
