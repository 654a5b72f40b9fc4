using static AgentFlow.Engine.Agents.AgentStates;

namespace AgentFlow.Engine.Lifecycle;

/// <summary>
/// One row of the table: <c>Trigger</c> moves an agent from any of <c>From</c> to <c>To</c>; with
/// <c>RequiresCompleteConfig</c>, only while the agent's configuration is complete.
/// </summary>
public sealed record AgentTransitionRule(AgentTrigger Trigger, IReadOnlyList<string> From, string To, bool RequiresCompleteConfig = false);

/// <summary>
/// The agent lifecycle, written once. <see cref="AgentStateMachine"/> configures Stateless from these rows, and
/// the allowed triggers of a state (the 409's <c>allowed</c> list) come from that machine, so the table is the only
/// place a transition is decided. docs/lifecycle.md shows it as a states × triggers grid.
/// </summary>
/// <remarks>
/// Departures from the reference, on purpose: <c>configuring</c> is entered (an incomplete configuration); a config
/// change in stopped or error returns the agent to ready (or configuring): its next step is a deploy of the new
/// configuration, not a restart of the old one. Stop also aborts a deployment or an update in flight
/// (provisioning, deploying, updating); the orchestrator's later progress triggers are then refused. Restart is
/// guarded (running, degraded, stopped, error) and goes through starting, so the health check decides when it is
/// running again. Fail is allowed from every state where work is under way, including stopped (a stop that did not
/// complete) and destroying (a teardown that failed; destroy can then be retried from error). Destroy is allowed
/// from every state but destroying, and the API stops the deployment before tearing it down.
/// </remarks>
public static class AgentTransitionTable
{
    private static readonly string[] Configurable = [Draft, Configuring, Ready, Stopped, Error];

    public static IReadOnlyList<AgentTransitionRule> Rules { get; } =
    [
        new(AgentTrigger.Configure, Configurable, Configuring),
        new(AgentTrigger.ConfigComplete, Configurable, Ready),
        new(AgentTrigger.Deploy, [Ready, Stopped, Error], Provisioning, RequiresCompleteConfig: true),
        new(AgentTrigger.Provisioned, [Provisioning], Deploying),
        new(AgentTrigger.Deployed, [Deploying], Starting),
        new(AgentTrigger.Healthy, [Starting, Degraded], Running),
        new(AgentTrigger.Degrade, [Starting, Running], Degraded),
        new(AgentTrigger.Fail, [Provisioning, Deploying, Starting, Running, Degraded, Updating, Stopped, Destroying], Error),
        new(AgentTrigger.Stop, [Provisioning, Deploying, Starting, Running, Degraded, Updating, Error], Stopped),
        new(AgentTrigger.Restart, [Running, Degraded, Stopped, Error], Starting),
        new(AgentTrigger.HotUpdate, [Running, Degraded], Updating),
        new(AgentTrigger.UpdateComplete, [Updating], Running),
        // From destroying too: a teardown interrupted by a crash of the server is finished by destroying again
        // (stop and destroy are idempotent), instead of leaving the agent stuck.
        new(AgentTrigger.Destroy, All, Destroying),
    ];

    /// <summary>States whose agent may have something deployed (processes, target resources).</summary>
    public static IReadOnlyList<string> Deployed { get; } = [Provisioning, Deploying, Starting, Running, Degraded, Stopped, Error, Updating, Destroying];
}
