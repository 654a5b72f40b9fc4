using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

public abstract class RulesApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task CreateRule_ValidBody_Returns201WithLocationAndStoredFields()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await tenant.Owner.Client.CreateAgentAsync("router");

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/rules", new
        {
            name = "Invoices to finance",
            agentId,
            conditions = new { subjectContains = "invoice", from = new List<string> { "billing@vendor.example" } },
            actions = new { forwardTo = "finance@example.com" },
            priority = 7,
            enabled = false,
        });

        var rule = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        Assert.Equal("Invoices to finance", rule.GetProperty("name").GetString());
        Assert.Equal(agentId, rule.GetProperty("agentId").GetString());
        Assert.Equal("invoice", rule.GetProperty("conditions").GetProperty("subjectContains").GetString());
        Assert.Equal("billing@vendor.example", rule.GetProperty("conditions").GetProperty("from")[0].GetString());
        Assert.Equal("finance@example.com", rule.GetProperty("actions").GetProperty("forwardTo").GetString());
        Assert.Equal(7, rule.GetProperty("priority").GetInt32());
        Assert.False(rule.GetProperty("enabled").GetBoolean());
        Assert.Equal($"/api/rules/{rule.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task CreateRule_OnlyName_UsesDefaults()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/rules", new { name = "catch-all" });

        var rule = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        Assert.Equal(JsonValueKind.Null, rule.GetProperty("agentId").ValueKind);
        Assert.Equal(JsonValueKind.Object, rule.GetProperty("conditions").ValueKind);
        Assert.Empty(rule.GetProperty("conditions").EnumerateObject());
        Assert.Equal(0, rule.GetProperty("priority").GetInt32());
        Assert.True(rule.GetProperty("enabled").GetBoolean());
    }

    [Fact]
    public async Task UpdateRule_ChangesOnlyGivenFields()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateRuleAsync(tenant.Owner.Client, new { name = "original", priority = 3, conditions = new { to = "a@example.com" } });

        var response = await tenant.Owner.Client.PatchAsJsonAsync($"/api/rules/{id}", new { priority = 9, enabled = false });

        var rule = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(9, rule.GetProperty("priority").GetInt32());
        Assert.False(rule.GetProperty("enabled").GetBoolean());
        Assert.Equal("original", rule.GetProperty("name").GetString());
        Assert.Equal("a@example.com", rule.GetProperty("conditions").GetProperty("to").GetString());
        var listed = await ListAsync(tenant.Owner.Client, string.Empty);
        Assert.Equal(9, Assert.Single(listed).GetProperty("priority").GetInt32());
    }

    [Fact]
    public async Task DeleteRule_Returns204ThenGoneFromListAndUpdate404()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateRuleAsync(tenant.Owner.Client, new { name = "temporary" });

        var delete = await tenant.Owner.Client.DeleteAsync($"/api/rules/{id}");
        var update = await tenant.Owner.Client.PatchAsJsonAsync($"/api/rules/{id}", new { name = "back?" });
        var again = await tenant.Owner.Client.DeleteAsync($"/api/rules/{id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await update.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await again.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty(await ListAsync(tenant.Owner.Client, string.Empty));
    }

    [Fact]
    public async Task ListRules_AgentIdFilter_ReturnsOnlyThatAgentsRules()
    {
        var tenant = await host.CreateTenantAsync();
        var first = await tenant.Owner.Client.CreateAgentAsync("first-agent");
        var second = await tenant.Owner.Client.CreateAgentAsync("second-agent");
        await CreateRuleAsync(tenant.Owner.Client, new { name = "r1", agentId = first });
        await CreateRuleAsync(tenant.Owner.Client, new { name = "r2", agentId = first });
        await CreateRuleAsync(tenant.Owner.Client, new { name = "r3", agentId = second });
        await CreateRuleAsync(tenant.Owner.Client, new { name = "r4" });

        var forFirst = await ListAsync(tenant.Owner.Client, $"agentId={first}");
        var all = await ListAsync(tenant.Owner.Client, string.Empty);

        Assert.Equal(["r1", "r2"], forFirst.Select(r => r.GetProperty("name").GetString()).Order());
        Assert.Equal(4, all.Length);
    }

    [Fact]
    public async Task ListRules_BadAgentId_Returns400()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync("/api/rules?agentId=not-a-guid");

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(problem.GetProperty("details").TryGetProperty("agentId", out _));
    }

    [Fact]
    public async Task ListRules_OrdersByPriorityDescending()
    {
        var tenant = await host.CreateTenantAsync();
        await CreateRuleAsync(tenant.Owner.Client, new { name = "low", priority = 1 });
        await CreateRuleAsync(tenant.Owner.Client, new { name = "high", priority = 10 });
        await CreateRuleAsync(tenant.Owner.Client, new { name = "negative", priority = -5 });
        await CreateRuleAsync(tenant.Owner.Client, new { name = "middle", priority = 5 });

        var rules = await ListAsync(tenant.Owner.Client, string.Empty);

        Assert.Equal(["high", "middle", "low", "negative"], rules.Select(r => r.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task ListRules_PagesWithMeta()
    {
        var tenant = await host.CreateTenantAsync();
        for (var i = 0; i < 5; i++)
        {
            await CreateRuleAsync(tenant.Owner.Client, new { name = $"p{i}", priority = i });
        }

        var body = await (await tenant.Owner.Client.GetAsync("/api/rules?limit=2&offset=1")).AssertSuccessAsync();

        Assert.Equal(["p3", "p2"], body.GetProperty("data").EnumerateArray().Select(r => r.GetProperty("name").GetString()));
        Assert.Equal(5, body.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task CreateRule_AgentOfAnotherOrganisation_Returns400NamingAgentId()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var foreignAgent = await other.Owner.Client.CreateAgentAsync("foreign");

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/rules", new { name = "steal", agentId = foreignAgent });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(problem.GetProperty("details").TryGetProperty("agentId", out _));
        Assert.Empty(await ListAsync(tenant.Owner.Client, string.Empty));
    }

    [Fact]
    public async Task UpdateRule_AgentOfAnotherOrganisation_Returns400AndKeepsAgent()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var ownAgent = await tenant.Owner.Client.CreateAgentAsync("own");
        var foreignAgent = await other.Owner.Client.CreateAgentAsync("foreign");
        var id = await CreateRuleAsync(tenant.Owner.Client, new { name = "mine", agentId = ownAgent });

        var response = await tenant.Owner.Client.PatchAsJsonAsync($"/api/rules/{id}", new { agentId = foreignAgent });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal(ownAgent, Assert.Single(await ListAsync(tenant.Owner.Client, string.Empty)).GetProperty("agentId").GetString());
    }

    [Fact]
    public async Task RuleOfAnotherOrganisation_IsInvisibleAndUntouchable()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var foreignRule = await CreateRuleAsync(other.Owner.Client, new { name = "theirs" });

        var list = await ListAsync(tenant.Owner.Client, string.Empty);
        var update = await tenant.Owner.Client.PatchAsJsonAsync($"/api/rules/{foreignRule}", new { name = "hijacked" });
        var delete = await tenant.Owner.Client.DeleteAsync($"/api/rules/{foreignRule}");

        Assert.Empty(list);
        await update.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await delete.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("theirs", Assert.Single(await ListAsync(other.Owner.Client, string.Empty)).GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("{\"name\":\"r\",\"conditions\":[1,2]}", "conditions")]
    [InlineData("{\"name\":\"r\",\"conditions\":\"subject:invoice\"}", "conditions")]
    [InlineData("{\"name\":\"r\",\"conditions\":42}", "conditions")]
    [InlineData("{\"name\":\"r\",\"actions\":[\"forward\"]}", "actions")]
    [InlineData("{\"conditions\":{}}", "name")]
    [InlineData("{\"name\":\"  \"}", "name")]
    [InlineData("{\"name\":\"r\",\"priority\":1000001}", "priority")]
    [InlineData("{\"name\":\"r\",\"agentId\":\"not-a-guid\"}", "agentId")]
    [InlineData("{\"name\":\"r\",\"unknown\":1}", "unknown")]
    public async Task CreateRule_InvalidBody_Returns400NamingTheField(string json, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync("/api/rules", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task UpdateRule_ConditionsNotAnObject_Returns400()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateRuleAsync(tenant.Owner.Client, new { name = "keep", conditions = new { a = 1 } });

        var response = await tenant.Owner.Client.PatchAsync($"/api/rules/{id}", new StringContent("{\"conditions\":[\"x\"]}", Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(problem.GetProperty("details").TryGetProperty("conditions", out _));
        Assert.Equal(1, Assert.Single(await ListAsync(tenant.Owner.Client, string.Empty)).GetProperty("conditions").GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task CreateRule_AsViewer_Returns403AndViewerCanList()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        await CreateRuleAsync(tenant.Owner.Client, new { name = "visible" });

        var response = await viewer.Client.PostAsJsonAsync("/api/rules", new { name = "nope" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("member", problem.GetProperty("details").GetProperty("required").GetString());
        Assert.Equal("visible", Assert.Single(await ListAsync(viewer.Client, string.Empty)).GetProperty("name").GetString());
    }

    [Fact]
    public async Task MemberCanCreateUpdateAndDeleteRules()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var id = await CreateRuleAsync(member.Client, new { name = "member-rule" });
        var update = await member.Client.PatchAsJsonAsync($"/api/rules/{id}", new { name = "member-rule-2" });
        var delete = await member.Client.DeleteAsync($"/api/rules/{id}");

        Assert.Equal("member-rule-2", (await update.AssertSuccessAsync()).GetProperty("data").GetProperty("name").GetString());
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
    }

    private static async Task<string> CreateRuleAsync(HttpClient client, object body)
    {
        var response = await client.PostAsJsonAsync("/api/rules", body);
        return (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetString()!;
    }

    private static async Task<JsonElement[]> ListAsync(HttpClient client, string query)
    {
        var body = await (await client.GetAsync($"/api/rules?{query}")).AssertSuccessAsync();
        return [.. body.GetProperty("data").EnumerateArray()];
    }
}

public sealed class SqliteRulesApiTests(SqliteHostFixture host) : RulesApiTests<SqliteHostFixture>(host);

public sealed class PostgresRulesApiTests(PostgresHostFixture host) : RulesApiTests<PostgresHostFixture>(host);
