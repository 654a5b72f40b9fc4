using System.Text.RegularExpressions;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Engine.Skills;

/// <summary>A registered skill pack, as the catalog lists it.</summary>
public sealed record SkillPackInfo(string Id, string Name, string Version);

/// <summary>The catalog could not be built: two packs define the same id, or a pack's data is inconsistent.</summary>
public sealed class SkillCatalogException(IReadOnlyList<string> problems, IReadOnlyList<string> conflicts)
    : Exception("The skill catalog is invalid:" + Environment.NewLine + string.Join(Environment.NewLine, problems.Select(p => "  - " + p)))
{
    /// <summary>Every problem found, conflicts included.</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>The problems that are an id (or preset name) claimed by two packs.</summary>
    public IReadOnlyList<string> Conflicts { get; } = conflicts;
}

/// <summary>
/// Every skill, tool and preset of every registered <see cref="ISkillPack"/>, merged and checked once at start:
/// ids unique across packs and well-formed, every tool's skill exists, every skill grants at least one tool, every
/// preset names real skills and tools. Immutable afterwards, so lookups need no locking.
/// </summary>
public sealed partial class SkillCatalog
{
    private readonly Dictionary<string, SkillDefinition> _skills = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ToolDefinition> _tools = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PermissionPreset> _presetsById = new(StringComparer.Ordinal);
    private readonly Dictionary<string, PermissionPreset> _presetsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _skillPack = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<ToolDefinition>> _toolsBySkill = new(StringComparer.Ordinal);
    private readonly Dictionary<string, IReadOnlyList<string>> _sideEffectsBySkill = new(StringComparer.Ordinal);

