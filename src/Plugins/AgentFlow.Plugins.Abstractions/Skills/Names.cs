namespace AgentFlow.Plugins.Skills;

/// <summary>The wire names (lower case, kebab-case) of the catalog enums, shared by the API and plugins.</summary>
public static class CatalogNames
{
    /// <summary>The wire name of a risk level: <c>low</c>, <c>medium</c>, <c>high</c>, <c>critical</c>.</summary>
    public static string ToName(this RiskLevel risk) => risk switch
    {
        RiskLevel.Low => "low",
        RiskLevel.Medium => "medium",
        RiskLevel.High => "high",
        RiskLevel.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(risk), risk, "Unknown risk level."),
    };

    /// <summary>The wire name of a tool category: <c>read</c>, <c>write</c>, <c>execute</c>, <c>communicate</c>, <c>destroy</c>.</summary>
    public static string ToName(this ToolCategory category) => category switch
    {
        ToolCategory.Read => "read",
        ToolCategory.Write => "write",
        ToolCategory.Execute => "execute",
        ToolCategory.Communicate => "communicate",
        ToolCategory.Destroy => "destroy",
        _ => throw new ArgumentOutOfRangeException(nameof(category), category, "Unknown tool category."),
    };

    /// <summary>The wire name of a skill access mode: <c>allowlist</c> or <c>blocklist</c>.</summary>
    public static string ToName(this SkillAccessMode mode) => mode switch
    {
        SkillAccessMode.Allowlist => "allowlist",
        SkillAccessMode.Blocklist => "blocklist",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown skill access mode."),
    };

    /// <summary>The wire name of a config field kind: <c>string</c>, <c>number</c>, <c>select</c>, <c>secret</c>.</summary>
    public static string ToName(this ConfigFieldKind kind) => kind switch
    {
        ConfigFieldKind.Text => "string",
        ConfigFieldKind.Number => "number",
        ConfigFieldKind.Select => "select",
        ConfigFieldKind.Secret => "secret",
        ConfigFieldKind.Boolean => "boolean",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown config field kind."),
    };

    /// <summary>Parses a risk level's wire name (case-sensitive); false for anything else.</summary>
    public static bool TryParseRisk(string? name, out RiskLevel risk)
    {
        foreach (var candidate in Enum.GetValues<RiskLevel>())
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.Ordinal))
            {
                risk = candidate;
                return true;
            }
        }

        risk = default;
        return false;
    }

    /// <summary>Parses a tool category's wire name (case-sensitive); false for anything else.</summary>
    public static bool TryParseToolCategory(string? name, out ToolCategory category)
    {
        foreach (var candidate in Enum.GetValues<ToolCategory>())
        {
            if (string.Equals(candidate.ToName(), name, StringComparison.Ordinal))
            {
                category = candidate;
                return true;
            }
        }

        category = default;
        return false;
    }
}

/// <summary>
/// The skill categories of the built-in pack. A category is an open string (a plugin may bring its own, kebab-case);
/// these are the ones the platform knows, in display order.
/// </summary>
public static class SkillCategories
{
    /// <summary>Email, SMS, chat.</summary>
    public const string Communication = "communication";

    /// <summary>Code, repositories.</summary>
    public const string Development = "development";

    /// <summary>Notes, reminders, office suites.</summary>
    public const string Productivity = "productivity";

    /// <summary>Search, fetch, summarise.</summary>
    public const string Research = "research";

    /// <summary>Images, audio, video.</summary>
    public const string Media = "media";

    /// <summary>Browser, shell, schedules.</summary>
    public const string Automation = "automation";

    /// <summary>Lights, speakers, cameras.</summary>
    public const string SmartHome = "smart-home";

    /// <summary>Files, memory.</summary>
    public const string Data = "data";

    /// <summary>Secrets, audits.</summary>
    public const string Security = "security";

    /// <summary>Social networks.</summary>
    public const string Social = "social";

    /// <summary>The agent platform's own controls.</summary>
    public const string Platform = "platform";

    /// <summary>The known categories in display order.</summary>
    public static IReadOnlyList<string> All { get; } =
        [Communication, Development, Productivity, Research, Media, Automation, SmartHome, Data, Security, Social, Platform];
}

/// <summary>
/// The side effects a tool can have, used by permission profiles to block or gate tools. Open strings (kebab-case)
/// so a plugin can add one; these are the platform's.
/// </summary>
public static class SideEffects
{
    /// <summary>Sends an email.</summary>
    public const string SendsEmail = "sends-email";

    /// <summary>Sends a chat or channel message.</summary>
    public const string SendsMessage = "sends-message";

    /// <summary>Sends an SMS.</summary>
    public const string SendsSms = "sends-sms";

    /// <summary>Posts publicly on a social network.</summary>
    public const string PostsSocial = "posts-social";

    /// <summary>Runs code or commands.</summary>
    public const string RunsCode = "runs-code";

    /// <summary>Creates, changes or overwrites files.</summary>
    public const string ModifiesFiles = "modifies-files";

    /// <summary>Deletes data.</summary>
    public const string DeletesData = "deletes-data";

    /// <summary>Makes network requests to outside services.</summary>
    public const string NetworkRequest = "network-request";

    /// <summary>Controls a physical or paired device.</summary>
    public const string ControlsDevice = "controls-device";

    /// <summary>Reads secrets or credentials.</summary>
    public const string AccessesSecrets = "accesses-secrets";

    /// <summary>Moves money or commits to a purchase.</summary>
    public const string Financial = "financial";

    /// <summary>The known side effects.</summary>
    public static IReadOnlyList<string> All { get; } =
        [SendsEmail, SendsMessage, SendsSms, PostsSocial, RunsCode, ModifiesFiles, DeletesData, NetworkRequest, ControlsDevice, AccessesSecrets, Financial];
}
