using System.Net;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

public abstract class SkillsApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task ListSkills_Viewer_Gets38SkillsWithToolsAndMeta()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var body = await (await viewer.Client.GetAsync("/api/engine/skills")).AssertSuccessAsync(HttpStatusCode.OK);

        Assert.Equal(38, body.GetProperty("data").GetArrayLength());
        Assert.Equal(38, body.GetProperty("meta").GetProperty("total").GetInt32());
        var exec = body.GetProperty("data").EnumerateArray().Single(s => s.GetProperty("id").GetString() == "exec");
        Assert.Equal("Shell Commands", exec.GetProperty("name").GetString());
        Assert.Equal("automation", exec.GetProperty("category").GetString());
        Assert.Equal("critical", exec.GetProperty("risk").GetString());
        Assert.Equal("builtin", exec.GetProperty("source").GetString());
        Assert.Equal(["exec", "process"], exec.GetProperty("toolIds").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(["runs-code", "modifies-files", "network-request"], exec.GetProperty("sideEffects").EnumerateArray().Select(t => t.GetString()));
    }

    [Theory]
    [InlineData("?category=smart-home", 5)]
    [InlineData("?risk=critical", 3)]
    [InlineData("?category=media&risk=low", 6)]
    [InlineData("?limit=10&offset=30", 8)]
    public async Task ListSkills_Filters_ReturnTheMatchingSkills(string query, int expected)
    {
        var tenant = await host.CreateTenantAsync();

        var body = await (await tenant.Owner.Client.GetAsync("/api/engine/skills" + query)).AssertSuccessAsync(HttpStatusCode.OK);

        Assert.Equal(expected, body.GetProperty("data").GetArrayLength());
    }

    [Theory]
    [InlineData("/api/engine/skills?category=email", "category")]
    [InlineData("/api/engine/skills?risk=extreme", "risk")]
    [InlineData("/api/engine/skills?limit=0", "limit")]
    [InlineData("/api/engine/tools?category=delete", "category")]
    [InlineData("/api/engine/tools?skillId=research", "skillId")]
    [InlineData("/api/engine/tools?match=agenticmail_%3F", "match")]
    public async Task ReadRoutes_BadQuery_Return400NamingTheField(string url, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync(url);

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task SkillsByCategory_Returns11GroupsInDisplayOrder()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var body = await (await viewer.Client.GetAsync("/api/engine/skills/by-category")).AssertSuccessAsync(HttpStatusCode.OK);

        var groups = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["communication", "development", "productivity", "research", "media", "automation", "smart-home", "data", "security", "social", "platform"], groups.Select(g => g.GetProperty("category").GetString()));
        Assert.Equal(38, groups.Sum(g => g.GetProperty("skills").GetArrayLength()));
        Assert.Equal(3, groups[0].GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task GetSkill_Known_ReturnsItsToolsAndConfigFields()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var body = await (await viewer.Client.GetAsync("/api/engine/skills/github")).AssertSuccessAsync(HttpStatusCode.OK);

        var skill = body.GetProperty("data");
        Assert.Equal("GitHub", skill.GetProperty("name").GetString());
        Assert.Contains(skill.GetProperty("tools").EnumerateArray(), t => t.GetProperty("id").GetString() == "github_issue_create" && t.GetProperty("risk").GetString() == "medium");
        var token = skill.GetProperty("configFields").EnumerateArray().Single(f => f.GetProperty("key").GetString() == "token");
        Assert.Equal("secret", token.GetProperty("type").GetString());
        Assert.True(token.GetProperty("required").GetBoolean());
    }

    [Fact]
    public async Task GetSkill_Unknown_Returns404()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync("/api/engine/skills/research");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task ListTools_WildcardAndFilters_ReturnMatchingTools()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var all = await (await viewer.Client.GetAsync("/api/engine/tools?limit=500")).AssertSuccessAsync(HttpStatusCode.OK);
        var mail = await (await viewer.Client.GetAsync("/api/engine/tools?match=agenticmail_*&limit=500")).AssertSuccessAsync(HttpStatusCode.OK);
        var sends = await (await viewer.Client.GetAsync("/api/engine/tools?sideEffect=sends-email&skillId=agenticmail")).AssertSuccessAsync(HttpStatusCode.OK);

        Assert.True(all.GetProperty("meta").GetProperty("total").GetInt32() >= 86);
        Assert.Equal(62, mail.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal(
            ["agenticmail_send", "agenticmail_reply", "agenticmail_forward", "agenticmail_template_send", "agenticmail_schedule"],
            sends.GetProperty("data").EnumerateArray().Select(t => t.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task GetTool_Known_ReturnsTheReferenceValues_Unknown_Returns404()
    {
        var tenant = await host.CreateTenantAsync();

        var body = await (await tenant.Owner.Client.GetAsync("/api/engine/tools/agenticmail_delete")).AssertSuccessAsync(HttpStatusCode.OK);
        var missing = await tenant.Owner.Client.GetAsync("/api/engine/tools/nonexistent_tool");

        var tool = body.GetProperty("data");
        Assert.Equal("destroy", tool.GetProperty("category").GetString());
        Assert.Equal("medium", tool.GetProperty("risk").GetString());
        Assert.Equal("agenticmail", tool.GetProperty("skillId").GetString());
        Assert.Equal(["deletes-data"], tool.GetProperty("sideEffects").EnumerateArray().Select(e => e.GetString()));
        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task ListPresets_Viewer_GetsTheFivePresetsInTheProfileShape()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var body = await (await viewer.Client.GetAsync("/api/engine/profiles/presets")).AssertSuccessAsync(HttpStatusCode.OK);

        var presets = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["Research Assistant", "Customer Support Agent", "Developer Assistant", "Full Access (Owner)", "Sandbox (Testing)"], presets.Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(5, body.GetProperty("meta").GetProperty("total").GetInt32());
        var support = presets[1];
        Assert.Equal("allowlist", support.GetProperty("skills").GetProperty("mode").GetString());
        Assert.Contains("agenticmail", support.GetProperty("skills").GetProperty("list").EnumerateArray().Select(s => s.GetString()));
        Assert.DoesNotContain("communication", support.GetProperty("skills").GetProperty("list").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("medium", support.GetProperty("maxRiskLevel").GetString());
        Assert.Equal(["high", "critical"], support.GetProperty("requireApproval").GetProperty("forRiskLevels").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(20, support.GetProperty("rateLimits").GetProperty("toolCallsPerMinute").GetInt32());
        Assert.True(presets[4].GetProperty("constraints").GetProperty("sandboxMode").GetBoolean());
    }

    [Theory]
    [InlineData("developer-assistant")]
    [InlineData("Developer%20Assistant")]
    [InlineData("developer%20assistant")]
    public async Task GetPreset_ByIdOrName_ReturnsIt(string idOrName)
    {
        var tenant = await host.CreateTenantAsync();

        var body = await (await tenant.Owner.Client.GetAsync("/api/engine/profiles/presets/" + idOrName)).AssertSuccessAsync(HttpStatusCode.OK);

        Assert.Equal("developer-assistant", body.GetProperty("data").GetProperty("id").GetString());
        Assert.Equal(15, body.GetProperty("data").GetProperty("requireApproval").GetProperty("timeoutMinutes").GetInt32());
    }

    [Fact]
    public async Task GetPreset_Unknown_Returns404()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync("/api/engine/profiles/presets/nope");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("/api/engine/skills")]
    [InlineData("/api/engine/tools")]
    [InlineData("/api/engine/profiles/presets")]
    public async Task ReadRoutes_Anonymous_Return401(string url)
    {
        host.SkipIfUnavailable();
        using var anonymous = host.CreateClient();

        var response = await anonymous.GetAsync(url);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}

public sealed class SqliteSkillsApiTests(SqliteHostFixture host) : SkillsApiTests<SqliteHostFixture>(host);

public sealed class PostgresSkillsApiTests(PostgresHostFixture host) : SkillsApiTests<PostgresHostFixture>(host);
