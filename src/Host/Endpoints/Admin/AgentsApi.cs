using System.Text.Json;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Permissions;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Admin;

public sealed record AgentResponse(Guid Id, string Name, string Email, string Role, string Status, JsonElement Metadata, Guid? CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static AgentResponse From(Agent a) =>
        new(a.Id, a.Name, a.Email, a.Role, AgentStatusNames.ToName(a.Status), JsonDocument.Parse(a.Metadata).RootElement.Clone(), a.CreatedBy, a.CreatedAt, a.UpdatedAt);
}

public sealed record CreateAgentRequest(string? Name, string? Email, string? Role, JsonElement? Metadata);

public sealed record UpdateAgentRequest(string? Name, string? Email, string? Role, string? Status, JsonElement? Metadata);

internal static class AgentsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/agents").WithTags("Agents");
        group.MapGet("/", ListAgents).WithName("ListAgents").WithSummary("List agents (status, limit ≤ 200, offset)").RequireRole(UserRole.Viewer);
        group.MapGet("/{id:guid}", GetAgent).WithName("GetAgent").WithSummary("Get one agent").RequireRole(UserRole.Viewer);
        group.MapPost("/", CreateAgent).WithName("CreateAgent").WithSummary("Create an agent").RequireRole(UserRole.Member).Audited("agent.create");
        group.MapPatch("/{id:guid}", UpdateAgent).WithName("UpdateAgent").WithSummary("Change an agent's name, email, role, status or metadata").RequireRole(UserRole.Member).Audited("agent.update");
        group.MapPost("/{id:guid}/archive", ArchiveAgent).WithName("ArchiveAgent").WithSummary("Archive an agent").RequireRole(UserRole.Member).Audited("agent.archive");
        group.MapPost("/{id:guid}/restore", RestoreAgent).WithName("RestoreAgent").WithSummary("Restore an archived agent").RequireRole(UserRole.Member).Audited("agent.restore");
        group.MapDelete("/{id:guid}", DeleteAgent).WithName("DeleteAgent").WithSummary("Delete an agent permanently").RequireRole(UserRole.Admin).Audited("agent.delete");
        return routes;
    }

    private static async Task<Ok<ListResponse<AgentResponse>>> ListAgents(AgentService agents, string? status, string? limit, string? offset, CancellationToken cancellationToken)
    {
        var page = await agents.ListAsync(new AgentFilter(status), Paging.Parse(limit, offset, DefaultLimit, MaxLimit), cancellationToken);
        return TypedResults.Ok(Envelope.List(page, AgentResponse.From));
    }

    private static async Task<Ok<DataResponse<AgentResponse>>> GetAgent(Guid id, AgentService agents, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(AgentResponse.From(await agents.GetAsync(id, cancellationToken))));

    private static async Task<Created<DataResponse<AgentResponse>>> CreateAgent(CreateAgentRequest request, AgentService agents, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var agent = await agents.CreateAsync(new CreateAgentCommand(request.Name, request.Email, request.Role, request.Metadata), http.User.UserId(), cancellationToken);
        audit.Resource = $"agent:{agent.Id}";
        audit.Details["name"] = agent.Name;
        return TypedResults.Created($"/api/agents/{agent.Id}", Envelope.Of(AgentResponse.From(agent)));
    }

    private static async Task<Ok<DataResponse<AgentResponse>>> UpdateAgent(Guid id, UpdateAgentRequest request, AgentService agents, CancellationToken cancellationToken)
    {
        var agent = await agents.UpdateAsync(id, new UpdateAgentCommand(request.Name, request.Email, request.Role, request.Status, request.Metadata), cancellationToken);
        return TypedResults.Ok(Envelope.Of(AgentResponse.From(agent)));
    }

    private static async Task<Ok<DataResponse<AgentResponse>>> ArchiveAgent(Guid id, AgentService agents, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(AgentResponse.From(await agents.SetStatusAsync(id, AgentStatus.Archived, cancellationToken))));

    private static async Task<Ok<DataResponse<AgentResponse>>> RestoreAgent(Guid id, AgentService agents, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(AgentResponse.From(await agents.SetStatusAsync(id, AgentStatus.Active, cancellationToken))));

    private static async Task<NoContent> DeleteAgent(Guid id, AgentService agents, PermissionEngine permissions, CancellationToken cancellationToken)
    {
        await agents.DeleteAsync(id, cancellationToken);
        // The profile row goes with the agent (cascade); its compiled copy and call counters live in memory.
        permissions.Forget(id);
        return TypedResults.NoContent();
    }
}
