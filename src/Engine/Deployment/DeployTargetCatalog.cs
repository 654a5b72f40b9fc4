using System.Collections.Frozen;
using AgentFlow.Plugins.Deployment;

namespace AgentFlow.Engine.Deployment;

/// <summary>A deploy target as the platform lists it (copied from the plugin, so the listing holds nothing of its code).</summary>
/// <param name="Id">The target id.</param>
/// <param name="DisplayName">Display name.</param>
/// <param name="Description">What it is.</param>
/// <param name="ConfigSchema">The settings a deployment takes.</param>
/// <param name="PluginId">The plugin that contributes it.</param>
/// <param name="PluginVersion">That plugin's version.</param>
public sealed record DeployTargetInfo(string Id, string DisplayName, string Description, IReadOnlyList<DeployConfigField> ConfigSchema, string PluginId, string PluginVersion);

/// <summary>A deploy target with the plugin version it belongs to and how to mark a call into it.</summary>
/// <param name="Info">The listing.</param>
/// <param name="Target">The plugin's object.</param>
/// <param name="Enter">Marks a call into the plugin's code; the plugin is unloaded only after such calls end.</param>
public sealed record DeployTargetRegistration(DeployTargetInfo Info, IDeployTarget Target, Func<IDisposable> Enter);

/// <summary>
/// A deploy target held for one operation: the plugin version that served <see cref="Target"/> stays loaded until
/// the lease is disposed, even if a newer version replaces it meanwhile.
/// </summary>
public sealed class DeployTargetLease(DeployTargetInfo info, IDeployTarget target, IDisposable call) : IDisposable
{
    public DeployTargetInfo Info { get; } = info;

    public IDeployTarget Target { get; } = target;

    public void Dispose() => call.Dispose();
}

/// <summary>The deploy targets in force, replaced as a whole when plugins change.</summary>
public sealed class DeployTargetCatalog
{
    private FrozenDictionary<string, DeployTargetRegistration> _targets = FrozenDictionary<string, DeployTargetRegistration>.Empty;

    /// <summary>Every target, ordered by id.</summary>
    public IReadOnlyList<DeployTargetInfo> All => [.. Volatile.Read(ref _targets).Values.Select(r => r.Info).OrderBy(i => i.Id, StringComparer.Ordinal)];

    /// <summary>The target's listing, or null.</summary>
    public DeployTargetInfo? Find(string id) => Volatile.Read(ref _targets).GetValueOrDefault(id)?.Info;

    /// <summary>Takes a target for one operation; null when no active plugin provides it.</summary>
    public DeployTargetLease? Acquire(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        if (!Volatile.Read(ref _targets).TryGetValue(id, out var registration))
        {
            return null;
        }

        return new DeployTargetLease(registration.Info, registration.Target, registration.Enter());
    }

    /// <summary>Makes <paramref name="registrations"/> the targets in force (ids must be unique).</summary>
    public void Replace(IEnumerable<DeployTargetRegistration> registrations)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        Volatile.Write(ref _targets, registrations.ToFrozenDictionary(r => r.Info.Id, StringComparer.Ordinal));
    }
}
