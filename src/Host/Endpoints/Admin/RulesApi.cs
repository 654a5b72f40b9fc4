using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Rules;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Admin;

public sealed record EmailRuleResponse(Guid Id, string Name, Guid? AgentId, JsonElement Conditions, JsonElement Actions, int Priority, bool Enabled, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static EmailRuleResponse From(EmailRule r) => new(r.Id, r.Name, r.AgentId,
        JsonDocument.Parse(r.Conditions).RootElement.Clone(), JsonDocument.Parse(r.Actions).RootElement.Clone(), r.Priority, r.Enabled, r.CreatedAt, r.UpdatedAt);
}

public sealed record CreateEmailRuleRequest(string? Name, Guid? AgentId, JsonElement? Conditions, JsonElement? Actions, int? Priority, bool? Enabled);

public sealed record UpdateEmailRuleRequest(string? Name, Guid? AgentId, JsonElement? Conditions, JsonElement? Actions, int? Priority, bool? Enabled);

internal static class RulesApi
{
    public static IEndpointRouteBuilder MapRulesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/rules").WithTags("Email rules");
        group.MapGet("/", ListRules).WithName("ListEmailRules").WithSummary("List email rules, highest priority first (agentId, limit ≤ 200, offset)").RequireRole(UserRole.Viewer);
        group.MapPost("/", CreateRule).WithName("CreateEmailRule").WithSummary("Create an email rule").RequireRole(UserRole.Member).Audited("rule.create");
        group.MapPatch("/{id:guid}", UpdateRule).WithName("UpdateEmailRule").WithSummary("Change an email rule").RequireRole(UserRole.Member).Audited("rule.update");
        group.MapDelete("/{id:guid}", DeleteRule).WithName("DeleteEmailRule").WithSummary("Delete an email rule").RequireRole(UserRole.Member).Audited("rule.delete");
        return routes;
    }

    private static async Task<Ok<ListResponse<EmailRuleResponse>>> ListRules(EmailRuleService rules, string? agentId, string? limit, string? offset, CancellationToken cancellationToken)
    {
        var page = await rules.ListAsync(Paging.ParseGuid("agentId", agentId), Paging.Parse(limit, offset, 50, 200), cancellationToken);
        return TypedResults.Ok(Envelope.List(page, EmailRuleResponse.From));
    }

    private static async Task<Created<DataResponse<EmailRuleResponse>>> CreateRule(CreateEmailRuleRequest request, EmailRuleService rules, AuditContext audit, CancellationToken cancellationToken)
    {
        var rule = await rules.CreateAsync(new CreateEmailRuleCommand(request.Name, request.AgentId, request.Conditions, request.Actions, request.Priority, request.Enabled), cancellationToken);
        audit.Resource = $"rule:{rule.Id}";
        return TypedResults.Created($"/api/rules/{rule.Id}", Envelope.Of(EmailRuleResponse.From(rule)));
    }

    private static async Task<Ok<DataResponse<EmailRuleResponse>>> UpdateRule(Guid id, UpdateEmailRuleRequest request, EmailRuleService rules, CancellationToken cancellationToken)
    {
        var rule = await rules.UpdateAsync(id, new UpdateEmailRuleCommand(request.Name, request.AgentId, request.Conditions, request.Actions, request.Priority, request.Enabled), cancellationToken);
        return TypedResults.Ok(Envelope.Of(EmailRuleResponse.From(rule)));
    }

    private static async Task<NoContent> DeleteRule(Guid id, EmailRuleService rules, CancellationToken cancellationToken)
    {
        await rules.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }
}
