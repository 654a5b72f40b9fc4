using System.Text.RegularExpressions;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Skills.Builtin.Tests;

/// <summary>The built-in pack against the reference data (seed-behaviour §2–§4) and the catalog's invariants.</summary>
public sealed partial class BuiltinPackTests
{
    private static readonly BuiltinSkillPack Pack = new();

    [Fact]
    public void Pack_HasThe38Skills5PresetsAndTheWholeReferenceCatalog()
    {
        Assert.Equal(38, Pack.Skills.Count);
        Assert.Equal(5, Pack.Presets.Count);
        Assert.Equal(86, BuiltinTools.Original.Count);
        Assert.Equal(61, BuiltinTools.Added.Count);
        Assert.True(Pack.Tools.Count >= 86, $"{Pack.Tools.Count} tools");
        Assert.Equal(BuiltinTools.Original.Count + BuiltinTools.Added.Count, Pack.Tools.Count);
    }

    [Fact]
    public void ReferenceTools_KeepTheReferenceRiskAndCategoryCounts()
    {
        var risks = BuiltinTools.Original.GroupBy(t => t.Risk).ToDictionary(g => g.Key, g => g.Count());
        var categories = BuiltinTools.Original.GroupBy(t => t.Category).ToDictionary(g => g.Key, g => g.Count());

        Assert.Equal(58, risks[RiskLevel.Low]);
        Assert.Equal(12, risks[RiskLevel.Medium]);
        Assert.Equal(11, risks[RiskLevel.High]);
        Assert.Equal(5, risks[RiskLevel.Critical]);
        Assert.Equal(36, categories[ToolCategory.Read]);
        Assert.Equal(28, categories[ToolCategory.Write]);
        Assert.Equal(10, categories[ToolCategory.Communicate]);
        Assert.Equal(8, categories[ToolCategory.Execute]);
        Assert.Equal(4, categories[ToolCategory.Destroy]);
        Assert.Equal(24, BuiltinTools.Original.Count(t => !t.Id.StartsWith("agenticmail_", StringComparison.Ordinal)));
        Assert.Equal(62, BuiltinTools.Original.Count(t => t.Id.StartsWith("agenticmail_", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("communication", 3)]
    [InlineData("development", 2)]
    [InlineData("productivity", 6)]
    [InlineData("research", 4)]
    [InlineData("media", 6)]
    [InlineData("automation", 4)]
    [InlineData("smart-home", 5)]
    [InlineData("data", 2)]
    [InlineData("security", 2)]
    [InlineData("social", 1)]
    [InlineData("platform", 3)]
    public void Skills_PerCategory_MatchTheReference(string category, int expected) =>
        Assert.Equal(expected, Pack.Skills.Count(s => s.Category == category));

    [Theory]
    [InlineData("agenticmail", "AgenticMail", "communication", RiskLevel.Medium, false)]
    [InlineData("imsg", "iMessage", "communication", RiskLevel.High, true)]
    [InlineData("wacli", "WhatsApp", "communication", RiskLevel.High, false)]
    [InlineData("coding-agent", "Coding Agent", "development", RiskLevel.High, false)]
    [InlineData("gog", "Google Workspace", "productivity", RiskLevel.Medium, false)]
    [InlineData("things-mac", "Things 3", "productivity", RiskLevel.Low, true)]
    [InlineData("nano-banana-pro", "Gemini Image", "media", RiskLevel.Low, false)]
    [InlineData("openai-whisper", "Whisper Transcription", "media", RiskLevel.Low, false)]
    [InlineData("exec", "Shell Commands", "automation", RiskLevel.Critical, false)]
    [InlineData("peekaboo", "macOS UI Automation", "automation", RiskLevel.High, true)]
    [InlineData("camsnap", "IP Cameras", "smart-home", RiskLevel.Medium, false)]
    [InlineData("files", "File System", "data", RiskLevel.Medium, false)]
    [InlineData("1password", "1Password", "security", RiskLevel.Critical, false)]
    [InlineData("twitter", "Twitter/X", "social", RiskLevel.High, false)]
    [InlineData("gateway", "OpenClaw Gateway", "platform", RiskLevel.Critical, false)]
    [InlineData("nodes", "Node Control", "platform", RiskLevel.High, false)]
    public void Skill_HasTheReferenceNameCategoryRiskAndRequirement(string id, string name, string category, RiskLevel risk, bool macOnly)
    {
        var skill = Assert.Single(Pack.Skills, s => s.Id == id);

        Assert.Equal(name, skill.Name);
        Assert.Equal(category, skill.Category);
        Assert.Equal(risk, skill.Risk);
        Assert.Equal(macOnly, skill.Requires.Contains("macos"));
        Assert.False(string.IsNullOrWhiteSpace(skill.Icon));
        Assert.False(string.IsNullOrWhiteSpace(skill.Description));
    }

    [Theory]
    [InlineData("read", ToolCategory.Read, RiskLevel.Low, "files", "")]
    [InlineData("write", ToolCategory.Write, RiskLevel.Medium, "files", "modifies-files")]
    [InlineData("exec", ToolCategory.Execute, RiskLevel.Critical, "exec", "runs-code,modifies-files,network-request")]
    [InlineData("process", ToolCategory.Execute, RiskLevel.High, "exec", "runs-code")]
    [InlineData("browser", ToolCategory.Execute, RiskLevel.High, "browser", "network-request,runs-code")]
    [InlineData("web_search", ToolCategory.Read, RiskLevel.Low, "web-search", "network-request")]
    [InlineData("nodes", ToolCategory.Execute, RiskLevel.High, "nodes", "controls-device")]
    [InlineData("gateway", ToolCategory.Execute, RiskLevel.Critical, "gateway", "runs-code")]
    [InlineData("sessions_send", ToolCategory.Communicate, RiskLevel.Medium, "sessions", "sends-message")]
    [InlineData("agenticmail_send", ToolCategory.Communicate, RiskLevel.High, "agenticmail", "sends-email")]
    [InlineData("agenticmail_schedule", ToolCategory.Communicate, RiskLevel.Medium, "agenticmail", "sends-email")]
    [InlineData("agenticmail_delete", ToolCategory.Destroy, RiskLevel.Medium, "agenticmail", "deletes-data")]
    [InlineData("agenticmail_rules", ToolCategory.Write, RiskLevel.Medium, "agenticmail", "")]
    [InlineData("agenticmail_delete_agent", ToolCategory.Destroy, RiskLevel.Critical, "gateway", "deletes-data")]
    [InlineData("agenticmail_setup_relay", ToolCategory.Write, RiskLevel.Critical, "gateway", "")]
    [InlineData("agenticmail_test_email", ToolCategory.Communicate, RiskLevel.Low, "gateway", "sends-email")]
    [InlineData("agenticmail_sms_send", ToolCategory.Communicate, RiskLevel.High, "agenticmail", "sends-sms")]
    [InlineData("agenticmail_sms_setup", ToolCategory.Write, RiskLevel.Medium, "agenticmail", "")]
    [InlineData("agenticmail_call_agent", ToolCategory.Execute, RiskLevel.Medium, "sessions", "")]
    [InlineData("agenticmail_message_agent", ToolCategory.Communicate, RiskLevel.Low, "sessions", "sends-message")]
    [InlineData("tts", ToolCategory.Write, RiskLevel.Low, "tts", "")]
    [InlineData("message", ToolCategory.Communicate, RiskLevel.High, "sessions", "sends-message")]
    [InlineData("canvas", ToolCategory.Read, RiskLevel.Low, "nodes", "")]
    public void Tool_HasTheReferenceCategoryRiskSideEffectsAndItsSkill(string id, ToolCategory category, RiskLevel risk, string skillId, string sideEffects)
    {
        var tool = Assert.Single(Pack.Tools, t => t.Id == id);

        Assert.Equal(category, tool.Category);
        Assert.Equal(risk, tool.Risk);
        Assert.Equal(skillId, tool.SkillId);
        Assert.Equal(sideEffects.Split(',', StringSplitOptions.RemoveEmptyEntries), tool.SideEffects);
    }

    [Fact]
    public void EveryTool_BelongsToAListedSkill_AndEverySkillHasATool()
    {
        var skillIds = Pack.Skills.Select(s => s.Id).ToHashSet();

        Assert.All(Pack.Tools, t => Assert.Contains(t.SkillId, skillIds));
        Assert.All(Pack.Skills, s => Assert.Contains(Pack.Tools, t => t.SkillId == s.Id));
    }

    [Fact]
    public void Ids_AreUniqueAndWellFormed()
    {
        Assert.Equal(Pack.Skills.Count, Pack.Skills.Select(s => s.Id).Distinct().Count());
        Assert.Equal(Pack.Tools.Count, Pack.Tools.Select(t => t.Id).Distinct().Count());
        Assert.Equal(Pack.Presets.Count, Pack.Presets.Select(p => p.Id).Distinct().Count());
        Assert.Equal(Pack.Presets.Count, Pack.Presets.Select(p => p.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(Pack.Skills, s => Assert.Matches(KebabId(), s.Id));
        Assert.All(Pack.Presets, p => Assert.Matches(KebabId(), p.Id));
        Assert.All(Pack.Tools, t => Assert.Matches(SnakeId(), t.Id));
    }

    [Fact]
    public void SideEffectsAndCategories_AreTheKnownOnes()
    {
        Assert.All(Pack.Tools.SelectMany(t => t.SideEffects), e => Assert.Contains(e, SideEffects.All));
        Assert.All(Pack.Skills, s => Assert.Contains(s.Category, SkillCategories.All));
        Assert.All(Pack.Presets.SelectMany(p => p.BlockedSideEffects.Concat(p.RequireApproval.ForSideEffects)), e => Assert.Contains(e, SideEffects.All));
    }

    [Fact]
    public void ConfigFields_AreWellFormed_AndCredentialSkillsDeclareASecret()
    {
        foreach (var skill in Pack.Skills)
        {
            Assert.Equal(skill.ConfigFields.Count, skill.ConfigFields.Select(f => f.Key).Distinct().Count());
            foreach (var field in skill.ConfigFields)
            {
                Assert.Matches("^[a-z][A-Za-z0-9]*$", field.Key);
                Assert.Equal(field.Kind == ConfigFieldKind.Select, field.Options.Count > 0);
                Assert.False(field.Kind == ConfigFieldKind.Secret && field.DefaultValue is not null, $"{skill.Id}.{field.Key}: a secret has no default");
            }
        }

        foreach (var id in new[] { "agenticmail", "github", "gog", "web-search", "openai-image-gen", "nano-banana-pro", "openhue", "eightctl", "1password", "twitter" })
        {
            var skill = Assert.Single(Pack.Skills, s => s.Id == id);
            Assert.Contains(skill.ConfigFields, f => f.Kind == ConfigFieldKind.Secret && f.Required);
        }
    }

    [Fact]
    public void Presets_NameOnlyRealSkillsAndTools()
    {
        var skillIds = Pack.Skills.Select(s => s.Id).ToHashSet();
        var toolIds = Pack.Tools.Select(t => t.Id).ToHashSet();

        Assert.All(Pack.Presets.SelectMany(p => p.SkillIds), id => Assert.Contains(id, skillIds));
        Assert.All(Pack.Presets.SelectMany(p => p.BlockedTools.Concat(p.AllowedTools)), id => Assert.Contains(id, toolIds));
    }

    [Theory]
    [InlineData("research-assistant", "Research Assistant", "allowlist", "web-search,web-fetch,summarize,blogwatcher,files,memory", RiskLevel.Low, 30, 500, 5000, 0, 3, 480, false)]
    [InlineData("customer-support", "Customer Support Agent", "allowlist", "agenticmail,imsg,wacli,web-search,web-fetch,summarize,blogwatcher", RiskLevel.Medium, 20, 300, 3000, 50, 5, 480, false)]
    [InlineData("developer-assistant", "Developer Assistant", "allowlist", "github,coding-agent,web-search,web-fetch,summarize,blogwatcher,files,memory", RiskLevel.High, 60, 1000, 10000, 100, 3, 720, false)]
    [InlineData("full-access", "Full Access (Owner)", "blocklist", "", RiskLevel.Critical, 120, 5000, 50000, 500, 10, 1440, false)]
    [InlineData("sandbox", "Sandbox (Testing)", "blocklist", "", RiskLevel.Critical, 60, 1000, 10000, 500, 5, 480, true)]
    public void Preset_HasTheReferenceValuesWithCorrectedSkills(
        string id, string name, string mode, string skills, RiskLevel maxRisk, int perMinute, int perHour, int perDay, int external, int tasks, int sessionMinutes, bool sandbox)
    {
        var preset = Assert.Single(Pack.Presets, p => p.Id == id);

        Assert.Equal(name, preset.Name);
        Assert.Equal(mode, preset.SkillMode.ToName());
        Assert.Equal(skills.Split(',', StringSplitOptions.RemoveEmptyEntries), preset.SkillIds);
        Assert.Equal(maxRisk, preset.MaxRiskLevel);
        Assert.Equal(new RateLimitSettings(perMinute, perHour, perDay, external), preset.RateLimits);
        Assert.Equal(new ConstraintSettings(tasks, sessionMinutes, sandbox), preset.Constraints);
    }

    [Fact]
    public void Presets_KeepTheReferenceToolListsAndApprovals()
    {
        var support = Assert.Single(Pack.Presets, p => p.Id == "customer-support");
        var developer = Assert.Single(Pack.Presets, p => p.Id == "developer-assistant");
        var research = Assert.Single(Pack.Presets, p => p.Id == "research-assistant");

        Assert.Equal(["exec", "browser", "write", "edit"], support.BlockedTools);
        Assert.Equal(["agenticmail_send", "agenticmail_reply", "agenticmail_inbox", "agenticmail_read", "agenticmail_search", "web_search", "web_fetch"], support.AllowedTools);
        Assert.True(support.RequireApproval.Enabled);
        Assert.Equal([RiskLevel.High, RiskLevel.Critical], support.RequireApproval.ForRiskLevels);
        Assert.Equal(["sends-email"], support.RequireApproval.ForSideEffects);
        Assert.Equal(60, support.RequireApproval.TimeoutMinutes);
        Assert.Equal(["agenticmail_send", "message", "tts", "nodes"], developer.BlockedTools);
        Assert.Equal([RiskLevel.Critical], developer.RequireApproval.ForRiskLevels);
        Assert.Equal(15, developer.RequireApproval.TimeoutMinutes);
        Assert.Equal(9, research.BlockedSideEffects.Count);
        Assert.False(research.RequireApproval.Enabled);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9-]*$")]
    private static partial Regex KebabId();

    [GeneratedRegex("^[a-z][a-z0-9_]*$")]
    private static partial Regex SnakeId();
}
