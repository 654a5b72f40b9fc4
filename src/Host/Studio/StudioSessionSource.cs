using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Studio.Session;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentFlow.Host.Studio;

/// <summary>
/// The Studio's session is the API's own browser session (the <c>em_session</c> cookie holding the access token),
/// so signing in to the Studio signs in to the API, and the session ends when the token does.
/// </summary>
internal sealed class StudioSessionSource : IStudioSessionSource
{
    public StudioSessionParameters? Read(HttpContext context)
    {
        var user = context.User;
        if (user.Identity?.IsAuthenticated != true || user.FindFirst(AgentFlowClaims.Subject) is null
            || !context.Request.Cookies.TryGetValue(AuthCookieNames.Session, out var token) || string.IsNullOrEmpty(token))
        {
            return null;
        }

        // The bearer handler has already validated this token for this request; only its expiry is read here.
        var expires = new JsonWebToken(token).ValidTo;
        return new StudioSessionParameters(
            token,
            new DateTimeOffset(expires, TimeSpan.Zero),
            user.UserId(),
            user.FindFirst(AgentFlowClaims.Email)?.Value ?? "",
            user.FindFirst(AgentFlowClaims.Name)?.Value ?? "",
            user.Role().ToName(),
            user.OrgId(),
            context.Connection.RemoteIpAddress?.ToString());
    }
}
