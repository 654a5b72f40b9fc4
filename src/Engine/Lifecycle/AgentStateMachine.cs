using AgentFlow.Engine.Agents;
using Stateless;

namespace AgentFlow.Engine.Lifecycle;

/// <summary>A transition that happened (or is about to be stored).</summary>
public sealed record AgentTransition(string From, string To, AgentTrigger Trigger);

/// <summary>
/// One agent's lifecycle: Stateless configured from <see cref="AgentTransitionTable.Rules"/> around the agent's
/// current state. Cheap to build; build one per decision rather than keeping one per agent, since the stored state
/// is the truth.
/// </summary>
public sealed class AgentStateMachine
{
    private readonly StateMachine<string, AgentTrigger> _machine;
    private string _state;

    /// <param name="state">The agent's current state, one of <see cref="AgentStates.All"/>.</param>
    /// <param name="configComplete">Whether the agent's configuration is complete (guards deploy).</param>
    public AgentStateMachine(string state, bool configComplete = true)
    {
        if (!AgentStates.All.Contains(state, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(state), state, "Not a lifecycle state.");
        }

        _state = state;
        _machine = new StateMachine<string, AgentTrigger>(() => _state, s => _state = s);
        foreach (var rule in AgentTransitionTable.Rules)
        {
            foreach (var from in rule.From)
            {
                var configuration = _machine.Configure(from);
                Func<bool> guard = rule.RequiresCompleteConfig ? () => configComplete : () => true;
                var description = rule.RequiresCompleteConfig ? "complete configuration" : null;
                // Stateless refuses Permit to the same state: a configuration change that keeps the state is a reentry.
                _ = from == rule.To
                    ? configuration.PermitReentryIf(rule.Trigger, guard, description)
                    : configuration.PermitIf(rule.Trigger, rule.To, guard, description);
            }
        }
    }

    public string State => _state;

    /// <summary>The triggers allowed from the current state, in the order of <see cref="AgentTrigger"/>.</summary>
    public IReadOnlyList<AgentTrigger> PermittedTriggers => [.. Enum.GetValues<AgentTrigger>().Where(_machine.CanFire)];

    public bool CanFire(AgentTrigger trigger) => _machine.CanFire(trigger);

    /// <summary>Moves to the state the table gives for <paramref name="trigger"/>.</summary>
    /// <exception cref="InvalidTransitionException">The trigger is not allowed from the current state.</exception>
    public AgentTransition Fire(AgentTrigger trigger)
    {
        if (!_machine.CanFire(trigger))
        {
            throw new InvalidTransitionException(_state, trigger, PermittedTriggers);
        }

        var from = _state;
        _machine.Fire(trigger);
        return new AgentTransition(from, _state, trigger);
    }
}
