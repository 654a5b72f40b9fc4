using AgentFlow.Engine.Identity;
using Microsoft.Extensions.Options;
using HttpCookieOptions = Microsoft.AspNetCore.Http.CookieOptions;

namespace AgentFlow.Host.Auth;

/// <summary>What login, refresh and bootstrap answer: the reference system's body (token, refreshToken, csrf, user).</summary>
public sealed record SessionResponse(string Token, string RefreshToken, string Csrf, DateTimeOffset ExpiresAt, SessionUser User);

public sealed record SessionUser(Guid Id, string Email, string Name, string Role, Guid OrgId);

/// <summary>Starts or continues a session: signs the access token and sets the three cookies.</summary>
internal sealed class SessionIssuer(AccessTokenIssuer tokens, IOptions<Options.CookieOptions> cookieOptions)
{
    public SessionResponse Issue(HttpContext context, User user, IssuedRefreshToken refresh)
    {
        var access = tokens.Issue(user, refresh.FamilyId);
        var secure = context.Request.IsHttps || cookieOptions.Value.SecureCookies;
        var cookies = context.Response.Cookies;
        cookies.Append(AuthCookieNames.Session, access.Token, Cookie(secure, httpOnly: true, access.ExpiresAt));
        cookies.Append(AuthCookieNames.Refresh, refresh.Token, Cookie(secure, httpOnly: true, refresh.ExpiresAt));
        cookies.Append(AuthCookieNames.Csrf, access.Csrf, Cookie(secure, httpOnly: false, access.ExpiresAt));
        return new SessionResponse(access.Token, refresh.Token, access.Csrf, access.ExpiresAt,
            new SessionUser(user.Id, user.Email, user.Name, user.Role.ToName(), user.OrgId));
    }

    public static void Clear(HttpContext context)
    {
        foreach (var name in new[] { AuthCookieNames.Session, AuthCookieNames.Refresh, AuthCookieNames.Csrf })
        {
            context.Response.Cookies.Delete(name, new HttpCookieOptions { Path = "/", SameSite = SameSiteMode.Lax });
        }
    }

    private static HttpCookieOptions Cookie(bool secure, bool httpOnly, DateTimeOffset? expires) => new()
    {
        Path = "/",
        HttpOnly = httpOnly,
        Secure = secure,
        SameSite = SameSiteMode.Lax,
        Expires = expires,
        IsEssential = true,
    };
}
