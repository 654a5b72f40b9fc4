using AgentFlow.Engine.Identity;
using Microsoft.AspNetCore.Authorization;

namespace AgentFlow.Host.Auth;

/// <summary>The caller's role must rank at least <see cref="Role"/> (owner &gt; admin &gt; member &gt; viewer).</summary>
internal sealed class MinimumRoleRequirement(UserRole role) : AuthorizationHandler<MinimumRoleRequirement>, IAuthorizationRequirement
{
    public UserRole Role { get; } = role;

    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, MinimumRoleRequirement requirement)
    {
        if (context.User.Identity?.IsAuthenticated == true && context.User.Role() >= requirement.Role)
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

internal static class RolePolicies
{
    public static string Name(UserRole role) => $"role:{role.ToName()}";

    public static AuthorizationBuilder AddRolePolicies(this AuthorizationBuilder builder)
    {
        foreach (var role in Enum.GetValues<UserRole>())
        {
            builder.AddPolicy(Name(role), policy => policy
                .AddAuthenticationSchemes(AuthSchemes.Selector)
                .RequireAuthenticatedUser()
                .AddRequirements(new MinimumRoleRequirement(role)));
        }

        return builder;
    }

    /// <summary>Puts the route behind the role, next to the route (and in the OpenAPI description).</summary>
    public static TBuilder RequireRole<TBuilder>(this TBuilder builder, UserRole role)
        where TBuilder : IEndpointConventionBuilder =>
        builder.RequireAuthorization(Name(role)).WithMetadata(new RequiredRoleMetadata(role));
}

/// <summary>
/// Refuses agent-bound API keys on routes that read the organisation at large (other agents' configuration and
/// profiles, usage, approval policies, workflows): an agent process reads only what its runtime needs (its tools, its
/// tool calls, its approvals). Those keys have the viewer role, so the role check alone would let them in.
/// </summary>
internal static class AgentKeyRefusal
{
    public static TBuilder RefuseAgentKeys<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static (context, next) => context.HttpContext.User.AgentId() is null
            ? next(context)
            : throw new AgentFlow.Engine.Errors.OperationNotAllowedException("AGENT_KEY_NOT_ALLOWED",
                "An agent's key reads only what the agent runtime needs (its tools, tool calls and approvals); this route is for people and their API keys."));
}

/// <summary>Read by the OpenAPI description and by tests that check every route declares its role.</summary>
internal sealed record RequiredRoleMetadata(UserRole Role);
