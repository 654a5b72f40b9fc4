using AgentFlow.Engine.Deployment;
using AgentFlow.Workflows.Activities;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Activities.Health;

/// <summary>One health probe of a deployed agent (see <see cref="HealthMonitor"/>); Stop ends the health-recovery loop.</summary>
[Activity("health.probe", Category = "Health", DisplayName = "Health probe", Icon = "heart-pulse",
    Description = "Probes the agent's deployment, counts failures, degrades, restarts (at most 3 in 10 minutes) or stops it; Continue or Stop.")]
[ActivityOutcomes(Continue, Stop)]
public sealed class HealthProbeActivity(TenantScopes scopes) : IActivity
{
    public const string Continue = "Continue";
    public const string Stop = "Stop";

    [ActivityInput(Description = "The agent.", Required = true)]
    public string? AgentId { get; set; }

    [ActivityInput(Description = "The agent's organisation.", Required = true)]
    public string? OrgId { get; set; }

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        if (!Guid.TryParse(OrgId, out var orgId) || !Guid.TryParse(AgentId, out var agentId))
        {
            return ActivityResult.Fail("agentId and orgId are required.");
        }

        await using var scope = scopes.For(orgId);
        var verdict = await scope.ServiceProvider.GetRequiredService<HealthMonitor>().ProbeAsync(agentId, context.CancellationToken);
        return ActivityResult.Complete(verdict == HealthVerdict.Continue ? Continue : Stop);
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        throw new InvalidOperationException("A health probe does not wait.");
}
