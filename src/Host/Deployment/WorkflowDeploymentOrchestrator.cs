using System.Text.Json.Nodes;
using System.Xml;
using AgentFlow.Engine.Deployment;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Approvals;
using AgentFlow.Workflows.Runtime;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.Deployment;

/// <summary>
/// The lifecycle routes' deployment work: a deploy runs the published <c>deploy-agent</c> workflow (each phase an
/// activity on the agent's deploy target, durable across restarts); stop, restart, hot update and destroy call the
/// target directly within the request (they are single, idempotent operations) and restart keeps the health loop.
/// </summary>
internal sealed class WorkflowDeploymentOrchestrator(
    DeploymentService deployments, AgentLifecycleService lifecycle, IWorkflowRuntime runtime, SystemWorkflows system,
    IHealthLoopLauncher health, AgentFlowDbContext db) : IAgentDeploymentOrchestrator
{
    public const string DeployDefinition = "deploy-agent";

    public async Task DeployAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken)
    {
        var orgId = db.CurrentOrgId ?? throw new InvalidOperationException("No organisation in scope.");
        var deployment = await deployments.PrepareAsync(agentId, actor, cancellationToken);
        await system.EnsurePublishedAsync(orgId, DeployDefinition, cancellationToken);
        await system.EnsurePublishedAsync(orgId, HealthLoopLauncher.Definition, cancellationToken);
        var started = await runtime.StartAsync(new StartWorkflowRequest
        {
            OrgId = orgId,
            DefinitionId = DeployDefinition,
            Input = new JsonObject { ["agentId"] = agentId.ToString(), ["orgId"] = orgId.ToString() },
            CorrelationId = agentId.ToString(),
            IdempotencyKey = $"deploy:{deployment.Id:N}:{deployment.UpdatedAt.UtcTicks}",
        }, cancellationToken);
        await deployments.SetWorkflowAsync(agentId, started.InstanceId, cancellationToken);
    }

    public async Task StopAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken) =>
        Ensure(await deployments.StopAsync(agentId, cancellationToken));

    public async Task RestartAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken)
    {
        Ensure(await deployments.RestartAsync(agentId, cancellationToken));
        var orgId = db.CurrentOrgId ?? throw new InvalidOperationException("No organisation in scope.");
        await lifecycle.FireAsync(agentId, AgentTrigger.Healthy, AgentActors.System, "Restarted and answering", cancellationToken);
        await health.EnsureRunningAsync(orgId, agentId, cancellationToken);
    }

    public async Task HotUpdateAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken)
    {
        Ensure(await deployments.HotUpdateAsync(agentId, cancellationToken));
        await lifecycle.FireAsync(agentId, AgentTrigger.UpdateComplete, AgentActors.System, "Configuration applied", cancellationToken);
    }

    public async Task DestroyAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken) =>
        Ensure(await deployments.DestroyAsync(agentId, cancellationToken));

    private static void Ensure(PhaseOutcome outcome)
    {
        if (!outcome.Succeeded)
        {
            throw new DeploymentFailedException(outcome.Message);
        }
    }
}

/// <summary>One health-recovery workflow per deployed agent: started after a successful verify or restart unless one runs.</summary>
internal sealed class HealthLoopLauncher(
    IWorkflowRuntime runtime, WorkflowInstanceQueries instances, SystemWorkflows system, IServiceScopeFactory scopes, IOptions<HealthOptions> options)
    : IHealthLoopLauncher
{
    public const string Definition = "health-recovery";

    public async Task EnsureRunningAsync(Guid orgId, Guid agentId, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<AgentFlow.Engine.Tenancy.ScopedTenantContext>().Use(orgId);
        var deployments = scope.ServiceProvider.GetRequiredService<DeploymentService>();
        var row = await deployments.FindAsync(agentId, cancellationToken);
        if (row?.HealthInstanceId is { } current && await IsActiveAsync(orgId, current, cancellationToken))
        {
            return;
        }

        await system.EnsurePublishedAsync(orgId, Definition, cancellationToken);
        var started = await runtime.StartAsync(new StartWorkflowRequest
        {
            OrgId = orgId,
            DefinitionId = Definition,
            Input = new JsonObject
            {
                ["agentId"] = agentId.ToString(),
                ["orgId"] = orgId.ToString(),
                ["interval"] = XmlConvert.ToString(options.Value.ProbeInterval),
            },
            CorrelationId = agentId.ToString(),
        }, cancellationToken);
        await deployments.SetHealthInstanceAsync(agentId, started.InstanceId, cancellationToken);
    }

    private async Task<bool> IsActiveAsync(Guid orgId, Guid instanceId, CancellationToken cancellationToken)
    {
        try
        {
            var instance = await instances.GetAsync(orgId, instanceId, cancellationToken);
            return instance.Instance.Status is AgentFlow.Workflows.Persistence.InstanceStatus.Running or AgentFlow.Workflows.Persistence.InstanceStatus.Suspended;
        }
        catch (WorkflowNotFoundException)
        {
            return false;
        }
    }
}
