using AgentFlow.Plugins.Skills;

namespace AgentFlow.Skills.Builtin;

/// <summary>
/// The 38 built-in skills, their tool catalog and the 5 permission presets. The data is C# (collection initialisers
/// in <see cref="BuiltinSkills"/>, <see cref="BuiltinTools"/>, <see cref="BuiltinPresets"/>) rather than an embedded
/// JSON file: the compiler checks every enum value and record shape, nothing is parsed at start-up, and a typo in a
/// risk or category cannot survive the build. docs/skills.md lists where this data departs from the original.
/// </summary>
public sealed class BuiltinSkillPack : ISkillPack
{
    /// <summary>The pack id.</summary>
    public const string PackId = "builtin";

    /// <inheritdoc />
    public string Id => PackId;

    /// <inheritdoc />
    public string Name => "Built-in skills";

    /// <inheritdoc />
    public string Version => "1.0.0";

    /// <inheritdoc />
    public IReadOnlyList<SkillDefinition> Skills => BuiltinSkills.All;

    /// <inheritdoc />
    public IReadOnlyList<ToolDefinition> Tools => BuiltinTools.All;

    /// <inheritdoc />
    public IReadOnlyList<PermissionPreset> Presets => BuiltinPresets.All;
}
