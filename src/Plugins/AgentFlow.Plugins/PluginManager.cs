using System.Collections.Immutable;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Plugins;

/// <summary>
/// Keeps the active plugins in step with the plugins directory. Each pass compares every folder with what is loaded:
/// a new folder is loaded and admitted, a changed one is loaded as a new version that replaces the old only if it
/// loads and passes every check, a removed one is retired. The handlers then switch their registries to the new set
/// in one step; retired versions are unloaded once their calls in flight are done. A plugin that fails is reported
/// and never stops the server; a folder that failed is not tried again until it changes.
/// </summary>
public sealed partial class PluginManager(
    PluginLoader loader,
    PluginPaths paths,
    IEnumerable<IPluginContributionHandler> handlers,
    IOptions<PluginOptions> options,
    TimeProvider time,
    ILogger<PluginManager> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly IReadOnlyList<IPluginContributionHandler> _handlers = [.. handlers];
    private readonly Dictionary<string, string> _rejectedFingerprints = new(StringComparer.Ordinal);
    private readonly Lock _retiredGate = new();
    private readonly List<RetiredPluginLoad> _retired = [];
    private readonly List<Task> _unloading = [];
    private ImmutableArray<PluginLoad> _active = [];
    private ImmutableDictionary<string, PluginReport> _reports = ImmutableDictionary<string, PluginReport>.Empty;

    /// <summary>The active plugin versions, in the order they were admitted.</summary>
    public IReadOnlyList<PluginLoad> Active => _active;

    /// <summary>Every plugin folder as last seen, ordered by plugin id.</summary>
    public IReadOnlyList<PluginReport> Reports => [.. _reports.Values.OrderBy(r => r.Id, StringComparer.Ordinal).ThenBy(r => r.Folder, StringComparer.Ordinal)];

    /// <summary>Versions replaced or removed since start, with whether their code has been collected.</summary>
    public IReadOnlyList<RetiredPluginLoad> Retired
    {
        get
        {
            lock (_retiredGate)
            {
                return [.. _retired];
            }
        }
    }

    /// <summary>The plugins directory.</summary>
    public string Directory => paths.PluginsDirectory;

    /// <summary>Brings the active plugins in line with the directory.</summary>
    /// <returns>Every plugin folder's report after the pass.</returns>
    public async Task<IReadOnlyList<PluginReport>> ReconcileAsync(CancellationToken cancellationToken = default)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            Reconcile();
        }
        finally
        {
            _gate.Release();
        }

        return Reports;
    }

    /// <summary>Completes when every retired version so far has been unloaded (its calls drained).</summary>
    public Task WhenUnloadedAsync()
    {
        lock (_retiredGate)
        {
            return Task.WhenAll(_unloading);
        }
    }

    public void Dispose() => _gate.Dispose();

    private void Reconcile()
    {
        var folders = paths.ListFolders().ToDictionary(f => Path.GetFileName(f), f => f, StringComparer.Ordinal);
        var current = _active;
        var next = new List<PluginLoad>();
        var retiring = new List<PluginLoad>();
        var reports = _reports.Where(r => folders.ContainsKey(r.Key)).ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);
        foreach (var gone in _rejectedFingerprints.Keys.Where(k => !folders.ContainsKey(k)).ToList())
        {
            _rejectedFingerprints.Remove(gone);
        }

        for (var i = 0; i < current.Length; i++)
        {
            var load = current[i];
            if (!folders.TryGetValue(load.Folder, out var path))
            {
                LogRemoved(load.Id, load.Version);
                retiring.Add(load);
                continue;
            }

            var fingerprint = TryFingerprint(path);
            if (fingerprint is null || fingerprint == load.Fingerprint || _rejectedFingerprints.GetValueOrDefault(load.Folder) == fingerprint)
            {
                next.Add(load);
                continue;
            }

            // Checked against the plugins that stay: those kept so far and those not yet looked at, but not itself.
            var others = next.Concat(current.Skip(i + 1)).ToList();
            var (replacement, problems, _) = TryAdmit(path, fingerprint, others);
            if (replacement is not null)
            {
                LogReplaced(load.Id, load.Version, replacement.Version);
                next.Add(replacement);
                retiring.Add(load);
                reports[load.Folder] = ActiveReport(replacement);
                _rejectedFingerprints.Remove(load.Folder);
                continue;
            }

            LogReplaceFailed(load.Id, load.Version, string.Join(" ", problems));
            next.Add(load);
            _rejectedFingerprints[load.Folder] = fingerprint;
            reports[load.Folder] = ActiveReport(load) with
            {
                Errors = [.. problems.Select(p => $"The new version in the folder could not replace {load.Version}: {p}")],
                UpdatedAt = time.GetUtcNow(),
            };
        }

        var loadedFolders = current.Select(l => l.Folder).ToHashSet(StringComparer.Ordinal);
        foreach (var (folder, path) in folders.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            if (loadedFolders.Contains(folder))
            {
                continue;
            }

            var fingerprint = TryFingerprint(path);
            if (fingerprint is null || _rejectedFingerprints.GetValueOrDefault(folder) == fingerprint)
            {
                continue;
            }

            var (load, problems, conflict) = TryAdmit(path, fingerprint, next);
            if (load is not null)
            {
                LogAdded(load.Id, load.Version, folder);
                next.Add(load);
                reports[folder] = ActiveReport(load);
                _rejectedFingerprints.Remove(folder);
                continue;
            }

            LogFailed(folder, string.Join(" ", problems));
            _rejectedFingerprints[folder] = fingerprint;
            reports[folder] = FailedReport(folder, path, conflict, problems);
        }

        var changed = next.Count != current.Length || next.Where((l, i) => !ReferenceEquals(l, current[i])).Any();
        if (changed)
        {
            foreach (var handler in _handlers)
            {
                try
                {
                    handler.Apply(next);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    LogApplyFailed(handler.GetType().Name, ex);
                }
            }

            _active = [.. next];
        }

        _reports = reports.ToImmutableDictionary(StringComparer.Ordinal);
        foreach (var load in retiring)
        {
            Retire(load);
        }
    }

    private (PluginLoad? Load, IReadOnlyList<string> Problems, bool Conflict) TryAdmit(string path, string fingerprint, IReadOnlyList<PluginLoad> others)
    {
        var result = loader.Load(path, fingerprint);
        if (result.Load is not { } load)
        {
            return (null, result.Errors, false);
        }

        var problems = new List<PluginProblem>();
        if (others.FirstOrDefault(o => o.Id == load.Id) is { } sameId)
        {
            problems.Add(new PluginProblem($"Plugin id \"{load.Id}\" is already active from folder \"{sameId.Folder}\".", IsConflict: true));
        }

        foreach (var handler in _handlers)
        {
            try
            {
                problems.AddRange(handler.Check(others, load));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // The check reads the plugin's objects, i.e. runs its code: a throwing getter rejects the plugin.
                problems.Add(new PluginProblem($"Reading the plugin's contributions failed: {ex.GetType().Name}: {ex.Message}"));
            }
        }

        if (problems.Count == 0)
        {
            return (load, [], false);
        }

        // Nothing took a reference yet: unload at once.
        _ = load.Unload();
        PluginPaths.TryDelete(load.ShadowFolder);
        return (null, [.. problems.Select(p => p.Message)], problems.Any(p => p.IsConflict));
    }

    private void Retire(PluginLoad load)
    {
        var drainTimeout = options.Value.DrainTimeout;
        var id = load.Id;
        var version = load.Version;
        var task = Task.Run(async () =>
        {
            if (!await load.DrainAsync(drainTimeout, CancellationToken.None))
            {
                LogDrainTimedOut(id, version, load.InFlight);
            }

            var context = load.Unload();
            PluginPaths.TryDelete(load.ShadowFolder);
            lock (_retiredGate)
            {
                _retired.Add(new RetiredPluginLoad(id, version, context));
            }

            LogUnloaded(id, version);
        });
        lock (_retiredGate)
        {
            _unloading.RemoveAll(t => t.IsCompleted);
            _unloading.Add(task);
        }
    }

    private static string? TryFingerprint(string path)
    {
        try
        {
            return PluginPaths.Fingerprint(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static PluginReport ActiveReport(PluginLoad load)
    {
        var packs = load.SkillPacks;
        var summary = new PluginContributionSummary(
            [.. packs.Select(p => p.Id)],
            [.. packs.SelectMany(p => p.Skills).Select(s => s.Id)],
            [.. packs.SelectMany(p => p.Tools).Select(t => t.Id)],
            [.. packs.SelectMany(p => p.Presets).Select(p => p.Id)],
            [.. load.DeployTargets.Select(t => t.Id)],
            [.. load.ActivityTypes.Select(ActivityTypeName)]);
        return new PluginReport(load.Folder, load.Id, PluginStatus.Active)
        {
            Version = load.Version,
            DisplayName = load.Manifest.DisplayName,
            Author = load.Manifest.Author,
            Description = load.Manifest.Description,
            Contributes = summary,
            UpdatedAt = load.LoadedAt,
        };
    }

    private PluginReport FailedReport(string folder, string path, bool conflict, IReadOnlyList<string> problems)
    {
        var manifest = PluginManifestReader.Read(path, out _);
        return new PluginReport(folder, manifest?.Id ?? folder, conflict ? PluginStatus.Conflict : PluginStatus.Failed)
        {
            Version = manifest?.Version,
            DisplayName = manifest?.DisplayName,
            Author = manifest?.Author,
            Description = manifest?.Description,
            Errors = problems,
            UpdatedAt = time.GetUtcNow(),
        };
    }

    private static string ActivityTypeName(Type type) =>
        type.GetCustomAttributes(typeof(Workflows.Activities.ActivityAttribute), inherit: false)
            .OfType<Workflows.Activities.ActivityAttribute>().FirstOrDefault()?.Type ?? type.Name;

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {PluginId} {Version} loaded from folder {Folder}")]
    private partial void LogAdded(string pluginId, string version, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {PluginId} {OldVersion} replaced by {NewVersion}")]
    private partial void LogReplaced(string pluginId, string oldVersion, string newVersion);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {PluginId} {Version} removed")]
    private partial void LogRemoved(string pluginId, string version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugin {PluginId} {Version} unloaded")]
    private partial void LogUnloaded(string pluginId, string version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin folder {Folder} could not be loaded: {Problems}")]
    private partial void LogFailed(string folder, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {PluginId} {Version} stays active: the new version in its folder could not replace it: {Problems}")]
    private partial void LogReplaceFailed(string pluginId, string version, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Plugin {PluginId} {Version} unloaded with {InFlight} calls still in flight after the drain timeout")]
    private partial void LogDrainTimedOut(string pluginId, string version, int inFlight);

    [LoggerMessage(Level = LogLevel.Error, Message = "Plugin contribution handler {Handler} failed to apply the new plugin set")]
    private partial void LogApplyFailed(string handler, Exception exception);
}
