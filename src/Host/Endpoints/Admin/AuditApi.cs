using System.Text.Json;
using AgentFlow.Engine.Audit;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Admin;

public sealed record AuditEntryResponse(Guid Id, DateTimeOffset Timestamp, string Actor, string ActorType, string Action, string Resource, JsonElement Details, string? Ip, string? RequestId)
{
    internal static AuditEntryResponse From(AuditEntry e) =>
        new(e.Id, e.Timestamp, e.Actor, e.ActorType, e.Action, e.Resource, JsonDocument.Parse(e.Details).RootElement.Clone(), e.Ip, e.RequestId);
}

internal static class AuditApi
{
    public static IEndpointRouteBuilder MapAuditApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGroup("/api/audit").WithTags("Audit")
            .MapGet("/", QueryAudit).WithName("QueryAudit")
            .WithSummary("Query the audit log, newest first (actor, action, resource prefix, from, to, limit ≤ 500, offset)")
            .RequireRole(UserRole.Admin);
        return routes;
    }

    private static async Task<Ok<ListResponse<AuditEntryResponse>>> QueryAudit(
        AuditLog log, string? actor, string? action, string? resource, string? from, string? to, string? limit, string? offset, CancellationToken cancellationToken)
    {
        var filter = new AuditFilter(actor, action, resource, Paging.ParseDate("from", from), Paging.ParseDate("to", to));
        var page = await log.QueryAsync(filter, Paging.Parse(limit, offset, 50, 500), cancellationToken);
        return TypedResults.Ok(Envelope.List(page, AuditEntryResponse.From));
    }
}
