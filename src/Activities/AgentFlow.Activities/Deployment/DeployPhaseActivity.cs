using System.Text.Json.Nodes;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Deployment;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Workflows.Activities;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Activities.Deployment;

/// <summary>
/// One phase of a deployment on the agent's deploy target, then the lifecycle step it completes (provision →
/// deploying, deploy → starting, verify → running). A failed phase moves the agent to <c>error</c> with the target's
/// message; an agent an operator stopped or destroyed meanwhile ends the deployment (Abandoned) without touching it.
/// </summary>
[Activity("deploy.phase", Category = "Deployment", DisplayName = "Deployment phase", Icon = "server",
    Description = "Runs validate, provision, configure, deploy or verify on the agent's deploy target and advances its lifecycle.")]
[ActivityOutcomes(Done, Failed, Abandoned)]
public sealed class DeployPhaseActivity(TenantScopes scopes) : IActivity
{
    public const string Done = "Done";
    public const string Failed = "Failed";
    public const string Abandoned = "Abandoned";

    [ActivityInput(Description = "The agent.", Required = true)]
    public string? AgentId { get; set; }

    [ActivityInput(Description = "The agent's organisation.", Required = true)]
    public string? OrgId { get; set; }

    [ActivityInput(Description = "validate, provision, configure, deploy or verify.", Required = true)]
    public string? Phase { get; set; }

    [ActivityOutput(Description = "The target's message.")]
    public string? Message { get; }

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        if (!Guid.TryParse(OrgId, out var orgId) || !Guid.TryParse(AgentId, out var agentId) || !Enum.TryParse<DeployPhase>(Phase, ignoreCase: true, out var phase))
        {
            return ActivityResult.Fail("agentId, orgId and a phase (validate, provision, configure, deploy, verify) are required.");
        }

        await using var scope = scopes.For(orgId);
        var services = scope.ServiceProvider;
        var lifecycle = services.GetRequiredService<AgentLifecycleService>();
        // validate and provision run while provisioning, configure and deploy while deploying, verify while starting.
        var expected = phase switch
        {
            DeployPhase.Configure or DeployPhase.Deploy => AgentStates.Deploying,
            DeployPhase.Verify => AgentStates.Starting,
            _ => AgentStates.Provisioning,
        };
        var deployments = services.GetRequiredService<DeploymentService>();
        var state = await deployments.AgentStateAsync(agentId, context.CancellationToken);
        if (state != expected)
        {
            context.Log("info", $"Deployment abandoned before {Phase}: the agent is {state}.");
            return ActivityResult.Complete(Abandoned, Output($"The agent is {state}."));
        }

        var outcome = await deployments.RunPhaseAsync(agentId, phase, context.CancellationToken);
        context.Log(outcome.Succeeded ? "info" : "error", $"{Phase}: {outcome.Message}");
        if (!outcome.Succeeded)
        {
            await TryFireAsync(lifecycle, agentId, AgentTrigger.Fail, $"Deployment failed at {Phase}: {outcome.Message}", context.CancellationToken);
            return ActivityResult.Complete(Failed, Output(outcome.Message));
        }

        var trigger = phase switch
        {
            DeployPhase.Provision => AgentTrigger.Provisioned,
            DeployPhase.Deploy => AgentTrigger.Deployed,
            DeployPhase.Verify => AgentTrigger.Healthy,
            _ => (AgentTrigger?)null,
        };
        if (trigger is { } t && !await TryFireAsync(lifecycle, agentId, t, outcome.Message, context.CancellationToken))
        {
            return ActivityResult.Complete(Abandoned, Output("An operator changed the agent's state during the phase."));
        }

        if (phase == DeployPhase.Verify)
        {
            foreach (var health in services.GetServices<IHealthLoopLauncher>())
            {
                await health.EnsureRunningAsync(orgId, agentId, context.CancellationToken);
            }
        }

        return ActivityResult.Complete(Done, Output(outcome.Message));
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        throw new InvalidOperationException("A deployment phase does not wait.");

    private static async Task<bool> TryFireAsync(AgentLifecycleService lifecycle, Guid agentId, AgentTrigger trigger, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await lifecycle.FireAsync(agentId, trigger, AgentActors.System, reason.Length > 500 ? reason[..500] : reason, cancellationToken);
            return true;
        }
        catch (InvalidTransitionException)
        {
            // The orchestrator contract: a refused progress trigger means an operator stopped or destroyed the agent.
            return false;
        }
    }

    private static Dictionary<string, JsonNode?> Output(string message) => new(StringComparer.Ordinal) { ["message"] = message };
}
