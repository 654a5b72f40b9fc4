using System.Collections.Concurrent;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Graph;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Workflows.Runtime;

/// <summary>Creates a fresh activity object per step, so activities may hold per-step fields and take services.</summary>
public sealed class ActivityFactory(ActivityTypeRegistry registry, IServiceProvider services)
{
    private readonly ConcurrentDictionary<Type, ObjectFactory> _factories = new();

    /// <exception cref="InvalidOperationException">The node's activity type is not registered (e.g. its plugin was removed).</exception>
    public IActivity Create(GraphNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        if (!registry.TryGetClrType(node.Type, node.Descriptor.Version, out var clrType)
            && !registry.TryGetClrType(node.Type, null, out clrType))
        {
            throw new InvalidOperationException($"Activity type \"{node.Type}\" is not registered.");
        }

        var factory = _factories.GetOrAdd(clrType, t => ActivatorUtilities.CreateFactory(t, Type.EmptyTypes));
        return (IActivity)factory(services, null);
    }
}
