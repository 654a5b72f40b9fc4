using System.Text.Json;
using AgentFlow.Engine.Deployment;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Engine;

public sealed record DeploymentResponse(
    Guid Id, Guid AgentId, string Target, string Phase, string? Endpoint, string Health, int ConsecutiveFailures, int RestartsLast10Minutes,
    string? LastError, DateTimeOffset? LastCheckAt, Guid? WorkflowInstanceId, Guid? HealthInstanceId, string Status, string StatusMessage,
    IReadOnlyDictionary<string, string> State, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary><c>GET /api/engine/agents/{id}/deployment</c>: where and how the agent runs, as stored and as its target reports now.</summary>
internal static class DeploymentsApi
{
    public static IEndpointRouteBuilder MapDeploymentsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/engine/agents/{id:guid}/deployment", Get).WithTags("Agent lifecycle").WithName("GetAgentDeployment")
            .WithSummary("The agent's deployment: target, last phase, endpoint, health counters, and the target's live status").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        return routes;
    }

    private static async Task<Ok<DataResponse<DeploymentResponse>>> Get(Guid id, DeploymentService deployments, TimeProvider time, CancellationToken cancellationToken)
    {
        var row = await deployments.FindAsync(id, cancellationToken) ?? throw new ResourceNotFoundException("Deployment", id.ToString());
        var status = await deployments.StatusAsync(id, cancellationToken);
        var since = time.GetUtcNow().AddMinutes(-10);
        var restarts = (JsonSerializer.Deserialize<List<DateTimeOffset>>(row.Restarts) ?? []).Count(t => t > since);
        var state = JsonSerializer.Deserialize<Dictionary<string, string>>(row.State) ?? [];
        return TypedResults.Ok(Envelope.Of(new DeploymentResponse(row.Id, row.AgentId, row.Target, row.Phase, row.Endpoint, row.Health, row.ConsecutiveFailures,
            restarts, row.LastError, row.LastCheckAt, row.WorkflowInstanceId, row.HealthInstanceId, status.State.ToString().ToLowerInvariant(), status.Message,
            state, row.CreatedAt, row.UpdatedAt)));
    }
}
