using System.Security.Cryptography;
using System.Text;
using AgentFlow.Host.Errors;
using Microsoft.AspNetCore.Authorization;

namespace AgentFlow.Host.Auth;

/// <summary>
/// A request authenticated by the session cookie that changes something must echo the CSRF value of its
/// session in <c>X-CSRF-Token</c>; a cross-site page can send the cookie but cannot read that value.
/// Bearer tokens and API keys are not sent by browsers on their own, so they need no CSRF check. Anonymous
/// routes (login, bootstrap, logout) are exempt: a stale cookie must not block signing in again, and
/// refresh checks its own cookie. The Studio's circuit connection (<c>/_blazor</c>) is not an API call: its
/// SameSite=Lax cookie is not sent by cross-site pages, and the Studio's forms carry antiforgery tokens.
/// </summary>
internal sealed class CsrfMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (AuthFailure.ViaCookie(context) && context.User.Identity?.IsAuthenticated == true
            && !context.Request.Path.StartsWithSegments("/_blazor")
            && context.GetEndpoint()?.Metadata.GetMetadata<IAllowAnonymous>() is null
            && !HttpMethods.IsGet(context.Request.Method)
            && !HttpMethods.IsHead(context.Request.Method) && !HttpMethods.IsOptions(context.Request.Method))
        {
            var expected = context.User.FindFirst(AgentFlowClaims.Csrf)?.Value;
            var presented = context.Request.Headers[AuthHeaders.Csrf].ToString();
            if (!Matches(expected, presented))
            {
                await ApiProblem.WriteAsync(context, ApiProblem.Create(StatusCodes.Status403Forbidden, ErrorCodes.CsrfTokenInvalid,
                    "Cookie-authenticated changes must send the X-CSRF-Token header with the value of the em_csrf cookie."));
                return;
            }
        }

        await next(context);
    }

    public static bool Matches(string? expected, string? presented) =>
        !string.IsNullOrEmpty(expected) && !string.IsNullOrEmpty(presented)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(presented));
}
