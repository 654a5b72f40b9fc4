using System.Text.Json;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Persistence;
using AgentFlow.Plugins.Deployment;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentFlow.Engine.Deployment;

public sealed class HealthOptions
{
    public const string SectionName = "AgentFlow:Health";

    /// <summary>Time between two probes of a running agent (the health-recovery workflow's timer).</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(30);

    public int DegradedAfter { get; set; } = 2;
    public int UnhealthyAfter { get; set; } = 3;
    public int RestartAfter { get; set; } = 5;

    /// <summary>Automatic restarts allowed within <see cref="RestartWindow"/>; one more failure streak then means error.</summary>
    public int MaxRestarts { get; set; } = 3;

    public TimeSpan RestartWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>A tool call open this long with no activity of the agent meanwhile counts as a failed probe ("no progress").</summary>
    public TimeSpan NoProgressAfter { get; set; } = TimeSpan.FromMinutes(10);
}

/// <summary>Whether the health-recovery workflow keeps probing.</summary>
public enum HealthVerdict
{
    Continue,
    Stop,
}

/// <summary>
/// One probe of a deployed agent, as the health-recovery workflow runs it: the target's status (process alive and
/// answering), "no progress" liveness, the monthly budgets; then the reference's thresholds (degraded after 2 failures,
/// unhealthy after 3, restart after 5), at most <see cref="HealthOptions.MaxRestarts"/> restarts in
/// <see cref="HealthOptions.RestartWindow"/> before the agent goes to <c>error</c> with an alert. The counters live in the
/// deployment row, so a restart of the server continues the count.
/// </summary>
public sealed class HealthMonitor(
    AgentFlowDbContext db, DeploymentService deployments, AgentLifecycleService lifecycle, AgentUsageService usage,
    IActivityRecorder recorder, IOptions<HealthOptions> options, TimeProvider time)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task<HealthVerdict> ProbeAsync(Guid agentId, CancellationToken cancellationToken = default)
    {
        var settings = options.Value;
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken);
        var row = await db.AgentDeployments.FirstOrDefaultAsync(d => d.AgentId == agentId, cancellationToken);
        if (agent is null || row is null || agent.State is not (AgentStates.Running or AgentStates.Degraded or AgentStates.Starting))
        {
            return HealthVerdict.Stop;
        }

        if (await BudgetExhaustedAsync(agent, cancellationToken) is { } budgetReason)
        {
            await FireAsync(agentId, AgentTrigger.Stop, budgetReason, cancellationToken);
            await deployments.StopAsync(agentId, cancellationToken);
            return HealthVerdict.Stop;
        }

        var now = time.GetUtcNow();
        var status = await deployments.StatusAsync(agentId, cancellationToken);
        var failure = status.State == DeploymentState.Running ? await NoProgressAsync(agentId, now, cancellationToken) : status.Message;
        row.LastCheckAt = now;
        Record(agent, "health_check", new Dictionary<string, object?>
        {
            ["status"] = failure is null ? "pass" : "fail",
            ["deployment"] = status.State.ToString().ToLowerInvariant(),
            ["message"] = failure ?? status.Message,
        });

        if (failure is null)
        {
            row.ConsecutiveFailures = 0;
            row.Health = "healthy";
            await db.SaveChangesAsync(cancellationToken);
            if (agent.State != AgentStates.Running && await FireAsync(agentId, AgentTrigger.Healthy, "Health restored", cancellationToken)
                && agent.State == AgentStates.Degraded)
            {
                Record(agent, "auto_recovered", new Dictionary<string, object?> { ["action"] = "none", ["reason"] = "Health restored" });
            }

            return HealthVerdict.Continue;
        }

        row.ConsecutiveFailures++;
        var failures = row.ConsecutiveFailures;
        row.Health = failures >= settings.UnhealthyAfter ? "unhealthy" : "degraded";
        await db.SaveChangesAsync(cancellationToken);
        if (agent.State == AgentStates.Running && failures >= settings.DegradedAfter)
        {
            await FireAsync(agentId, AgentTrigger.Degrade, $"{failures} failed health checks: {failure}", cancellationToken);
        }

        if (failures < settings.RestartAfter)
        {
            return HealthVerdict.Continue;
        }

        var restarts = (JsonSerializer.Deserialize<List<DateTimeOffset>>(row.Restarts, Json) ?? []).Where(t => t > now - settings.RestartWindow).ToList();
        if (restarts.Count >= settings.MaxRestarts)
        {
            var reason = $"Crash loop: {restarts.Count} automatic restarts in {settings.RestartWindow.TotalMinutes:0} minutes and still failing ({failure})";
            await FireAsync(agentId, AgentTrigger.Fail, reason, cancellationToken);
            Record(agent, "agent_alert", new Dictionary<string, object?> { ["severity"] = "critical", ["reason"] = reason, ["restarts"] = restarts.Count });
            return HealthVerdict.Stop;
        }

        restarts.Add(now);
        row.Restarts = JsonSerializer.Serialize(restarts, Json);
        row.ConsecutiveFailures = 0;
        await db.SaveChangesAsync(cancellationToken);
        Record(agent, "auto_recovered", new Dictionary<string, object?> { ["action"] = "restart", ["failures"] = failures, ["reason"] = failure });
        if (await FireAsync(agentId, AgentTrigger.Restart, $"Auto-restart after {failures} failed health checks", cancellationToken))
        {
            var restarted = await deployments.RestartAsync(agentId, cancellationToken);
            if (!restarted.Succeeded)
            {
                await FireAsync(agentId, AgentTrigger.Fail, "Auto-restart failed: " + restarted.Message, cancellationToken);
                return HealthVerdict.Stop;
            }
        }

        return HealthVerdict.Continue;
    }

    private async Task<string?> NoProgressAsync(Guid agentId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var limit = options.Value.NoProgressAfter;
        var since = now - limit;
        var stuck = await db.ToolCalls.AsNoTracking().AnyAsync(c => c.AgentId == agentId && c.Status == ToolCallStatus.Running && c.StartedAt < since, cancellationToken);
        if (!stuck)
        {
            return null;
        }

        var recent = await db.ActivityEvents.AsNoTracking().AnyAsync(e => e.AgentId == agentId && e.Timestamp >= since && e.Type != "health_check", cancellationToken);
        return recent ? null : $"No progress: a tool call has been open for over {limit.TotalMinutes:0} minutes with no activity";
    }

    private async Task<string?> BudgetExhaustedAsync(Agent agent, CancellationToken cancellationToken)
    {
        if (agent.TokenBudgetMonthly <= 0 && agent.CostBudgetMonthlyMicroUsd <= 0)
        {
            return null;
        }

        var budgets = (await usage.ForAgentAsync(agent.Id, cancellationToken)).Budgets;
        return budgets.Tokens.Exceeded ? $"Monthly token budget exceeded ({budgets.Tokens.Used} of {budgets.Tokens.Budget})"
            : budgets.CostUsd.Exceeded ? $"Monthly cost budget exceeded ({budgets.CostUsd.Used} of {budgets.CostUsd.Budget} USD)"
            : null;
    }

    private async Task<bool> FireAsync(Guid agentId, AgentTrigger trigger, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await lifecycle.FireAsync(agentId, trigger, AgentActors.HealthMonitor, reason.Length > AgentLifecycleService.ReasonLength ? reason[..AgentLifecycleService.ReasonLength] : reason, cancellationToken);
            return true;
        }
        catch (InvalidTransitionException)
        {
            // An operator moved the agent meanwhile; the next probe sees the new state.
            return false;
        }
    }

    private void Record(Agent agent, string type, Dictionary<string, object?> data) =>
        recorder.Record(new ActivityEventInput(agent.OrgId, agent.Id, type, data));
}
