using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Permissions;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AgentFlow.Host.Endpoints.Engine;

/// <summary>One stored lifecycle transition (a row of the agent's state history).</summary>
public sealed record AgentTransitionResponse(Guid Id, Guid AgentId, long Sequence, string? From, string To, string Trigger, string? Reason, string Actor,
    DateTimeOffset At)
{
    internal static AgentTransitionResponse Of(AgentStateHistory h) => new(h.Id, h.AgentId, h.Sequence, h.From, h.To, h.Trigger, h.Reason, h.Actor, h.At);
}

/// <summary>The optional body of deploy, stop, restart and destroy: why (kept in the state history).</summary>
public sealed record AgentLifecycleRequest(string? Reason);

/// <summary>The optional body of a hot update: configuration changes to apply (merged like a config update) and why.</summary>
public sealed record AgentHotUpdateRequest(AgentConfigInput? Updates, string? Reason);

/// <summary>
/// The lifecycle routes: the state history, and the operator's deploy, stop, restart, hot update and destroy.
/// Each stores its transition first (409 <c>INVALID_TRANSITION</c> with the allowed triggers when the state does
/// not allow it), then hands the work to the <see cref="IAgentDeploymentOrchestrator"/>; if that fails the agent
/// is moved to error. Without an orchestrator they answer 501 <c>DEPLOYMENT_UNAVAILABLE</c> and change nothing.
/// </summary>
internal static partial class EngineAgentsApi
{
    public const int DefaultHistoryLimit = 50;
    public const int MaxHistoryLimit = 200;

    private static void MapLifecycle(RouteGroupBuilder group)
    {
        group.MapGet("/{id:guid}/history", GetEngineAgentHistory).WithName("GetEngineAgentHistory")
            .WithSummary("The agent's lifecycle transitions, newest first (from, to, trigger, reason, actor, at; limit ≤ 200, offset)").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapPost("/{id:guid}/deploy", DeployEngineAgent).WithName("DeployEngineAgent")
            .WithSummary("Deploy the agent (ready, stopped or error, configuration complete) → provisioning; 202, progress in the state").RequireRole(UserRole.Admin).Audited("engine_agent.deploy");
        group.MapPost("/{id:guid}/stop", StopEngineAgent).WithName("StopEngineAgent")
            .WithSummary("Stop the agent, or abort a deployment or update in flight → stopped").RequireRole(UserRole.Admin).Audited("engine_agent.stop");
        group.MapPost("/{id:guid}/restart", RestartEngineAgent).WithName("RestartEngineAgent")
            .WithSummary("Restart the agent's processes (running, degraded, stopped or error) → starting; 202").RequireRole(UserRole.Admin).Audited("engine_agent.restart");
        group.MapPost("/{id:guid}/hot-update", HotUpdateEngineAgent).WithName("HotUpdateEngineAgent")
            .WithSummary("Apply configuration changes ({updates}, optional) to a running or degraded agent → updating; 202").RequireRole(UserRole.Admin).Audited("engine_agent.hot_update");
        group.MapDelete("/{id:guid}", DestroyEngineAgent).WithName("DestroyEngineAgent")
            .WithSummary("Destroy the agent: → destroying, stop it, remove its deployment, then delete it").RequireRole(UserRole.Admin).Audited("engine_agent.destroy");
    }

    private static async Task<Ok<ListResponse<AgentTransitionResponse>>> GetEngineAgentHistory(Guid id, AgentLifecycleService lifecycle, string? limit, string? offset,
        CancellationToken cancellationToken)
    {
        var page = await lifecycle.HistoryAsync(id, Paging.Parse(limit, offset, DefaultHistoryLimit, MaxHistoryLimit), cancellationToken);
        return TypedResults.Ok(Envelope.List(page, AgentTransitionResponse.Of));
    }

    private static async Task<Accepted<DataResponse<AgentTransitionResponse>>> DeployEngineAgent(Guid id, [FromBody] AgentLifecycleRequest? request,
        AgentService agents, AgentLifecycleService lifecycle, [FromServices] IEnumerable<IAgentDeploymentOrchestrator> orchestrators, IServiceScopeFactory scopes, AuditContext audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var orchestrator = Orchestrator(orchestrators);
        var actor = Actor(http);
        await agents.EnsureDeployableAsync(id, cancellationToken);
        var transition = await lifecycle.FireAsync(id, AgentTrigger.Deploy, actor, request?.Reason, cancellationToken);
        await OrchestrateAsync(scopes, http, id, "deploy", () => orchestrator.DeployAsync(id, actor, transition.Reason, cancellationToken));
        return TypedResults.Accepted($"/api/engine/agents/{id}", Envelope.Of(Audit(audit, transition)));
    }

    private static async Task<Ok<DataResponse<AgentTransitionResponse>>> StopEngineAgent(Guid id, [FromBody] AgentLifecycleRequest? request,
        AgentLifecycleService lifecycle, [FromServices] IEnumerable<IAgentDeploymentOrchestrator> orchestrators, IServiceScopeFactory scopes, AuditContext audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var orchestrator = Orchestrator(orchestrators);
        var actor = Actor(http);
        var transition = await lifecycle.FireAsync(id, AgentTrigger.Stop, actor, request?.Reason, cancellationToken);
        await OrchestrateAsync(scopes, http, id, "stop", () => orchestrator.StopAsync(id, actor, transition.Reason, cancellationToken));
        return TypedResults.Ok(Envelope.Of(Audit(audit, transition)));
    }

