namespace AgentFlow.Plugins;

/// <summary>Where a plugin folder stands.</summary>
public enum PluginStatus
{
    /// <summary>Loaded and contributing.</summary>
    Active = 0,

    /// <summary>Could not be loaded (bad manifest, corrupt assembly, a constructor threw, invalid contributions).</summary>
    Failed = 1,

    /// <summary>Claims an id another active plugin already has; the other one stays active.</summary>
    Conflict = 2,
}

/// <summary>What a plugin adds to the platform.</summary>
/// <param name="SkillPacks">Skill pack ids.</param>
/// <param name="Skills">Skill ids.</param>
/// <param name="Tools">Tool ids.</param>
/// <param name="Presets">Permission preset ids.</param>
/// <param name="DeployTargets">Deploy target ids.</param>
/// <param name="Activities">Workflow activity type names.</param>
public sealed record PluginContributionSummary(
    IReadOnlyList<string> SkillPacks,
    IReadOnlyList<string> Skills,
    IReadOnlyList<string> Tools,
    IReadOnlyList<string> Presets,
    IReadOnlyList<string> DeployTargets,
    IReadOnlyList<string> Activities)
{
    public static PluginContributionSummary Empty { get; } = new([], [], [], [], [], []);
}

/// <summary>One plugin folder as the loader last saw it.</summary>
/// <param name="Folder">The folder's name in the plugins directory.</param>
/// <param name="Id">The plugin id (from the manifest; the folder name when the manifest could not be read).</param>
/// <param name="Status">Where it stands.</param>
public sealed record PluginReport(string Folder, string Id, PluginStatus Status)
{
    /// <summary>The active version, or the version that failed when none is active.</summary>
    public string? Version { get; init; }

    public string? DisplayName { get; init; }

    public string? Author { get; init; }

    public string? Description { get; init; }

    public PluginContributionSummary Contributes { get; init; } = PluginContributionSummary.Empty;

    /// <summary>Why the folder (or its newest version, while an older one stays active) could not be loaded.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];

    /// <summary>When the active version was loaded, or when loading last failed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>A version that was replaced or removed, kept weakly to tell whether its code was really unloaded.</summary>
/// <param name="Id">The plugin id.</param>
/// <param name="Version">The retired version.</param>
/// <param name="Context">The load context, weakly: dead once the runtime collected it.</param>
public sealed record RetiredPluginLoad(string Id, string Version, WeakReference Context)
{
    /// <summary>Whether the load context has been collected.</summary>
    public bool Collected => !Context.IsAlive;
}
