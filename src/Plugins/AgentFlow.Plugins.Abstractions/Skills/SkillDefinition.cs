namespace AgentFlow.Plugins.Skills;

/// <summary>
/// A skill: a named capability an agent can be granted (e.g. <c>github</c>). Its tools are the
/// <see cref="ToolDefinition"/>s whose <see cref="ToolDefinition.SkillId"/> names it; the skill does not list them
/// itself so the link has one source of truth (the catalog derives the tool list).
/// </summary>
/// <param name="Id">Unique id, lower-case kebab-case (<c>coding-agent</c>, <c>1password</c>).</param>
/// <param name="Name">Display name.</param>
/// <param name="Description">One line: what the skill lets an agent do.</param>
/// <param name="Category">One of <see cref="SkillCategories"/> or a plugin's own kebab-case category.</param>
/// <param name="Risk">How dangerous granting the skill is.</param>
/// <param name="Icon">An emoji shown next to the name.</param>
public sealed record SkillDefinition(string Id, string Name, string Description, string Category, RiskLevel Risk, string Icon)
{
    /// <summary>System requirements of the agent's host, e.g. <c>macos</c>. Empty when it runs anywhere.</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <summary>The settings the skill needs (credentials, hosts...). Empty when it needs none.</summary>
    public IReadOnlyList<SkillConfigField> ConfigFields { get; init; } = [];
}

/// <summary>One setting a skill needs before its tools can work.</summary>
/// <param name="Key">The setting's key, camelCase (<c>apiKey</c>).</param>
/// <param name="Label">Display label.</param>
/// <param name="Kind">What the value is; <see cref="ConfigFieldKind.Secret"/> values are never shown again.</param>
/// <param name="Required">Whether the skill cannot work without it.</param>
public sealed record SkillConfigField(string Key, string Label, ConfigFieldKind Kind, bool Required)
{
    /// <summary>Help text shown under the field.</summary>
    public string? Description { get; init; }

    /// <summary>The value used when none is given (never for secrets).</summary>
    public string? DefaultValue { get; init; }

    /// <summary>The allowed values of a <see cref="ConfigFieldKind.Select"/> field; empty for other kinds.</summary>
    public IReadOnlyList<ConfigOption> Options { get; init; } = [];
}

/// <summary>One choice of a select field.</summary>
/// <param name="Label">Display label.</param>
/// <param name="Value">The stored value.</param>
public sealed record ConfigOption(string Label, string Value);

/// <summary>
/// A tool: one callable action of an agent runtime (e.g. <c>agenticmail_send</c>), the unit permissions are decided on.
/// </summary>
/// <param name="Id">Unique id, lower-case snake_case as the runtime registers it (<c>web_search</c>).</param>
/// <param name="Name">Display name.</param>
/// <param name="Description">One line: what the tool does.</param>
/// <param name="Category">What kind of action it is.</param>
/// <param name="Risk">How dangerous one call is.</param>
/// <param name="SkillId">The skill that grants it; must exist in the catalog.</param>
public sealed record ToolDefinition(string Id, string Name, string Description, ToolCategory Category, RiskLevel Risk, string SkillId)
{
    /// <summary>What a call can affect outside the agent (see <see cref="SideEffects"/>). Empty for pure reads.</summary>
    public IReadOnlyList<string> SideEffects { get; init; } = [];
}
