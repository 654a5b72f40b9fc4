using System.Security.Claims;
using AgentFlow.Engine.Audit;
using AgentFlow.Host.Auth;

namespace AgentFlow.Host.Middleware;

/// <summary>Declares the audit action of a mutating route (e.g. <c>agent.create</c>).</summary>
internal sealed record AuditActionMetadata(string Action);

/// <summary>A mutating verb on a route that changes nothing (a read that takes a body); says why it is not audited.</summary>
internal sealed record AuditExemptMetadata(string Reason);

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

/// <summary>
/// After a successful request to a route that declares an audit action, appends the audit entry. Mounted only
/// for such routes (<see cref="AuditEndpointExtensions.UseAudit"/>), so other requests never build the
/// DbContext the audit log needs.
/// </summary>
internal sealed class AuditMiddleware(RequestDelegate next)
{
    public async Task InvokeAsync(HttpContext context, AuditContext audit, AuditLog log)
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
        if (actorType == ActorTypes.ApiKey)
        {
            // The actor is the key; keep the user it acts for, so either can be traced.
            audit.Details["onBehalfOf"] = user.FindFirstValue(AgentFlowClaims.Subject);
        }

        var details = audit.Details.Count > 0 ? audit.Details : null;

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
    public static IApplicationBuilder UseAudit(this IApplicationBuilder app) =>
        app.UseWhen(context => context.GetEndpoint()?.Metadata.GetMetadata<AuditActionMetadata>() is not null,
            branch => branch.UseMiddleware<AuditMiddleware>());

    public static TBuilder Audited<TBuilder>(this TBuilder builder, string action)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AuditActionMetadata(action));

    /// <summary>Declares that a POST route changes nothing, so there is nothing to audit; the reason is required.</summary>
    public static TBuilder NotAudited<TBuilder>(this TBuilder builder, string reason)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new AuditExemptMetadata(reason));
}
