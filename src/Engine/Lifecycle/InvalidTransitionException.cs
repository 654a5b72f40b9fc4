using AgentFlow.Engine.Errors;

namespace AgentFlow.Engine.Lifecycle;

/// <summary>The trigger is not allowed from the agent's current state (409 <c>INVALID_TRANSITION</c> with the allowed triggers).</summary>
public sealed class InvalidTransitionException(string state, AgentTrigger trigger, IReadOnlyList<AgentTrigger> allowed)
    : EngineException($"An agent in state '{state}' cannot {AgentTriggerNames.ToName(trigger)}. Allowed: {(allowed.Count == 0 ? "nothing" : string.Join(", ", allowed.Select(AgentTriggerNames.ToName)))}.")
{
    public const string ErrorCode = "INVALID_TRANSITION";

    public string State { get; } = state;
    public AgentTrigger Trigger { get; } = trigger;
    public IReadOnlyList<AgentTrigger> Allowed { get; } = allowed;
    public override string Code => ErrorCode;
}
