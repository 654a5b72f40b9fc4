namespace AgentFlow.Plugins.Skills;

/// <summary>
/// What a skill plugin implements: a versioned set of skills, the tools they grant and permission presets.
/// The Engine merges every registered pack into one catalog; an id used by two packs is a start-up error.
/// Implementations return the same data on every call (the catalog reads them once).
/// </summary>
public interface ISkillPack
{
    /// <summary>Unique pack id, lower-case kebab-case (<c>builtin</c>).</summary>
    string Id { get; }

    /// <summary>Display name.</summary>
    string Name { get; }

    /// <summary>The pack's version (semantic versioning).</summary>
    string Version { get; }

    /// <summary>The skills of the pack.</summary>
    IReadOnlyList<SkillDefinition> Skills { get; }

    /// <summary>The tools of the pack; each names a skill of this or another registered pack.</summary>
    IReadOnlyList<ToolDefinition> Tools { get; }

    /// <summary>The permission presets of the pack.</summary>
    IReadOnlyList<PermissionPreset> Presets { get; }
}
