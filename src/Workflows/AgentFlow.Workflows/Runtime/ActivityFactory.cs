using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Graph;

namespace AgentFlow.Workflows.Runtime;

/// <summary>An activity object for one step, and the mark that its class's plugin is in use until the step ends.</summary>
public sealed class ActivityInstance(IActivity activity, IDisposable? call) : IDisposable
{
    public IActivity Activity { get; } = activity;

    public void Dispose() => call?.Dispose();
}

/// <summary>Creates a fresh activity object per step, so activities may hold per-step fields and take services.</summary>
public sealed class ActivityFactory(ActivityTypeRegistry registry, IServiceProvider services)
{
    /// <exception cref="InvalidOperationException">The node's activity type is not registered (e.g. its plugin was removed).</exception>
    public ActivityInstance Create(GraphNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!registry.TryGetRegistration(node.Type, node.Descriptor.Version, out var registration)
            && !registry.TryGetRegistration(node.Type, null, out registration))
        {
            throw new InvalidOperationException($"Activity type \"{node.Type}\" is not registered.");
        }

        // Entered before the object exists: a plugin swap in between waits for this step instead of unloading under it.
        var call = registration.Enter?.Invoke();
        try
        {
            return new ActivityInstance((IActivity)registration.Factory(registration.Services ?? services, null), call);
        }
        catch
        {
            call?.Dispose();
            throw;
        }
    }
}
