using AgentFlow.Host.Tests.Infrastructure;
using AgentFlow.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Plugins;

/// <summary>
/// A Host (SQLite) with a plugins directory of its own, watched, seeded with the built-in plugins the build bundles.
/// Plugins behave the same on either database, so the swap tests run on SQLite only.
/// </summary>
public sealed class PluginHostFixture : SqliteHostFixture
{
    public PluginHostFixture()
    {
        PluginsDirectory = Path.Combine(Path.GetTempPath(), "agentflow-plugin-tests", Guid.NewGuid().ToString("N"), "plugins");
        CopyDirectory(Path.Combine(AppContext.BaseDirectory, "plugins"), PluginsDirectory);
    }

    public string PluginsDirectory { get; }

    public PluginManager Manager => Services.GetRequiredService<PluginManager>();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["AgentFlow:Plugins:Directory"] = PluginsDirectory,
        ["AgentFlow:Plugins:Watch"] = "true",
        ["AgentFlow:Plugins:PollInterval"] = "00:00:01",
        ["AgentFlow:Plugins:WatchDebounce"] = "00:00:00.200",
        ["AgentFlow:Plugins:DrainTimeout"] = "00:00:30",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(Path.GetDirectoryName(PluginsDirectory)!, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder; the OS cleans it.
        }
    }

    /// <summary>Copies a built plugin into the directory as it would be dropped in by hand (a new folder appears).</summary>
    public string Install(string builtPlugin, string folderName)
    {
        // Built next to the directory, then renamed in: the watcher sees a complete folder at once.
        var staging = Path.Combine(Path.GetDirectoryName(PluginsDirectory)!, "staging-" + Guid.NewGuid().ToString("N"));
        CopyDirectory(builtPlugin, staging);
        var target = Path.Combine(PluginsDirectory, folderName);
        if (Directory.Exists(target))
        {
            var old = Path.Combine(Path.GetDirectoryName(PluginsDirectory)!, "old-" + Guid.NewGuid().ToString("N"));
            Directory.Move(target, old);
            Directory.Move(staging, target);
            Directory.Delete(old, recursive: true);
        }
        else
        {
            Directory.Move(staging, target);
        }

        return target;
    }

    public void Remove(string folderName) => Directory.Delete(Path.Combine(PluginsDirectory, folderName), recursive: true);

    internal static void CopyDirectory(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }
}
