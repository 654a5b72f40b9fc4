namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>The activities every AgentFlow installation has.</summary>
public static class BuiltinActivities
{
    /// <summary>The built-in activity classes, in palette order.</summary>
    public static IReadOnlyList<Type> Types { get; } =
    [
        typeof(StartActivity),
        typeof(EndActivity),
        typeof(SetVariableActivity),
        typeof(LogActivity),
        typeof(IfActivity),
        typeof(SwitchActivity),
        typeof(ForkActivity),
        typeof(JoinActivity),
        typeof(DelayActivity),
        typeof(TimerActivity),
        typeof(CronActivity),
        typeof(WaitEventActivity),
        typeof(WaitSignalActivity),
        typeof(HttpEndpointActivity),
        typeof(HttpRespondActivity),
        typeof(HttpRequestActivity),
        typeof(RunWorkflowActivity),
        typeof(ApprovalActivity),
        typeof(RunJobActivity),
    ];

    /// <summary>Registers the built-in activities.</summary>
    /// <param name="registry">The registry to fill.</param>
    /// <returns>The registry.</returns>
    /// <exception cref="InvalidOperationException">A built-in type name and version is already registered.</exception>
    public static ActivityTypeRegistry AddBuiltinActivities(this ActivityTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        foreach (var type in Types)
        {
            registry.Register(type);
        }

        return registry;
    }
}
