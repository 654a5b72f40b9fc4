using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Errors;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AgentFlow.Host.Endpoints.Auth;

public sealed record LoginRequest(string? Email, string? Password);

public sealed record RefreshRequest(string? RefreshToken);

public sealed record BootstrapRequest(string? CompanyName, string? Email, string? Password, string? Name);

public sealed record MeResponse(Guid Id, string Email, string Name, string Role, Guid OrgId, string AuthMethod);

public sealed record OkResponse(bool Ok);

internal static class AuthApi
{
    public static IEndpointRouteBuilder MapAuthApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/auth").WithTags("Auth");
        group.MapPost("/login", Login).WithName("Login").WithSummary("Sign in with email and password: tokens in the body and in httpOnly cookies").AllowAnonymous().Audited("auth.login");
        group.MapPost("/refresh", Refresh).WithName("Refresh").WithSummary("Exchange a refresh token (body, bearer or cookie) for new tokens; each works once").AllowAnonymous().Audited("auth.refresh");
        group.MapGet("/me", Me).WithName("Me").WithSummary("The signed-in user").RequireRole(UserRole.Viewer);
        group.MapPost("/logout", Logout).WithName("Logout").WithSummary("End the session: revokes its tokens and clears the cookies").AllowAnonymous().Audited("auth.logout");
        group.MapPost("/bootstrap", Bootstrap).WithName("Bootstrap").WithSummary("Create the first owner of a fresh installation (refused once any user exists)").AllowAnonymous().Audited("auth.bootstrap");

