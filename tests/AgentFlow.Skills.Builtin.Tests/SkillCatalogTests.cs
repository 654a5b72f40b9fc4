using AgentFlow.Engine.Skills;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Skills.Builtin.Tests;

public sealed class SkillCatalogTests
{
    private static readonly SkillCatalog Catalog = new([new BuiltinSkillPack()]);

    [Fact]
    public void Catalog_FromTheBuiltinPack_HasEverything()
    {
        Assert.Equal(38, Catalog.Skills.Count);
        Assert.Equal(new BuiltinSkillPack().Tools.Count, Catalog.Tools.Count);
        Assert.Equal(5, Catalog.Presets.Count);
        Assert.Equal(SkillCategories.All, Catalog.Categories);
        Assert.Equal("builtin", Assert.Single(Catalog.Packs).Id);
    }

    [Fact]
    public void Lookups_FindBySkillToolPresetIdAndPresetName()
    {
        Assert.Equal("GitHub", Catalog.FindSkill("github")?.Name);
        Assert.Equal("agenticmail", Catalog.FindTool("agenticmail_send")?.SkillId);
        Assert.Equal("customer-support", Catalog.FindPreset("customer-support")?.Id);
        Assert.Equal("customer-support", Catalog.FindPreset("Customer Support Agent")?.Id);
        Assert.Equal("sandbox", Catalog.FindPreset("sandbox (testing)")?.Id);
        Assert.Null(Catalog.FindSkill("research"));
        Assert.Null(Catalog.FindTool("nonexistent_tool"));
        Assert.Null(Catalog.FindPreset("nope"));
        Assert.Equal("builtin", Catalog.PackOf("exec"));
    }

    [Fact]
    public void ToolsOf_ReturnsASkillsToolsInCatalogOrder_AndSideEffectsTheirUnion()
    {
        Assert.Equal(["read", "write", "edit"], Catalog.ToolsOf("files").Select(t => t.Id));
        Assert.Equal(["exec", "process"], Catalog.ToolsOf("exec").Select(t => t.Id));
        Assert.Equal(["runs-code", "modifies-files", "network-request"], Catalog.SideEffectsOf("exec"));
        Assert.Empty(Catalog.ToolsOf("unknown"));
    }

    [Fact]
    public void MatchTools_ExpandsWildcards()
    {
        Assert.Equal(62, Catalog.MatchTools("agenticmail_*").Count);
        Assert.Equal(8, Catalog.MatchTools("agenticmail_sms_*").Count);
        Assert.Equal(Catalog.Tools.Count, Catalog.MatchTools("*").Count);
        Assert.Equal(["sessions_send", "agenticmail_send", "agenticmail_template_send", "agenticmail_sms_send", "imsg_send", "wacli_send", "gog_gmail_send"], Catalog.MatchTools("*_send").Select(t => t.Id));
        Assert.Equal("exec", Assert.Single(Catalog.MatchTools("exec")).Id);
        Assert.Empty(Catalog.MatchTools("exe"));
    }

    [Theory]
    [InlineData("agenticmail_*", "agenticmail_send", true)]
    [InlineData("agenticmail_*", "agenticmail_", true)]
    [InlineData("agenticmail_*", "agenticmail", false)]
    [InlineData("*_send", "imsg_send", true)]
    [InlineData("*_send", "imsg_sender", false)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("*", "anything", true)]
    [InlineData("exec", "exec", true)]
    [InlineData("exec", "exec2", false)]
    [InlineData("EXEC", "exec", false)]
    public void ToolPattern_IsMatch(string pattern, string toolId, bool expected) =>
        Assert.Equal(expected, ToolPattern.IsMatch(pattern, toolId));

    [Fact]
    public void DuplicateSkillIdAcrossPacks_IsAStartupErrorNamingBothPacks()
    {
        var other = new TestPack("extra", [new SkillDefinition("github", "GitHub again", "d", "development", RiskLevel.Low, "x")], [new ToolDefinition("github_extra", "n", "d", ToolCategory.Read, RiskLevel.Low, "github")]);

        var error = Assert.Throws<SkillCatalogException>(() => new SkillCatalog([new BuiltinSkillPack(), other]));

        Assert.Contains("Skill id \"github\" is defined by both pack \"builtin\" and pack \"extra\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DuplicateToolAndPresetIds_AreStartupErrors()
    {
        var other = new TestPack(
            "extra",
            [new SkillDefinition("extra-skill", "Extra", "d", "data", RiskLevel.Low, "x")],
            [new ToolDefinition("exec", "Exec again", "d", ToolCategory.Read, RiskLevel.Low, "extra-skill"), new ToolDefinition("extra_read", "n", "d", ToolCategory.Read, RiskLevel.Low, "extra-skill")],
            [new PermissionPreset("sandbox", "Another sandbox", "d")]);

        var error = Assert.Throws<SkillCatalogException>(() => new SkillCatalog([new BuiltinSkillPack(), other]));

        Assert.Contains("Tool id \"exec\" is defined by both pack \"builtin\" and pack \"extra\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("Preset id \"sandbox\" is defined by both pack \"builtin\" and pack \"extra\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InconsistentPack_ReportsEveryProblem()
    {
        var bad = new TestPack(
            "bad",
            [new SkillDefinition("lonely", "Lonely", "d", "data", RiskLevel.Low, "x"), new SkillDefinition("Bad_Id", "Bad", "d", "data", RiskLevel.Low, "x")],
            [new ToolDefinition("orphan_tool", "n", "d", ToolCategory.Read, RiskLevel.Low, "missing-skill"), new ToolDefinition("bad_tool", "n", "d", ToolCategory.Read, RiskLevel.Low, "Bad_Id")],
            [new PermissionPreset("p", "P", "d") { SkillIds = ["research"], AllowedTools = ["nothing_*"] }]);

        var error = Assert.Throws<SkillCatalogException>(() => new SkillCatalog([bad]));

        Assert.Contains("Skill id \"Bad_Id\" (pack \"bad\") is not lower-case kebab-case.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Tool \"orphan_tool\" (pack \"bad\") belongs to skill \"missing-skill\", which no pack defines.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Skill \"lonely\" (pack \"bad\") grants no tool.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Preset \"p\" (pack \"bad\") names skill \"research\", which no pack defines.", error.Message, StringComparison.Ordinal);
        Assert.Contains("Preset \"p\" (pack \"bad\") names tool \"nothing_*\", which matches no tool.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void APackMayAddToolsToAnotherPacksSkill()
    {
        var extension = new TestPack("extension", [], [new ToolDefinition("github_release_create", "Create Release", "d", ToolCategory.Write, RiskLevel.Medium, "github")]);

        var catalog = new SkillCatalog([new BuiltinSkillPack(), extension]);

        Assert.Contains(catalog.ToolsOf("github"), t => t.Id == "github_release_create");
    }

    private sealed class TestPack(string id, IReadOnlyList<SkillDefinition> skills, IReadOnlyList<ToolDefinition> tools, IReadOnlyList<PermissionPreset>? presets = null) : ISkillPack
    {
        public string Id => id;

        public string Name => id;

        public string Version => "1.0.0";

        public IReadOnlyList<SkillDefinition> Skills => skills;

        public IReadOnlyList<ToolDefinition> Tools => tools;

        public IReadOnlyList<PermissionPreset> Presets => presets ?? [];
    }
}
