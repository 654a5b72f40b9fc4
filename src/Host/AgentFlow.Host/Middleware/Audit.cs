using System.Security.Claims;
using AgentFlow.Engine.Audit;
using AgentFlow.Host.Auth;

namespace AgentFlow.Host.Middleware;

/// <summary>Declares the audit action of a mutating route (e.g. <c>agent.create</c>).</summary>
internal sealed record AuditActionMetadata(string Action);

/// <summary>
/// Filled by a handler when the audit entry needs more than the route tells: the resource it created, or
/// for sign-in the user who was not yet authenticated when the request arrived.
/// </summary>
internal sealed class AuditContext
{
    public string? Resource { get; set; }

    public Guid? OrgId { get; set; }

    public string? Actor { get; set; }

    public Dictionary<string, object?> Details { get; } = [];
}

/// <summary>After a successful request to a route that declares an audit action, appends the audit entry.</summary>
internal sealed class AuditMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, AuditContext audit)
    {
        await next(context);

        var action = context.GetEndpoint()?.Metadata.GetMetadata<AuditActionMetadata>()?.Action;
        if (action is null || context.Response.StatusCode >= 400)
        {
            return;
        }

        var user = context.User;
        var authenticated = user.Identity?.IsAuthenticated == true;
        var orgId = audit.OrgId ?? (authenticated ? user.OrgId() : (Guid?)null);
        if (orgId is null)
        {
            return;
        }

        var (actor, actorType) = audit.Actor is { } explicitActor ? (explicitActor, ActorTypes.User) : user.AuditActor();
        var resource = audit.Resource ?? DefaultResource(context, action);
        var details = audit.Details.Count > 0 ? audit.Details : null;
        if (details is null && user.FindFirstValue(AgentFlowClaims.ApiKeyId) is not null)
        {
            details = new Dictionary<string, object?> { ["onBehalfOf"] = user.FindFirstValue(AgentFlowClaims.Subject) };
        }

        // Resolved here, not as a parameter: AuditLog needs a DbContext, and building one for every request
        // (/health included) costs about a quarter of the CPU of a request that never touches the database.
        var log = context.RequestServices.GetRequiredService<AuditLog>();

        // The client already has its answer; the audit entry must still be written even if it disconnects now.
        await log.AppendAsync(new AuditRecord(orgId.Value, actor, actorType, action, resource,
            context.Connection.RemoteIpAddress?.ToString(), context.TraceIdentifier, details), CancellationToken.None);
    }

    private static string DefaultResource(HttpContext context, string action)
    {
        var kind = action.Split('.')[0];
        return context.Request.RouteValues.TryGetValue("id", out var id) && id is not null ? $"{kind}:{id}" : context.Request.Path.Value ?? "/";
    }
}

internal static class AuditEndpointExtensions
{
    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AuditActionMetadata(action));
}
