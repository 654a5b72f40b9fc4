namespace AgentFlow.Engine.Lifecycle;

/// <summary>
/// What moves an agent from one lifecycle state to another. Operators fire <see cref="Deploy"/>, <see cref="Stop"/>,
/// <see cref="Restart"/>, <see cref="HotUpdate"/> and <see cref="Destroy"/> through the API; configuration changes
/// fire <see cref="Configure"/> or <see cref="ConfigComplete"/>; the deployment orchestrator and the health monitor
/// report progress with the others. <see cref="AgentTransitionTable"/> says which trigger is allowed where.
/// </summary>
public enum AgentTrigger
{
    /// <summary>The configuration changed and is still incomplete.</summary>
    Configure,

    /// <summary>The configuration changed and is complete.</summary>
    ConfigComplete,

    /// <summary>An operator deploys the agent (its configuration must be complete).</summary>
    Deploy,

    /// <summary>The target's resources exist.</summary>
    Provisioned,

    /// <summary>The agent is installed on the target; its processes are starting.</summary>
    Deployed,

    /// <summary>The health check passes.</summary>
    Healthy,

    /// <summary>The agent runs but a health check reports a problem.</summary>
    Degrade,

    /// <summary>Something went wrong: a deployment step, a process, a stop or a teardown.</summary>
    Fail,

    /// <summary>An operator stops the agent, or aborts a deployment or an update in flight.</summary>
    Stop,

    /// <summary>An operator restarts the agent's processes on its existing deployment.</summary>
    Restart,

    /// <summary>An operator applies a configuration change to the running agent without redeploying.</summary>
    HotUpdate,

    /// <summary>The hot update is applied.</summary>
    UpdateComplete,

    /// <summary>An operator removes the agent and its deployment.</summary>
    Destroy,
}

/// <summary>The triggers' names as the API and the state history spell them (camelCase).</summary>
public static class AgentTriggerNames
{
    /// <summary>The history's trigger for the row written when an agent is created (no state before it).</summary>
    public const string Create = "create";

    public static string ToName(AgentTrigger trigger)
    {
        var name = trigger.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    public static bool TryParse(string? name, out AgentTrigger trigger)
    {
        foreach (var candidate in Enum.GetValues<AgentTrigger>())
        {
            if (string.Equals(ToName(candidate), name, StringComparison.Ordinal))
            {
                trigger = candidate;
                return true;
            }
        }

        trigger = default;
        return false;
    }
}
