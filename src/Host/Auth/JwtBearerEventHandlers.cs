using AgentFlow.Engine.Identity;
using AgentFlow.Host.Errors;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AgentFlow.Host.Auth;

/// <summary>
/// Access tokens come from the <c>Authorization</c> header or the session cookie. A valid signature is not
/// enough: the token must be an access token, its session must not be logged out, and its user must still
/// exist; the role is taken from the database, not from the token.
/// </summary>
internal sealed class JwtBearerEventHandlers(CredentialResolver credentials) : JwtBearerEvents
{
    public override Task MessageReceived(MessageReceivedContext context)
    {
        if (!context.Request.Headers.ContainsKey("Authorization")
            && context.Request.Cookies.TryGetValue(AuthCookieNames.Session, out var cookie) && !string.IsNullOrEmpty(cookie))
        {
            context.Token = cookie;
            AuthFailure.MarkCookie(context.HttpContext);
        }

        return Task.CompletedTask;
    }

    public override async Task TokenValidated(TokenValidatedContext context)
    {
        var principal = context.Principal!;
        if (principal.FindFirst(AgentFlowClaims.TokenUse)?.Value != "access"
            || !Guid.TryParse(principal.FindFirst(AgentFlowClaims.Subject)?.Value, out var userId))
        {
            Reject(context, "This token is not an access token.");
            return;
        }

        var sessionId = principal.SessionId();
        var caller = await credentials.ResolveUserAsync(userId, sessionId, context.HttpContext.RequestAborted);
        if (caller is null)
        {
            Reject(context, "The session has ended; sign in again.");
            return;
        }

        context.Principal = CallerPrincipal.Create(caller, AuthSchemes.Bearer, principal.FindFirst(AgentFlowClaims.Csrf)?.Value, sessionId);
    }

    public override Task AuthenticationFailed(AuthenticationFailedContext context)
    {
        AuthFailure.Set(context.HttpContext, ErrorCodes.InvalidToken, "Invalid or expired token.");
        return Task.CompletedTask;
    }

    private static void Reject(TokenValidatedContext context, string message)
    {
        AuthFailure.Set(context.HttpContext, ErrorCodes.InvalidToken, message);
        context.Fail(message);
    }
}
