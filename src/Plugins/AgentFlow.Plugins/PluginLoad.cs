using AgentFlow.Plugins.Deployment;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Plugins;

/// <summary>
/// One loaded version of a plugin: its load context, its own small service container and the objects it contributes.
/// Calls into its code are counted (<see cref="Enter"/>) so a replaced version is unloaded only once they are done.
/// </summary>
public sealed class PluginLoad
{
    private PluginLoadContext? _context;
    private readonly IDisposable _services;
    private int _inFlight;
    private TaskCompletionSource? _drained;
    private readonly Lock _gate = new();

    internal PluginLoad(
        PluginManifest manifest, string folder, string fingerprint, string shadowFolder, PluginLoadContext context, IDisposable services,
        IReadOnlyList<ISkillPack> skillPacks, IReadOnlyList<IDeployTarget> deployTargets, IReadOnlyList<Type> activityTypes,
        IServiceProvider activityServices, DateTimeOffset loadedAt)
    {
        Manifest = manifest;
        Folder = folder;
        Fingerprint = fingerprint;
        ShadowFolder = shadowFolder;
        _context = context;
        _services = services;
        SkillPacks = skillPacks;
        DeployTargets = deployTargets;
        ActivityTypes = activityTypes;
        Services = activityServices;
        LoadedAt = loadedAt;
    }

    public PluginManifest Manifest { get; }

    public string Id => Manifest.Id;

    public string Version => Manifest.Version;

    /// <summary>The folder's name in the plugins directory.</summary>
    public string Folder { get; }

    /// <summary>What the folder looked like when this version was loaded (names, sizes, times).</summary>
    public string Fingerprint { get; }

    /// <summary>The copy the assemblies were loaded from.</summary>
    public string ShadowFolder { get; }

    public IReadOnlyList<ISkillPack> SkillPacks { get; }

    public IReadOnlyList<IDeployTarget> DeployTargets { get; }

    /// <summary>The plugin's activity classes (public, [Activity], implementing IActivity).</summary>
    public IReadOnlyList<Type> ActivityTypes { get; }

    /// <summary>
    /// The plugin's own container (logging, time, HTTP clients) for constructing its classes: a closed generic such as
    /// <c>ILogger&lt;PluginActivity&gt;</c> is then cached here and unloaded with the plugin, not in the Host's container.
    /// </summary>
    public IServiceProvider Services { get; }

    public DateTimeOffset LoadedAt { get; }

    /// <summary>Calls into the plugin's code now running.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Marks a call into the plugin's code; dispose the result when it ends.</summary>
    public IDisposable Enter()
    {
        Interlocked.Increment(ref _inFlight);
        return new Call(this);
    }

    /// <summary>Waits until no call is in flight, or the timeout passes.</summary>
    /// <returns>Whether every call ended in time.</returns>
    internal async Task<bool> DrainAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        Task waiting;
        lock (_gate)
        {
            if (InFlight == 0)
            {
                return true;
            }

            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            waiting = _drained.Task;
        }

        try
        {
            await waiting.WaitAsync(timeout, cancellationToken);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>Disposes the plugin's container and starts unloading its context.</summary>
    /// <returns>A weak reference to the context, dead once the runtime collected it.</returns>
    internal WeakReference Unload()
    {
        _services.Dispose();
        var context = _context ?? throw new InvalidOperationException($"Plugin \"{Id}\" {Version} is already unloaded.");
        _context = null;
        var reference = new WeakReference(context, trackResurrection: false);
        context.Unload();
        return reference;
    }

    private void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0)
        {
            lock (_gate)
            {
                if (InFlight == 0)
                {
                    _drained?.TrySetResult();
                }
            }
        }
    }

    private sealed class Call(PluginLoad owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Exit();
            }
        }
    }
}