        group.MapPost("/saml/callback", NotConfigured("SAML")).WithName("SamlCallback").WithSummary("SAML 2.0 assertion callback (not configured)").AllowAnonymous();
        group.MapGet("/saml/metadata", NotConfigured("SAML")).WithName("SamlMetadata").WithSummary("SAML service provider metadata (not configured)").AllowAnonymous();
        group.MapGet("/oidc/authorize", NotConfigured("OIDC")).WithName("OidcAuthorize").WithSummary("OIDC authorization redirect (not configured)").AllowAnonymous();
        group.MapGet("/oidc/callback", NotConfigured("OIDC")).WithName("OidcCallback").WithSummary("OIDC callback (not configured)").AllowAnonymous();
        return routes;
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> Login(
        LoginRequest request, UserAuthenticator authenticator, RefreshTokenService refreshTokens, SessionIssuer sessions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Email) || string.IsNullOrEmpty(request.Password))
        {
            var errors = new Dictionary<string, string[]>();
            if (string.IsNullOrWhiteSpace(request.Email))
            {
                errors["email"] = ["The email field is required."];
            }

            if (string.IsNullOrEmpty(request.Password))
            {
                errors["password"] = ["The password field is required."];
            }

            return Problem(ApiProblem.Validation(errors, "Email and password required."));
        }

        var user = request.Password.Length > PasswordPolicyLimits.MaxLength ? null
            : await authenticator.AuthenticateAsync(request.Email, request.Password, cancellationToken);
        if (user is null)
        {
            return Problem(ApiProblem.Create(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidCredentials, "Invalid credentials."));
        }

        var refresh = await refreshTokens.IssueAsync(user, cancellationToken: cancellationToken);
        audit.OrgId = user.OrgId;
        audit.Actor = user.Id.ToString();
        audit.Resource = $"user:{user.Id}";
        return TypedResults.Ok(sessions.Issue(http, user, refresh));
    }

    private static async Task<Results<Ok<SessionResponse>, ProblemHttpResult>> Refresh(
        [FromBody] RefreshRequest? request, RefreshTokenService refreshTokens, SessionIssuer sessions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var presented = request?.RefreshToken ?? BearerToken(http);
        if (presented is null && http.Request.Cookies.TryGetValue(AuthCookieNames.Refresh, out var cookie))
        {
            // The cookie travels on its own with any request, so using it needs the CSRF echo like any cookie-authenticated change.
            if (!CsrfMiddleware.Matches(http.Request.Cookies[AuthCookieNames.Csrf], http.Request.Headers[AuthHeaders.Csrf]))
            {
                return Problem(ApiProblem.Create(StatusCodes.Status403Forbidden, ErrorCodes.CsrfTokenInvalid,
                    "Refreshing with the cookie requires the X-CSRF-Token header with the value of the em_csrf cookie."));
            }

            presented = cookie;
        }

        if (string.IsNullOrEmpty(presented))
        {
            return Problem(ApiProblem.Create(StatusCodes.Status401Unauthorized, ErrorCodes.AuthenticationRequired, "Refresh token required."));
        }

        var result = await refreshTokens.RotateAsync(presented, cancellationToken);
        if (result.Outcome != RefreshOutcome.Rotated)
        {
            SessionIssuer.Clear(http);
            var message = result.Outcome == RefreshOutcome.Reused
                ? "This refresh token was already used; the session has been revoked. Sign in again."
                : "Invalid or expired refresh token.";
            return Problem(ApiProblem.Create(StatusCodes.Status401Unauthorized, ErrorCodes.InvalidToken, message));
        }

        audit.OrgId = result.User!.OrgId;
        audit.Actor = result.User.Id.ToString();
        audit.Resource = $"session:{result.Next!.FamilyId}";
        return TypedResults.Ok(sessions.Issue(http, result.User, result.Next));
    }

    private static Ok<MeResponse> Me(HttpContext http)
    {
        var user = http.User;
        return TypedResults.Ok(new MeResponse(user.UserId(), user.FindFirst(AgentFlowClaims.Email)!.Value, user.FindFirst(AgentFlowClaims.Name)!.Value,
            user.Role().ToName(), user.OrgId(), user.FindFirst(AgentFlowClaims.AuthMethod)!.Value));
    }

    private static async Task<Ok<OkResponse>> Logout([FromBody] RefreshRequest? request, RefreshTokenService refreshTokens, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        // Ending a session is always allowed and never fails: whatever credential is present is revoked.
        if (http.User.SessionId() is { } sessionId)
        {
            await refreshTokens.RevokeFamilyAsync(sessionId, cancellationToken);
        }

        var refresh = request?.RefreshToken ?? http.Request.Cookies[AuthCookieNames.Refresh];
        if (!string.IsNullOrEmpty(refresh))
        {
            await refreshTokens.RevokeAsync(refresh, cancellationToken);
        }

        if (http.User.Identity?.IsAuthenticated == true)
        {
            audit.Resource = $"user:{http.User.UserId()}";
        }

        SessionIssuer.Clear(http);
        return TypedResults.Ok(new OkResponse(true));
    }

    private static async Task<Created<SessionResponse>> Bootstrap(
        BootstrapRequest request, BootstrapService bootstrap, RefreshTokenService refreshTokens, SessionIssuer sessions, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var owner = await bootstrap.BootstrapAsync(new BootstrapCommand(request.CompanyName, request.Email, request.Password, request.Name), cancellationToken);
        var refresh = await refreshTokens.IssueAsync(owner, cancellationToken: cancellationToken);
        audit.OrgId = owner.OrgId;
        audit.Actor = owner.Id.ToString();
        audit.Resource = $"user:{owner.Id}";
        return TypedResults.Created("/auth/me", sessions.Issue(http, owner, refresh));
    }

    private static Delegate NotConfigured(string protocol) => () => Problem(ApiProblem.Create(StatusCodes.Status501NotImplemented, ErrorCodes.NotImplemented,
        $"{protocol} not yet configured.", new { protocol }));

    private static ProblemHttpResult Problem(ProblemDetails problem) => TypedResults.Problem(problem);

    private static string? BearerToken(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : null;
    }
}

internal static class PasswordPolicyLimits
{
    /// <summary>Longer inputs are refused before hashing, so a huge "password" cannot burn CPU.</summary>
    public const int MaxLength = 128;
}
