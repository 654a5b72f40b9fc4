using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Endpoints.Auth;
using AgentFlow.Host.Middleware;
using AgentFlow.Studio;
using Microsoft.AspNetCore.Mvc;

namespace AgentFlow.Host.Studio;

/// <summary>
/// The Studio's sign-in and sign-out forms. They post plain HTML forms (with the antiforgery token, which binding
/// <c>[FromForm]</c> checks) and answer with redirects, then issue the same session as <c>POST /auth/login</c>.
/// </summary>
internal static class StudioAccountEndpoints
{
    public static IEndpointRouteBuilder MapStudioAccount(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/studio/account").ExcludeFromDescription();
        group.MapPost("/login", Login).AllowAnonymous().Audited("auth.studio_login");
        group.MapPost("/logout", Logout).AllowAnonymous().Audited("auth.studio_logout");
        group.MapPost("/bootstrap", Bootstrap).AllowAnonymous().Audited("auth.studio_bootstrap");
        return routes;
    }

    private static async Task<IResult> Login(
        [FromForm] string? email, [FromForm] string? password, [FromForm] string? returnUrl,
        UserAuthenticator authenticator, RefreshTokenService refreshTokens, SessionIssuer sessions, AuditContext audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var target = StudioReturnUrl.Sanitize(returnUrl);
        if (string.IsNullOrWhiteSpace(email) || string.IsNullOrEmpty(password))
        {
            return BackToLogin(target, email, "Enter your email and password.");
        }

        var user = password.Length > PasswordPolicyLimits.MaxLength ? null : await authenticator.AuthenticateAsync(email, password, cancellationToken);
        if (user is null)
        {
            return BackToLogin(target, email, "Invalid email or password.");
        }

        var refresh = await refreshTokens.IssueAsync(user, cancellationToken: cancellationToken);
        audit.OrgId = user.OrgId;
        audit.Actor = user.Id.ToString();
        audit.Resource = $"user:{user.Id}";
        audit.Details["client"] = "studio";
        sessions.Issue(http, user, refresh);
        return Results.LocalRedirect(target);
    }

    /// <summary>The first owner, from the sign-in page of an installation without users (refused once any user exists).</summary>
    private static async Task<IResult> Bootstrap(
        [FromForm] string? companyName, [FromForm] string? name, [FromForm] string? email, [FromForm] string? password,
        BootstrapService bootstrap, RefreshTokenService refreshTokens, SessionIssuer sessions, AuditContext audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        User owner;
        try
        {
            owner = await bootstrap.BootstrapAsync(new BootstrapCommand(companyName, email, password, name), cancellationToken);
        }
        catch (InputValidationException exception)
        {
            return BackToLogin(StudioEndpoints.BasePath, email, string.Join(" ", exception.Errors.SelectMany(e => e.Value)));
        }
        catch (ResourceConflictException exception)
        {
            return BackToLogin(StudioEndpoints.BasePath, email, exception.Message);
        }

        var refresh = await refreshTokens.IssueAsync(owner, cancellationToken: cancellationToken);
        audit.OrgId = owner.OrgId;
        audit.Actor = owner.Id.ToString();
        audit.Resource = $"user:{owner.Id}";
        sessions.Issue(http, owner, refresh);
        return Results.LocalRedirect(StudioEndpoints.BasePath);
    }

    private static async Task<IResult> Logout(RefreshTokenService refreshTokens, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        if (http.User.SessionId() is { } sessionId)
        {
            await refreshTokens.RevokeFamilyAsync(sessionId, cancellationToken);
        }

        if (http.Request.Cookies[AuthCookieNames.Refresh] is { Length: > 0 } refresh)
        {
            await refreshTokens.RevokeAsync(refresh, cancellationToken);
        }

        if (http.User.Identity?.IsAuthenticated == true)
        {
            audit.Resource = $"user:{http.User.UserId()}";
        }

        SessionIssuer.Clear(http);
        return Results.LocalRedirect($"{StudioEndpoints.LoginPath}?signedOut=true");
    }

    private static IResult BackToLogin(string returnUrl, string? email, string error) =>
        Results.LocalRedirect($"{StudioEndpoints.LoginPath}?returnUrl={Uri.EscapeDataString(returnUrl)}&error={Uri.EscapeDataString(error)}"
            + (string.IsNullOrWhiteSpace(email) ? "" : $"&email={Uri.EscapeDataString(email.Trim())}"));
}
