using Microsoft.AspNetCore.Http;

namespace AgentFlow.Studio.Session;

/// <summary>
/// What the Studio knows about the person using it, taken from the request that opened the page: the access token
/// the API calls carry, and who it belongs to. Root-component parameters must be JSON-serialisable.
/// </summary>
public sealed record StudioSessionParameters(
    string AccessToken, DateTimeOffset ExpiresAt, Guid UserId, string Email, string Name, string Role, Guid OrgId, string? ClientIp);

/// <summary>Reads <see cref="StudioSessionParameters"/> from a signed-in request; the Host knows its cookie and claims.</summary>
public interface IStudioSessionSource
{
    StudioSessionParameters? Read(HttpContext context);
}

/// <summary>The roles of AgentFlow, lowest first: each role may do what the ones below it may.</summary>
public enum StudioRole
{
    Viewer = 0,
    Member = 1,
    Admin = 2,
    Owner = 3,
}

/// <summary>One browser tab's session (scoped to the circuit).</summary>
public sealed class StudioSession
{
    private StudioSessionParameters? _parameters;

    public bool IsStarted => _parameters is not null;

    public StudioSessionParameters Parameters => _parameters ?? throw new InvalidOperationException("The Studio session has not started.");

    public StudioRole Role => ParseRole(_parameters?.Role);

    /// <summary>Members and above change agents, workflows and approvals; viewers only look.</summary>
    public bool CanEdit => IsStarted && Role >= StudioRole.Member;

    /// <summary>Users, API keys, settings, organisations and plugins are administered by admins and owners.</summary>
    public bool CanAdminister => IsStarted && Role >= StudioRole.Admin;

    public bool AtLeast(StudioRole role) => IsStarted && Role >= role;

    public void Start(StudioSessionParameters parameters) => _parameters = parameters;

    public static StudioRole ParseRole(string? role) => role?.ToLowerInvariant() switch
    {
        "owner" => StudioRole.Owner,
        "admin" => StudioRole.Admin,
        "member" => StudioRole.Member,
        _ => StudioRole.Viewer,
    };
}

/// <summary>Whether the installation still has no user, so the sign-in page offers to create the first owner.</summary>
public interface IStudioSetupState
{
    Task<bool> NeedsOwnerAsync(CancellationToken cancellationToken);
}
