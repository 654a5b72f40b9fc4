using System.Security.Claims;
using AgentFlow.Engine.Audit;
using AgentFlow.Engine.Identity;

namespace AgentFlow.Host.Auth;

/// <summary>Builds and reads the principal every authenticated request carries: the caller as the database sees it now.</summary>
internal static class CallerPrincipal
{
    public static ClaimsPrincipal Create(CallerIdentity caller, string scheme, string? csrf = null, Guid? sessionId = null)
    {
        var claims = new List<Claim>
        {
            new(AgentFlowClaims.Subject, caller.UserId.ToString()),
            new(AgentFlowClaims.Email, caller.Email),
            new(AgentFlowClaims.Name, caller.Name),
            new(AgentFlowClaims.Role, caller.Role.ToName()),
            new(AgentFlowClaims.OrgId, caller.OrgId.ToString()),
            new(AgentFlowClaims.AuthMethod, scheme),
        };
        if (caller.ApiKeyId is { } keyId)
        {
            claims.Add(new Claim(AgentFlowClaims.ApiKeyId, keyId.ToString()));
        }

        if (caller.AgentId is { } agentId)
        {
            claims.Add(new Claim(AgentFlowClaims.AgentId, agentId.ToString()));
        }

        if (csrf is not null)
        {
            claims.Add(new Claim(AgentFlowClaims.Csrf, csrf));
        }

        if (sessionId is { } sid)
        {
            claims.Add(new Claim(AgentFlowClaims.SessionId, sid.ToString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme, AgentFlowClaims.Subject, AgentFlowClaims.Role));
    }

    public static Guid UserId(this ClaimsPrincipal principal) => Guid.Parse(principal.FindFirstValue(AgentFlowClaims.Subject)!);

    public static Guid OrgId(this ClaimsPrincipal principal) => Guid.Parse(principal.FindFirstValue(AgentFlowClaims.OrgId)!);

    public static UserRole Role(this ClaimsPrincipal principal) =>
        UserRoleNames.TryParse(principal.FindFirstValue(AgentFlowClaims.Role), out var role) ? role : UserRole.Viewer;

    public static Guid? SessionId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(AgentFlowClaims.SessionId), out var sid) ? sid : null;

    /// <summary>The agent of an agent-bound API key, or null for users and ordinary keys.</summary>
    public static Guid? AgentId(this ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(AgentFlowClaims.AgentId), out var agentId) ? agentId : null;

    public static Actor Actor(this ClaimsPrincipal principal) => new(principal.UserId(), principal.Role());

    /// <summary>The audit actor: the key when a key was used (so its use can be traced), the user otherwise.</summary>
    public static (string Actor, string ActorType) AuditActor(this ClaimsPrincipal principal) =>
        principal.FindFirstValue(AgentFlowClaims.ApiKeyId) is { } keyId
            ? (keyId, ActorTypes.ApiKey)
            : (principal.FindFirstValue(AgentFlowClaims.Subject) ?? "anonymous", ActorTypes.User);
}
