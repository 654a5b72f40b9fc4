namespace AgentFlow.Plugins;

/// <summary>
/// What a plugin says about itself, read from the <c>plugin.json</c> file at the root of its folder before any of its
/// code is loaded. Property names in the file are camelCase (<c>id</c>, <c>version</c>, <c>displayName</c>...).
/// </summary>
/// <param name="Id">Unique plugin id: lower case letters, digits, <c>.</c> and <c>-</c> (<c>acme.crm-skills</c>).</param>
/// <param name="Version">The plugin's version, semantic versioning (<c>1.2.0</c>, <c>2.0.0-beta.1</c>).</param>
/// <param name="DisplayName">Name shown in the Studio and in <c>GET /api/plugins</c>.</param>
public sealed record PluginManifest(string Id, string Version, string DisplayName)
{
    /// <summary>The manifest's file name in a plugin folder.</summary>
    public const string FileName = "plugin.json";

    /// <summary>Who wrote the plugin.</summary>
    public string? Author { get; init; }

    /// <summary>One or two sentences: what the plugin adds.</summary>
    public string? Description { get; init; }

    /// <summary>The oldest AgentFlow version the plugin works with (<c>0.1.0</c>); an older host refuses to load it.</summary>
    public string? MinimumAgentFlowVersion { get; init; }

    /// <summary>
    /// The file name of the assembly holding the plugin's types, relative to the folder. Defaults to the plugin id
    /// followed by <c>.dll</c>.
    /// </summary>
    public string? EntryAssembly { get; init; }
}
