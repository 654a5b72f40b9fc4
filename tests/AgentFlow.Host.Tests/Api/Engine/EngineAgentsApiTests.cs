using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Api.Engine;

public abstract class EngineAgentsApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string Agents = "/api/engine/agents";

    private static object CompleteConfig(string name) => new
    {
        name,
        displayName = "Support Bot",
        identity = new { role = "Customer Support Agent", tone = "friendly", language = "en" },
        model = new { provider = "anthropic", modelId = "claude-sonnet-4-20250514", thinkingLevel = "low", temperature = 0.3, maxTokens = 4096 },
        deployment = new { target = "docker" },
        permissionProfileId = "Customer Support Agent",
        budgets = new { tokenBudgetMonthly = 1000, costBudgetMonthlyUsd = 2.5m },
    };

    [Fact]
    public async Task CreateEngineAgent_CompleteConfig_Returns201DraftWithConfigAndLocation()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync(Agents, new { orgId = tenant.OrgId, config = CompleteConfig("support-bot"), createdBy = "ignored" });

        var agent = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        var config = agent.GetProperty("config");
        Assert.Equal("draft", agent.GetProperty("state").GetString());
        Assert.Equal(1, agent.GetProperty("version").GetInt32());
        Assert.Equal(tenant.OrgId, agent.GetProperty("orgId").GetGuid());
        Assert.Equal(tenant.Owner.Id, agent.GetProperty("createdBy").GetGuid());
        Assert.True(agent.GetProperty("configComplete").GetBoolean());
        Assert.Equal("Support Bot", config.GetProperty("displayName").GetString());
        Assert.Equal("Customer Support Agent", config.GetProperty("identity").GetProperty("role").GetString());
        Assert.Equal("Customer Support Agent", agent.GetProperty("role").GetString());
        Assert.Equal("claude-sonnet-4-20250514", config.GetProperty("model").GetProperty("modelId").GetString());
        Assert.Equal("docker", config.GetProperty("deployment").GetProperty("target").GetString());
        Assert.Equal(2.5m, config.GetProperty("budgets").GetProperty("costBudgetMonthlyUsd").GetDecimal());
        Assert.Equal("support-bot@localhost", agent.GetProperty("email").GetString());
        Assert.Equal($"{Agents}/{agent.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task CreateEngineAgent_IsTheSameAgentAsTheAdminApi()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await (await tenant.Owner.Client.PostAsJsonAsync(Agents, new { config = new { name = "one-agent" } })).AssertSuccessAsync(HttpStatusCode.Created);
        var id = created.GetProperty("data").GetProperty("id").GetString();

        var admin = await (await tenant.Owner.Client.GetAsync($"/api/agents/{id}")).AssertSuccessAsync();
        var duplicate = await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "one-agent" });

        Assert.Equal("one-agent", admin.GetProperty("data").GetProperty("name").GetString());
        await duplicate.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task ListEngineAgents_ReturnsOnlyTheCallersOrganisationWithState()
    {
        var mine = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        await (await mine.Owner.Client.PostAsJsonAsync(Agents, new { config = new { name = "mine" } })).AssertSuccessAsync(HttpStatusCode.Created);
        await (await other.Owner.Client.PostAsJsonAsync(Agents, new { config = new { name = "theirs" } })).AssertSuccessAsync(HttpStatusCode.Created);
        var member = await mine.AddUserAsync(UserRole.Member);

        var list = await (await member.Client.GetAsync($"{Agents}?orgId={mine.OrgId}&state=draft")).AssertSuccessAsync();

        var agent = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal("mine", agent.GetProperty("name").GetString());
        Assert.Equal(1, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ListEngineAgents_AnotherOrganisationsId_Returns404()
    {
        var mine = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();

        var response = await mine.Owner.Client.GetAsync($"{Agents}?orgId={other.OrgId}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("?state=sleeping", "state")]
    [InlineData("?orgId=not-a-uuid", "orgId")]
    public async Task ListEngineAgents_BadQuery_Returns400NamingTheField(string query, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync(Agents + query);

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task GetEngineAgent_AnotherOrganisationsAgent_Returns404()
    {
        var owner = await host.CreateTenantAsync();
        var intruder = await host.CreateTenantAsync();
        var id = await CreateAsync(owner, new { name = "private" });

        var get = await intruder.Owner.Client.GetAsync($"{Agents}/{id}");
        var usage = await intruder.Owner.Client.GetAsync($"{Agents}/{id}/usage");
        var patch = await intruder.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new { updates = new { displayName = "Mine now" } });

        await get.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await usage.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await patch.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var unchanged = await (await owner.Owner.Client.GetAsync($"{Agents}/{id}")).AssertSuccessAsync();
        Assert.Equal(JsonValueKind.Null, unchanged.GetProperty("data").GetProperty("displayName").ValueKind);
    }

    [Fact]
    public async Task CreateEngineAgent_AnotherOrganisationsId_Returns404AndCreatesNothing()
    {
        var mine = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();

        var response = await mine.Owner.Client.PostAsJsonAsync(Agents, new { orgId = other.OrgId, config = new { name = "planted" } });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var theirs = await (await other.Owner.Client.GetAsync(Agents)).AssertSuccessAsync();
        Assert.Equal(0, theirs.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("{}", "config")]
    [InlineData("{\"config\":{}}", "config.name")]
    [InlineData("{\"config\":{\"name\":\"bad name!\"}}", "config.name")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"deployment\":{\"target\":\"mars\"}}}", "config.deployment.target")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"deployment\":{\"target\":\"docker\",\"config\":{}}}}", "config.deployment.config")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"model\":{\"provider\":\"acme\"}}}", "config.model.provider")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"model\":{\"modelId\":\"gpt 4o; rm -rf\"}}}", "config.model.modelId")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"model\":{\"provider\":\"openai\",\"modelId\":\"anthropic/claude-sonnet-4\"}}}", "config.model.modelId")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"model\":{\"thinkingLevel\":\"extreme\"}}}", "config.model.thinkingLevel")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"model\":{\"temperature\":3.5}}}", "config.model.temperature")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"model\":{\"maxTokens\":0}}}", "config.model.maxTokens")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"model\":{\"maxTokens\":\"many\"}}}", "config.model.maxTokens")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"identity\":{\"tone\":\"sarcastic\"}}}", "config.identity.tone")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"identity\":{\"language\":\"english please\"}}}", "config.identity.language")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"budgets\":{\"tokenBudgetMonthly\":-1}}}", "config.budgets.tokenBudgetMonthly")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"budgets\":{\"costBudgetMonthlyUsd\":0.0000001}}}", "config.budgets.costBudgetMonthlyUsd")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"permissionProfileId\":\"<script>\"}}", "config.permissionProfileId")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"email\":\"nope\"}}", "config.email")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"metadata\":[1]}}", "config.metadata")]
    [InlineData("{\"config\":{\"name\":\"ok\",\"channels\":{}}}", "config.channels")]
    public async Task CreateEngineAgent_InvalidField_Returns400NamingTheField(string json, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync(Agents, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task CreateEngineAgent_AsMember_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await member.Client.PostAsJsonAsync(Agents, new { config = new { name = "not-allowed" } });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task ListEngineAgents_AsViewer_ReturnsTheAgents()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant, new { name = "seen-by-viewer" });
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var response = await viewer.Client.GetAsync(Agents);

        var body = await response.AssertSuccessAsync();
        Assert.Contains(body.GetProperty("data").EnumerateArray(), a => a.GetProperty("id").GetGuid() == id);
    }

    [Fact]
    public async Task CreateEngineAgent_BeyondFreePlanLimit_Returns403PlanLimit()
    {
        var tenant = await FreeTenantAsync();
        for (var i = 0; i < 3; i++)
        {
            await CreateAsync(tenant, new { name = $"agent-{i}" });
        }

        var response = await tenant.Owner.Client.PostAsJsonAsync(Agents, new { config = new { name = "one-too-many" } });

        var details = (await response.AssertProblemAsync(HttpStatusCode.Forbidden, "PLAN_LIMIT")).GetProperty("details");
        Assert.Equal("maxAgents", details.GetProperty("resource").GetString());
        Assert.Equal(3, details.GetProperty("limit").GetInt64());
    }

    [Fact]
    public async Task CreateEngineAgent_TargetOutsideThePlan_Returns403PlanLimit()
    {
        var tenant = await FreeTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync(Agents, new { config = new { name = "to-fly", deployment = new { target = "fly" } } });

        var details = (await response.AssertProblemAsync(HttpStatusCode.Forbidden, "PLAN_LIMIT")).GetProperty("details");
        Assert.Equal("deploymentTargets", details.GetProperty("resource").GetString());
        Assert.Equal("fly", details.GetProperty("target").GetString());
    }

    [Fact]
    public async Task UpdateConfig_CompletingADraft_MergesFieldsBumpsVersionAndTurnsReady()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant, new { name = "half-done", model = new { provider = "openai", modelId = "gpt-4o", temperature = 0.2 } });

        var response = await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new
        {
            updates = new
            {
                displayName = "Half Done",
                identity = new { role = "Analyst" },
                model = new { thinkingLevel = "high" },
                deployment = new { target = "local" },
                permissionProfileId = "Research Assistant",
            },
            updatedBy = "ignored",
        });

        var agent = (await response.AssertSuccessAsync()).GetProperty("data");
        var model = agent.GetProperty("config").GetProperty("model");
        Assert.Equal("ready", agent.GetProperty("state").GetString());
        Assert.Equal(2, agent.GetProperty("version").GetInt32());
        Assert.Equal("gpt-4o", model.GetProperty("modelId").GetString());
        Assert.Equal(0.2, model.GetProperty("temperature").GetDouble());
        Assert.Equal("high", model.GetProperty("thinkingLevel").GetString());
        Assert.Empty(agent.GetProperty("missingConfig").EnumerateArray());
        var stored = await (await tenant.Owner.Client.GetAsync($"{Agents}/{id}")).AssertSuccessAsync();
        Assert.Equal("ready", stored.GetProperty("data").GetProperty("state").GetString());
        Assert.Equal("Analyst", stored.GetProperty("data").GetProperty("role").GetString());
    }

    [Fact]
    public async Task UpdateConfig_StillIncomplete_MovesToConfiguringAndListsWhatIsMissing()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant, new { name = "partial" });

        var response = await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new { updates = new { displayName = "Partial" } });

        var agent = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("configuring", agent.GetProperty("state").GetString());
        var missing = agent.GetProperty("missingConfig").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Equal(["model.modelId", "deployment.target", "permissionProfileId"], missing);
    }

    [Theory]
    [InlineData("{}", "updates")]
    [InlineData("{\"updates\":{\"deployment\":{\"target\":\"moon\"}}}", "updates.deployment.target")]
    [InlineData("{\"updates\":{\"model\":{\"temperature\":-1}}}", "updates.model.temperature")]
    [InlineData("{\"updates\":{\"unknown\":1}}", "updates.unknown")]
    public async Task UpdateConfig_InvalidField_Returns400NamingTheField(string json, string field)
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant, new { name = "target" });

        var response = await tenant.Owner.Client.PatchAsync($"{Agents}/{id}/config", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task GetUsage_RecordedToolCallsAndMessages_SumsCountsTokensAndCostAgainstBudgets()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant, new { name = "busy", budgets = new { tokenBudgetMonthly = 100, costBudgetMonthlyUsd = 1m } });
        var other = await CreateAsync(tenant, new { name = "quiet" });
        await RecordAsync(tenant.OrgId, id, other);

        var usage = (await (await tenant.Owner.Client.GetAsync($"{Agents}/{id}/usage")).AssertSuccessAsync()).GetProperty("data");

        foreach (var period in new[] { "today", "thisMonth", "total" })
        {
            var totals = usage.GetProperty("usage").GetProperty(period);
            Assert.Equal(3, totals.GetProperty("toolCalls").GetInt32());
            Assert.Equal(1, totals.GetProperty("failedToolCalls").GetInt32());
            Assert.Equal(1, totals.GetProperty("blockedToolCalls").GetInt32());
            Assert.Equal(30, totals.GetProperty("inputTokens").GetInt64());
            Assert.Equal(60, totals.GetProperty("outputTokens").GetInt64());
            Assert.Equal(1, totals.GetProperty("messages").GetInt32());
            Assert.Equal(15, totals.GetProperty("messageTokens").GetInt64());
            Assert.Equal(105, totals.GetProperty("tokens").GetInt64());
            Assert.Equal(0.0035m, totals.GetProperty("costUsd").GetDecimal());
        }

        var tokens = usage.GetProperty("budgets").GetProperty("tokens");
        Assert.Equal(105, tokens.GetProperty("used").GetDecimal());
        Assert.True(tokens.GetProperty("exceeded").GetBoolean());
        Assert.False(usage.GetProperty("budgets").GetProperty("costUsd").GetProperty("exceeded").GetBoolean());
        Assert.Equal("draft", usage.GetProperty("state").GetString());
    }

    [Fact]
    public async Task GetEngineAgent_IncludesUsage()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant, new { name = "with-usage" });
        await RecordAsync(tenant.OrgId, id, Guid.NewGuid());

        var agent = (await (await tenant.Owner.Client.GetAsync($"{Agents}/{id}")).AssertSuccessAsync()).GetProperty("data");

        Assert.Equal(3, agent.GetProperty("usage").GetProperty("thisMonth").GetProperty("toolCalls").GetInt32());
        Assert.Equal("unknown", agent.GetProperty("health").GetProperty("status").GetString());
    }

    [Fact]
    public async Task GetOrganizationUsage_SumsAcrossAgentsWithPerAgentLines()
    {
        var tenant = await host.CreateTenantAsync();
        var busy = await CreateAsync(tenant, new { name = "busy" });
        var quiet = await CreateAsync(tenant, new { name = "quiet" });
        await RecordAsync(tenant.OrgId, busy, quiet);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var usage = (await (await member.Client.GetAsync($"/api/engine/usage/{tenant.OrgId}")).AssertSuccessAsync()).GetProperty("data");

        var month = usage.GetProperty("usage").GetProperty("thisMonth");
        Assert.Equal(4, month.GetProperty("toolCalls").GetInt32());
        Assert.Equal(105 + 7, month.GetProperty("tokens").GetInt64());
        Assert.Equal(0.0045m, month.GetProperty("costUsd").GetDecimal());
        Assert.Equal(2, usage.GetProperty("agents").GetProperty("current").GetInt64());
        var lines = usage.GetProperty("byAgent").EnumerateArray().ToDictionary(l => l.GetProperty("name").GetString()!, l => l);
        Assert.Equal(3, lines["busy"].GetProperty("thisMonth").GetProperty("toolCalls").GetInt32());
        Assert.Equal(1, lines["quiet"].GetProperty("today").GetProperty("toolCalls").GetInt32());
    }

    [Fact]
    public async Task GetOrganizationStats_CountsAgentsByStateAndRecentActivity()
    {
        var tenant = await host.CreateTenantAsync();
        var ready = await CreateAsync(tenant, new { name = "draft-one" });
        await CreateAsync(tenant, new { name = "draft-two" });
        await (await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{ready}/config", new { updates = CompleteConfig("ready-one") })).AssertSuccessAsync();
        await RecordAsync(tenant.OrgId, ready, Guid.NewGuid());

        var stats = (await (await tenant.Owner.Client.GetAsync($"/api/engine/stats/{tenant.OrgId}")).AssertSuccessAsync()).GetProperty("data");

        Assert.Equal(tenant.OrgId, stats.GetProperty("org").GetProperty("id").GetGuid());
        Assert.Equal(2, stats.GetProperty("agents").GetProperty("total").GetInt32());
        Assert.Equal(1, stats.GetProperty("agents").GetProperty("byState").GetProperty("draft").GetInt32());
        Assert.Equal(1, stats.GetProperty("agents").GetProperty("byState").GetProperty("ready").GetInt32());
        Assert.Equal(4, stats.GetProperty("usage").GetProperty("today").GetProperty("toolCalls").GetInt32());
        Assert.True(stats.GetProperty("realTime").GetProperty("toolCallsLast5Min").GetInt32() >= 4);
        Assert.Equal(2, stats.GetProperty("realTime").GetProperty("activeAgents").GetInt32());
    }

    [Theory]
    [InlineData("/api/engine/usage/{0}")]
    [InlineData("/api/engine/stats/{0}")]
    public async Task OrganizationUsageAndStats_AnotherOrganisation_Returns404(string route)
    {
        var mine = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();

        var response = await mine.Owner.Client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, route, other.OrgId));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("/api/engine/usage/{0}")]
    [InlineData("/api/engine/stats/{0}")]
    public async Task OrganizationUsageAndStats_PlatformAdministrator_ReadsAnotherOrganisation(string route)
    {
        var tenant = await host.CreateTenantAsync();
        var busy = await CreateAsync(tenant, new { name = "busy" });
        await RecordAsync(tenant.OrgId, busy, Guid.NewGuid());
        var admin = await new TestTenant(host, Organization.DefaultId, "default").AddUserAsync(UserRole.Owner);

        var response = await admin.Client.GetAsync(string.Format(System.Globalization.CultureInfo.InvariantCulture, route, tenant.OrgId));

        var data = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(4, data.GetProperty("usage").GetProperty("total").GetProperty("toolCalls").GetInt32());
    }

    private static async Task<Guid> CreateAsync(TestTenant tenant, object config)
    {
        var body = await (await tenant.Owner.Client.PostAsJsonAsync(Agents, new { config })).AssertSuccessAsync(HttpStatusCode.Created);
        return body.GetProperty("data").GetProperty("id").GetGuid();
    }

    /// <summary>
    /// For <paramref name="agent"/>: a succeeded call (10 in, 20 out, $0.0015), a failed one (20 in, 40 out, $0.002),
    /// a blocked one, and a message of 15 tokens ($0). For <paramref name="other"/>: one call of 3 + 4 tokens ($0.001).
    /// </summary>
    private async Task RecordAsync(Guid orgId, Guid agent, Guid other)
    {
        var recorder = host.Services.GetRequiredService<IActivityRecorder>();
        var first = recorder.StartToolCall(new ToolCallStartInput(orgId, agent, "agenticmail_send", SessionId: "s-1"))!.Value;
        Assert.True(recorder.EndToolCall(new ToolCallEndInput(orgId, first, true, "ok", DurationMs: 5, InputTokens: 10, OutputTokens: 20, CostUsd: 0.0015m)));
        var second = recorder.StartToolCall(new ToolCallStartInput(orgId, agent, "web_fetch", SessionId: "s-1"))!.Value;
        Assert.True(recorder.EndToolCall(new ToolCallEndInput(orgId, second, false, Error: "timeout", InputTokens: 20, OutputTokens: 40, CostUsd: 0.002m)));
        Assert.NotNull(recorder.StartToolCall(new ToolCallStartInput(orgId, agent, "shell_exec", SessionId: "s-1", Permission: new ToolCallDecision(false, "Denied"))));
        Assert.True(recorder.RecordMessage(new ConversationMessageInput(orgId, agent, "s-1", "assistant", "Done.", TokenCount: 15)));
        var third = recorder.StartToolCall(new ToolCallStartInput(orgId, other, "web_search", SessionId: "s-2"))!.Value;
        Assert.True(recorder.EndToolCall(new ToolCallEndInput(orgId, third, true, InputTokens: 3, OutputTokens: 4, CostUsd: 0.001m)));
        await recorder.FlushAsync();
    }

    private async Task<TestTenant> FreeTenantAsync()
    {
        host.SkipIfUnavailable();
        var name = "Free " + Guid.NewGuid().ToString("N")[..8];
        Guid orgId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            orgId = (await scope.ServiceProvider.GetRequiredService<OrganizationProvisioner>().CreateAsync(name, plan: PlanCatalog.Free)).Id;
        }

        var tenant = new TestTenant(host, orgId, name);
        tenant.Owner = await tenant.AddUserAsync(UserRole.Owner);
        return tenant;
    }
}

public sealed class SqliteEngineAgentsApiTests(SqliteHostFixture host) : EngineAgentsApiTests<SqliteHostFixture>(host);

public sealed class PostgresEngineAgentsApiTests(PostgresHostFixture host) : EngineAgentsApiTests<PostgresHostFixture>(host);