    /// <summary>Builds the catalog; throws <see cref="SkillCatalogException"/> listing every problem found.</summary>
    public SkillCatalog(IEnumerable<ISkillPack> packs)
    {
        ArgumentNullException.ThrowIfNull(packs);
        var problems = new List<string>();
        var conflicts = new List<string>();
        var packList = packs.ToList();
        var packIds = new HashSet<string>(StringComparer.Ordinal);
        var toolOwner = new Dictionary<string, string>(StringComparer.Ordinal);
        var presetOwner = new Dictionary<string, string>(StringComparer.Ordinal);
        var skills = new List<SkillDefinition>();
        var tools = new List<ToolDefinition>();
        var presets = new List<PermissionPreset>();

        foreach (var pack in packList)
        {
            if (!packIds.Add(pack.Id))
            {
                Conflict(problems, conflicts, $"Skill pack id \"{pack.Id}\" is registered twice.");
                continue;
            }

            foreach (var skill in pack.Skills.Select(Detach))
            {
                if (!SkillId().IsMatch(skill.Id))
                {
                    problems.Add($"Skill id \"{skill.Id}\" (pack \"{pack.Id}\") is not lower-case kebab-case.");
                }

                if (_skillPack.TryGetValue(skill.Id, out var other))
                {
                    Conflict(problems, conflicts, $"Skill id \"{skill.Id}\" is defined by both pack \"{other}\" and pack \"{pack.Id}\".");
                    continue;
                }

                _skillPack[skill.Id] = pack.Id;
                _skills[skill.Id] = skill;
                skills.Add(skill);
            }

            foreach (var tool in pack.Tools.Select(Detach))
            {
                if (!ToolId().IsMatch(tool.Id))
                {
                    problems.Add($"Tool id \"{tool.Id}\" (pack \"{pack.Id}\") is not lower-case snake_case.");
                }

                if (toolOwner.TryGetValue(tool.Id, out var other))
                {
                    Conflict(problems, conflicts, $"Tool id \"{tool.Id}\" is defined by both pack \"{other}\" and pack \"{pack.Id}\".");
                    continue;
                }

                toolOwner[tool.Id] = pack.Id;
                _tools[tool.Id] = tool;
                tools.Add(tool);
            }

            foreach (var preset in pack.Presets.Select(Detach))
            {
                if (!SkillId().IsMatch(preset.Id))
                {
                    problems.Add($"Preset id \"{preset.Id}\" (pack \"{pack.Id}\") is not lower-case kebab-case.");
                }

                if (presetOwner.TryGetValue(preset.Id, out var other))
                {
                    Conflict(problems, conflicts, $"Preset id \"{preset.Id}\" is defined by both pack \"{other}\" and pack \"{pack.Id}\".");
                    continue;
                }

                if (_presetsByName.TryGetValue(preset.Name, out var sameName))
                {
                    Conflict(problems, conflicts, $"Preset name \"{preset.Name}\" is used by both preset \"{sameName.Id}\" and preset \"{preset.Id}\" (pack \"{pack.Id}\").");
                    continue;
                }

                presetOwner[preset.Id] = pack.Id;
                _presetsById[preset.Id] = preset;
                _presetsByName[preset.Name] = preset;
                presets.Add(preset);
            }
        }

        foreach (var tool in tools.Where(t => !_skills.ContainsKey(t.SkillId)))
        {
            problems.Add($"Tool \"{tool.Id}\" (pack \"{toolOwner[tool.Id]}\") belongs to skill \"{tool.SkillId}\", which no pack defines.");
        }

        foreach (var skill in skills)
        {
            var own = tools.Where(t => t.SkillId == skill.Id).ToList();
            if (own.Count == 0)
            {
                problems.Add($"Skill \"{skill.Id}\" (pack \"{_skillPack[skill.Id]}\") grants no tool.");
            }

            _toolsBySkill[skill.Id] = own;
            _sideEffectsBySkill[skill.Id] = [.. own.SelectMany(t => t.SideEffects).Distinct(StringComparer.Ordinal)];
        }

        foreach (var preset in presets)
        {
            var where = $"Preset \"{preset.Id}\" (pack \"{presetOwner[preset.Id]}\")";
            problems.AddRange(preset.SkillIds.Where(id => !_skills.ContainsKey(id)).Select(id => $"{where} names skill \"{id}\", which no pack defines."));
            foreach (var entry in preset.BlockedTools.Concat(preset.AllowedTools))
            {
                if (!ToolPattern.IsValid(entry) || !tools.Any(t => ToolPattern.IsMatch(entry, t.Id)))
                {
                    problems.Add($"{where} names tool \"{entry}\", which matches no tool.");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new SkillCatalogException(problems, conflicts);
        }

        Packs = [.. packList.Select(p => new SkillPackInfo(p.Id, p.Name, p.Version))];
        Skills = skills;
        Tools = tools;
        Presets = presets;
        Categories = [.. SkillCategories.All.Where(c => skills.Any(s => s.Category == c)).Concat(skills.Select(s => s.Category).Where(c => !SkillCategories.All.Contains(c)).Distinct(StringComparer.Ordinal))];
    }

    /// <summary>The registered packs, in registration order.</summary>
    public IReadOnlyList<SkillPackInfo> Packs { get; }

    /// <summary>Every skill, pack by pack in each pack's order.</summary>
    public IReadOnlyList<SkillDefinition> Skills { get; }

    /// <summary>Every tool, pack by pack in each pack's order.</summary>
    public IReadOnlyList<ToolDefinition> Tools { get; }

    /// <summary>Every preset, pack by pack in each pack's order.</summary>
    public IReadOnlyList<PermissionPreset> Presets { get; }

    /// <summary>The categories that have at least one skill: the known ones in display order, then plugins' own.</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The skill with this id, or null.</summary>
    public SkillDefinition? FindSkill(string id) => _skills.GetValueOrDefault(id);

    /// <summary>The tool with this id, or null.</summary>
    public ToolDefinition? FindTool(string id) => _tools.GetValueOrDefault(id);

    /// <summary>The preset with this id, or else with this name (case-insensitive), or null.</summary>
    public PermissionPreset? FindPreset(string idOrName) =>
        _presetsById.GetValueOrDefault(idOrName) ?? _presetsByName.GetValueOrDefault(idOrName);

    /// <summary>The tools a skill grants, in catalog order; empty for an unknown skill.</summary>
    public IReadOnlyList<ToolDefinition> ToolsOf(string skillId) => _toolsBySkill.GetValueOrDefault(skillId) ?? [];

    /// <summary>The union of the side effects of a skill's tools, in first-seen order.</summary>
    public IReadOnlyList<string> SideEffectsOf(string skillId) => _sideEffectsBySkill.GetValueOrDefault(skillId) ?? [];

    /// <summary>The id of the pack that defines the skill, or null.</summary>
    public string? PackOf(string skillId) => _skillPack.GetValueOrDefault(skillId);

    /// <summary>The tools an id or wildcard pattern (<c>agenticmail_*</c>) matches, in catalog order.</summary>
    public IReadOnlyList<ToolDefinition> MatchTools(string pattern) =>
        ToolPattern.IsWildcard(pattern) ? [.. Tools.Where(t => ToolPattern.IsMatch(pattern, t.Id))]
        : FindTool(pattern) is { } tool ? [tool] : [];

    private static void Conflict(List<string> problems, List<string> conflicts, string message)
    {
        problems.Add(message);
        conflicts.Add(message);
    }

    // The catalog keeps copies made here, in lists of its own: a pack's lists may be instances of types of the pack's
    // assembly (a collection expression compiles to one), and holding one would keep an unloaded plugin in memory.
    private static SkillDefinition Detach(SkillDefinition skill) => skill with
    {
        Requires = [.. skill.Requires],
        ConfigFields = [.. skill.ConfigFields.Select(f => f with { Options = [.. f.Options] })],
    };

    private static ToolDefinition Detach(ToolDefinition tool) => tool with { SideEffects = [.. tool.SideEffects] };

    private static PermissionPreset Detach(PermissionPreset preset) => preset with
    {
        SkillIds = [.. preset.SkillIds],
        BlockedTools = [.. preset.BlockedTools],
        AllowedTools = [.. preset.AllowedTools],
        BlockedSideEffects = [.. preset.BlockedSideEffects],
        RequireApproval = preset.RequireApproval with
        {
            ForRiskLevels = [.. preset.RequireApproval.ForRiskLevels],
            ForSideEffects = [.. preset.RequireApproval.ForSideEffects],
        },
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex SkillId();

    [GeneratedRegex("^[a-z][a-z0-9_]{0,127}$", RegexOptions.CultureInvariant)]
    private static partial Regex ToolId();
}
