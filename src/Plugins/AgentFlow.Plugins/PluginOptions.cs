namespace AgentFlow.Plugins;

/// <summary>Where plugins live and how the loader treats them (section <c>AgentFlow:Plugins</c>).</summary>
public sealed class PluginOptions
{
    public const string SectionName = "AgentFlow:Plugins";

    /// <summary>The plugins directory, one sub-folder per plugin; relative paths start at the Host's content root.</summary>
    public string Directory { get; set; } = "plugins";

    /// <summary>
    /// Where loaded plugins are copied before their assemblies are opened, so a folder can be replaced or deleted
    /// while its old version still runs; relative paths start at the data directory.
    /// </summary>
    public string ShadowDirectory { get; set; } = "plugin-cache";

    /// <summary>Whether changes in the directory are picked up while the server runs.</summary>
    public bool Watch { get; set; } = true;

    /// <summary>Quiet time after the last file change before the directory is read (a copy in progress fires many events).</summary>
    public TimeSpan WatchDebounce { get; set; } = TimeSpan.FromMilliseconds(400);

    /// <summary>How often the directory is compared with what is loaded, for the changes a file watcher misses.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long calls in flight on a replaced or removed version may take before it is unloaded anyway.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The largest plugin zip accepted by upload.</summary>
    public long MaxUploadBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>The largest total size of the files a plugin zip unpacks to (a zip bomb is refused).</summary>
    public long MaxUnpackedBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>The most entries a plugin zip may have.</summary>
    public int MaxZipEntries { get; set; } = 2_000;
}