    private static async Task<Accepted<DataResponse<AgentTransitionResponse>>> RestartEngineAgent(Guid id, [FromBody] AgentLifecycleRequest? request,
        AgentLifecycleService lifecycle, [FromServices] IEnumerable<IAgentDeploymentOrchestrator> orchestrators, IServiceScopeFactory scopes, AuditContext audit, HttpContext http,
        CancellationToken cancellationToken)
    {
        var orchestrator = Orchestrator(orchestrators);
        var actor = Actor(http);
        var transition = await lifecycle.FireAsync(id, AgentTrigger.Restart, actor, request?.Reason, cancellationToken);
        await OrchestrateAsync(scopes, http, id, "restart", () => orchestrator.RestartAsync(id, actor, transition.Reason, cancellationToken));
        return TypedResults.Accepted($"/api/engine/agents/{id}", Envelope.Of(Audit(audit, transition)));
    }

    private static async Task<Accepted<DataResponse<AgentTransitionResponse>>> HotUpdateEngineAgent(Guid id, [FromBody] AgentHotUpdateRequest? request,
        AgentService agents, [FromServices] IEnumerable<IAgentDeploymentOrchestrator> orchestrators, IServiceScopeFactory scopes, AuditContext audit,
        HttpContext http, CancellationToken cancellationToken)
    {
        var orchestrator = Orchestrator(orchestrators);
        var actor = Actor(http);
        var (agent, transition) = await agents.HotUpdateAsync(id, request?.Updates, http.User.UserId(), request?.Reason, cancellationToken);
        audit.Details["version"] = agent.ConfigVersion;
        await OrchestrateAsync(scopes, http, id, "hot update", () => orchestrator.HotUpdateAsync(id, actor, transition.Reason, cancellationToken));
        return TypedResults.Accepted($"/api/engine/agents/{id}", Envelope.Of(Audit(audit, transition)));
    }

    private static async Task<NoContent> DestroyEngineAgent(Guid id, [FromBody] AgentLifecycleRequest? request, AgentService agents,
        AgentLifecycleService lifecycle, PermissionEngine permissions, [FromServices] IEnumerable<IAgentDeploymentOrchestrator> orchestrators,
        IServiceScopeFactory scopes, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var orchestrator = Orchestrator(orchestrators);
        var actor = Actor(http);
        var transition = await lifecycle.FireAsync(id, AgentTrigger.Destroy, actor, request?.Reason, cancellationToken);
        Audit(audit, transition);
        // The reference deleted a running agent's row and left its deployment behind: stop, tear down, and only then delete.
        await OrchestrateAsync(scopes, http, id, "destroy", async () =>
        {
            await orchestrator.StopAsync(id, actor, transition.Reason, cancellationToken);
            await orchestrator.DestroyAsync(id, actor, transition.Reason, cancellationToken);
        });
        await agents.DeleteDestroyedAsync(id, cancellationToken);
        // The profile row goes with the agent (cascade); its compiled copy and call counters live in memory.
        permissions.Forget(id);
        return TypedResults.NoContent();
    }

    /// <summary>The orchestrator the Host registered last (as DI resolves a single service).</summary>
    /// <exception cref="DeploymentUnavailableException">None is registered.</exception>
    private static IAgentDeploymentOrchestrator Orchestrator(IEnumerable<IAgentDeploymentOrchestrator> orchestrators) =>
        orchestrators.LastOrDefault() ?? throw new DeploymentUnavailableException();

    /// <summary>
    /// Runs the orchestrator's part after the transition is stored. If it fails, the agent is moved to error (when
    /// its state still allows it) with the failure as the reason, and the request fails with the original error.
    /// </summary>
    private static async Task OrchestrateAsync(IServiceScopeFactory scopes, HttpContext http, Guid id, string operation, Func<Task> work)
    {
        try
        {
            await work();
        }
        catch (Exception exception)
        {
            await RecordFailureAsync(scopes, http.User.OrgId(), id, operation, exception);
            throw;
        }
    }

    private static async Task RecordFailureAsync(IServiceScopeFactory scopes, Guid orgId, Guid id, string operation, Exception exception)
    {
        // A unit of work of its own: whatever the failed orchestrator left tracked in the request's DbContext must not be saved with it.
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopedTenantContext>().Use(orgId);
        var lifecycle = scope.ServiceProvider.GetRequiredService<AgentLifecycleService>();
        // A reason is one line of bounded length; exception messages are neither.
        var reason = new string([.. $"{operation} failed: {exception.Message}".Select(c => char.IsControl(c) ? ' ' : c)]);
        try
        {
            // Not the request's token: an aborted request must still leave the agent in an honest state.
            await lifecycle.FireAsync(id, AgentTrigger.Fail, AgentActors.System,
                reason.Length > AgentLifecycleService.ReasonLength ? reason[..AgentLifecycleService.ReasonLength] : reason, CancellationToken.None);
        }
        catch (InvalidTransitionException)
        {
            // The orchestrator (or an operator) already moved the agent somewhere Fail does not apply.
        }
    }

    private static string Actor(HttpContext http) => AgentActors.Of(http.User.UserId());

    private static AgentTransitionResponse Audit(AuditContext audit, AgentStateHistory transition)
    {
        audit.Resource = $"agent:{transition.AgentId}";
        audit.Details["from"] = transition.From;
        audit.Details["to"] = transition.To;
        if (transition.Reason is not null)
        {
            audit.Details["reason"] = transition.Reason;
        }

        return AgentTransitionResponse.Of(transition);
    }
}
