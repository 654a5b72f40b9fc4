using AgentFlow.Plugins.Skills;
using static AgentFlow.Plugins.Skills.RiskLevel;
using E = AgentFlow.Plugins.Skills.SideEffects;

namespace AgentFlow.Skills.Builtin;

/// <summary>
/// The 5 presets of the reference system (seed-behaviour §3) with every value unchanged except the skill lists, which
/// named categories (<c>research</c>, <c>communication</c>, <c>development</c>, <c>data</c>) and an invented id
/// (<c>data-read</c>) instead of skills. A category name is replaced by the skills of that category (§2); <c>data-read</c>
/// by the data skills that read (<c>files</c>, <c>memory</c>). Ids are new (the original matched presets by name only).
/// </summary>
public static class BuiltinPresets
{
    private static readonly string[] Research = ["web-search", "web-fetch", "summarize", "blogwatcher"];
    private static readonly string[] Communication = ["agenticmail", "imsg", "wacli"];
    private static readonly string[] Development = ["github", "coding-agent"];
    private static readonly string[] Data = ["files", "memory"];

    /// <summary>The presets in the reference order.</summary>
    public static IReadOnlyList<PermissionPreset> All { get; } =
    [
        new("research-assistant", "Research Assistant", "Can search the web, read files, and summarize content. Cannot send messages, run code, or modify anything.")
        {
            // Was ['research', 'summarize', 'data-read'].
            SkillIds = Distinct([.. Research, "summarize", .. Data]),
            BlockedTools = ["exec", "write", "edit"],
            AllowedTools = ["web_search", "web_fetch", "read", "memory_search", "memory_get"],
            MaxRiskLevel = Low,
            BlockedSideEffects = [E.SendsEmail, E.SendsMessage, E.SendsSms, E.PostsSocial, E.RunsCode, E.ModifiesFiles, E.DeletesData, E.ControlsDevice, E.Financial],
            RequireApproval = new(false, [], [], 30),
            RateLimits = new(30, 500, 5000, 0),
            Constraints = new(3, 480, false),
        },
        new("customer-support", "Customer Support Agent", "Can read/send emails, search knowledge base, and manage tickets. Cannot run code or access files.")
        {
            // Was ['communication', 'research', 'agenticmail'].
            SkillIds = Distinct([.. Communication, .. Research, "agenticmail"]),
            BlockedTools = ["exec", "browser", "write", "edit"],
            AllowedTools = ["agenticmail_send", "agenticmail_reply", "agenticmail_inbox", "agenticmail_read", "agenticmail_search", "web_search", "web_fetch"],
            MaxRiskLevel = Medium,
            BlockedSideEffects = [E.RunsCode, E.ModifiesFiles, E.DeletesData, E.ControlsDevice, E.Financial, E.PostsSocial],
            RequireApproval = new(true, [High, Critical], [E.SendsEmail], 60),
            RateLimits = new(20, 300, 3000, 50),
            Constraints = new(5, 480, false),
        },
        new("developer-assistant", "Developer Assistant", "Full development capabilities: code, git, GitHub, shell. Cannot send external messages or access smart home.")
        {
            // Was ['development', 'github', 'coding-agent', 'research', 'data'].
            SkillIds = Distinct([.. Development, "github", "coding-agent", .. Research, .. Data]),
            BlockedTools = ["agenticmail_send", "message", "tts", "nodes"],
            AllowedTools = ["exec", "read", "write", "edit", "web_search", "web_fetch", "browser"],
            MaxRiskLevel = High,
            BlockedSideEffects = [E.SendsEmail, E.SendsMessage, E.SendsSms, E.PostsSocial, E.ControlsDevice, E.Financial],
            RequireApproval = new(true, [Critical], [], 15),
            RateLimits = new(60, 1000, 10000, 100),
            Constraints = new(3, 720, false),
        },
        new("full-access", "Full Access (Owner)", "Unrestricted access to all skills and tools. Use with caution.")
        {
            SkillMode = SkillAccessMode.Blocklist,
            MaxRiskLevel = Critical,
            RequireApproval = new(false, [], [], 30),
            RateLimits = new(120, 5000, 50000, 500),
            Constraints = new(10, 1440, false),
        },
        new("sandbox", "Sandbox (Testing)", "All tools available but in simulation mode. No real external actions are taken.")
        {
            SkillMode = SkillAccessMode.Blocklist,
            MaxRiskLevel = Critical,
            RequireApproval = new(false, [], [], 30),
            RateLimits = new(60, 1000, 10000, 500),
            Constraints = new(5, 480, true),
        },
    ];

    private static string[] Distinct(string[] ids) => [.. ids.Distinct(StringComparer.Ordinal)];
}
