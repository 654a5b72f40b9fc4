using AgentFlow.Engine.Identity;
using AgentFlow.Host.Errors;
using AgentFlow.Studio;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace AgentFlow.Host.Auth;

/// <summary>Answers 401 and 403 in the API's problem shape, with the required and current role on a 403.</summary>
internal sealed class ApiAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        if (authorizeResult.Challenged && HttpMethods.IsGet(context.Request.Method) && !context.Request.Path.StartsWithSegments("/_blazor")
            && context.GetEndpoint()?.Metadata.GetMetadata<StudioPageMetadata>() is not null)
        {
            // A person opening a Studio page without a session is sent to sign in, and brought back afterwards.
            var returnUrl = StudioReturnUrl.Sanitize(context.Request.Path + context.Request.QueryString);
            context.Response.Redirect($"{StudioEndpoints.LoginPath}?returnUrl={Uri.EscapeDataString(returnUrl)}");
            return;
        }

        if (authorizeResult.Challenged)
        {
            var failure = AuthFailure.Get(context) ?? (ErrorCodes.AuthenticationRequired, "Authentication required: send a bearer token, the session cookie or an X-API-Key header.");
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"agentflow\"";
            await ApiProblem.WriteAsync(context, ApiProblem.Create(StatusCodes.Status401Unauthorized, failure.Code, failure.Message));
            return;
        }

        if (authorizeResult.Forbidden)
        {
            var required = authorizeResult.AuthorizationFailure?.FailedRequirements.OfType<MinimumRoleRequirement>().FirstOrDefault()?.Role;
            var current = context.User.Role();
            var message = required is { } role
                ? $"Insufficient permissions: this requires the {role.ToName()} role; you act as {current.ToName()}."
                : "Insufficient permissions.";
            await ApiProblem.WriteAsync(context, ApiProblem.Create(StatusCodes.Status403Forbidden, ErrorCodes.InsufficientPermissions, message,
                new { required = required?.ToName(), current = current.ToName() }));
            return;
        }

        await next(context);
    }
}
