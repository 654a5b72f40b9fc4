using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api.Engine;

public abstract class RuntimeHookApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string ToolCalls = "/api/engine/runtime/tool-calls";
    private static readonly string[] ReadScope = ["read"];

    [Fact]
    public async Task CreateApiKey_WithAgentId_ReturnsTheBinding()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access");

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "hook", agentId });

        var key = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("key");
        Assert.Equal(agentId, key.GetProperty("agentId").GetGuid());
    }

    [Fact]
    public async Task CreateApiKey_AnotherOrganisationsAgent_Returns404()
    {
        var owner = await host.CreateTenantAsync();
        var intruder = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(owner, "full-access");

        var response = await intruder.Owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "stolen", agentId });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task BeforeToolCall_AllowedTool_OpensARunningRecordWithMaskedArguments()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access");
        using var agent = await AgentClientAsync(tenant, agentId);

        var response = await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments = new { to = "a@example.com", apiKey = "sk-live-123" }, sessionId = "s1" });

        var decision = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.True(decision.GetProperty("allowed").GetBoolean());
        Assert.False(decision.GetProperty("requiresApproval").GetBoolean());
        Assert.Equal("Permitted", decision.GetProperty("reason").GetString());
        var call = await ToolCallAsync(tenant, decision.GetProperty("toolCallId").GetGuid());
        Assert.Equal("running", call.GetProperty("status").GetString());
        Assert.Equal(agentId, call.GetProperty("agentId").GetGuid());
        Assert.Equal("s1", call.GetProperty("sessionId").GetString());
        Assert.Equal("a@example.com", call.GetProperty("parameters").GetProperty("to").GetString());
        Assert.DoesNotContain("sk-live-123", call.GetProperty("parameters").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BeforeToolCall_BlockedTool_Returns200DeniedAndRecordsBlocked()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access", blocked: ["agenticmail_*"]);
        using var agent = await AgentClientAsync(tenant, agentId);

        var response = await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments = new { to = "x" } });

        var decision = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.False(decision.GetProperty("allowed").GetBoolean());
        Assert.Equal("Tool \"agenticmail_send\" is explicitly blocked", decision.GetProperty("reason").GetString());
        var call = await ToolCallAsync(tenant, decision.GetProperty("toolCallId").GetGuid());
        Assert.Equal("blocked", call.GetProperty("status").GetString());
        Assert.False(call.GetProperty("permission").GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task BeforeToolCall_ApprovalRequired_ReturnsNotAllowedWithRequiresApproval()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "customer-support");
        using var agent = await AgentClientAsync(tenant, agentId);

        var response = await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send" });

        var decision = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.False(decision.GetProperty("allowed").GetBoolean());
        Assert.True(decision.GetProperty("requiresApproval").GetBoolean());
        var call = await ToolCallAsync(tenant, decision.GetProperty("toolCallId").GetGuid());
        Assert.True(call.GetProperty("permission").GetProperty("requiredApproval").GetBoolean());
        var complete = await agent.PostAsJsonAsync($"{ToolCalls}/{decision.GetProperty("toolCallId").GetGuid()}/complete", new { result = "sent" });
        await complete.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task BeforeToolCall_IpOutsideAllowList_IsDeniedWithTheConnectionsAddress()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access", allowedIps: ["10.0.0.0/8"]);
        using var agent = await AgentClientAsync(tenant, agentId, ip: "192.0.2.7");

        var response = await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send" });

        var decision = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.False(decision.GetProperty("allowed").GetBoolean());
        Assert.Equal("IP 192.0.2.7 not in allowlist", decision.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task BeforeToolCall_ConcurrencyLimit_DeniesUntilACallCompletes()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access", maxConcurrentTasks: 1);
        using var agent = await AgentClientAsync(tenant, agentId);
        var first = await BeforeAsync(agent, "agenticmail_send");

        var second = await BeforeAsync(agent, "agenticmail_send");
        await (await agent.PostAsJsonAsync($"{ToolCalls}/{first.GetProperty("toolCallId").GetGuid()}/complete", new { result = "ok", durationMs = 5 })).AssertSuccessAsync();
        var third = await BeforeAsync(agent, "agenticmail_send");

        Assert.True(first.GetProperty("allowed").GetBoolean());
        Assert.False(second.GetProperty("allowed").GetBoolean());
        Assert.Equal("Concurrent task limit reached (1)", second.GetProperty("reason").GetString());
        Assert.True(third.GetProperty("allowed").GetBoolean());
    }

    [Fact]
    public async Task BeforeToolCall_BodyNamesAnotherAgent_UsesTheKeysAgent()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access");
        var otherId = await CreateAgentAsync(tenant, "full-access");
        using var agent = await AgentClientAsync(tenant, agentId);

        var response = await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", agentId = otherId });
        var decision = (await response.AssertSuccessAsync()).GetProperty("data");

        Assert.Equal(agentId, (await ToolCallAsync(tenant, decision.GetProperty("toolCallId").GetGuid())).GetProperty("agentId").GetGuid());
    }

    [Fact]
    public async Task BeforeToolCall_MissingToolId_Returns400()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access");
        using var agent = await AgentClientAsync(tenant, agentId);

        var response = await agent.PostAsJsonAsync(ToolCalls, new { arguments = new { a = 1 } });

        await response.AssertValidationErrorForAsync("toolId");
    }

    [Fact]
    public async Task BeforeToolCall_UserToken_Returns401AgentKeyRequired()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send" });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "AGENT_KEY_REQUIRED");
    }

    [Fact]
    public async Task BeforeToolCall_UnboundApiKey_Returns401AgentKeyRequired()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["*"]);
        using var client = host.CreateApiKeyClient(plaintext);

        var response = await client.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send" });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "AGENT_KEY_REQUIRED");
    }

    [Fact]
    public async Task Complete_AllowedCall_RecordsResultDurationTokensAndCost()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access");
        using var agent = await AgentClientAsync(tenant, agentId);
        var id = (await BeforeAsync(agent, "agenticmail_send")).GetProperty("toolCallId").GetGuid();

        var response = await agent.PostAsJsonAsync($"{ToolCalls}/{id}/complete",
            new { result = new { messageId = "m1" }, success = true, durationMs = 42, inputTokens = 10, outputTokens = 5, costUsd = 0.0025m });

        Assert.True((await response.AssertSuccessAsync()).GetProperty("data").GetProperty("completed").GetBoolean());
        var call = await ToolCallAsync(tenant, id);
        Assert.Equal("succeeded", call.GetProperty("status").GetString());
        Assert.Contains("m1", call.GetProperty("result").GetProperty("truncatedOutput").GetString(), StringComparison.Ordinal);
        Assert.Equal(42, call.GetProperty("timing").GetProperty("durationMs").GetInt64());
        Assert.Equal(10, call.GetProperty("cost").GetProperty("inputTokens").GetInt32());
        Assert.Equal(0.0025m, call.GetProperty("cost").GetProperty("estimatedCostUsd").GetDecimal());
    }

    [Fact]
    public async Task Complete_Twice_Returns409()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access");
        using var agent = await AgentClientAsync(tenant, agentId);
        var id = (await BeforeAsync(agent, "agenticmail_send")).GetProperty("toolCallId").GetGuid();
        await (await agent.PostAsJsonAsync($"{ToolCalls}/{id}/complete", new { result = "ok" })).AssertSuccessAsync();

        var again = await agent.PostAsJsonAsync($"{ToolCalls}/{id}/complete", new { result = "again" });

        await again.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task Complete_AnotherAgentsCall_Returns404AndLeavesItRunning()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access");
        var otherId = await CreateAgentAsync(tenant, "full-access");
        using var agent = await AgentClientAsync(tenant, agentId);
        using var other = await AgentClientAsync(tenant, otherId);
        var id = (await BeforeAsync(agent, "agenticmail_send")).GetProperty("toolCallId").GetGuid();

        var response = await other.PostAsJsonAsync($"{ToolCalls}/{id}/complete", new { result = "forged" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal("running", (await ToolCallAsync(tenant, id)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Complete_AnotherOrganisationsCall_Returns404()
    {
        var owner = await host.CreateTenantAsync();
        var intruder = await host.CreateTenantAsync();
        using var agent = await AgentClientAsync(owner, await CreateAgentAsync(owner, "full-access"));
        using var foreign = await AgentClientAsync(intruder, await CreateAgentAsync(intruder, "full-access"));
        var id = (await BeforeAsync(agent, "agenticmail_send")).GetProperty("toolCallId").GetGuid();

        var response = await foreign.PostAsJsonAsync($"{ToolCalls}/{id}/complete", new { result = "forged" });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Complete_TokenBudgetCrossed_RecordsWarningThenExceededOncePerMonth()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access");
        await (await tenant.Owner.Client.PatchAsJsonAsync($"/api/engine/agents/{agentId}/config",
            new { updates = new { budgets = new { tokenBudgetMonthly = 100 } } })).AssertSuccessAsync();
        using var agent = await AgentClientAsync(tenant, agentId);

        var warning = await CallAsync(agent, tokens: 85);
        var quiet = await CallAsync(agent, tokens: 5);
        var exceeded = await CallAsync(agent, tokens: 20);
        var after = await CallAsync(agent, tokens: 1);

        Assert.Equal(["budget_warning"], Types(warning));
        Assert.Empty(Types(quiet));
        Assert.Equal(["budget_exceeded"], Types(exceeded));
        Assert.Empty(Types(after));
        var events = (await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/events?agentId={agentId}&type=budget_warning,budget_exceeded")).AssertSuccessAsync())
            .GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Contains("\"budget\":\"tokens\"", e.GetRawText(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Complete_CostBudgetReached_RecordsExceeded()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "full-access");
        await (await tenant.Owner.Client.PatchAsJsonAsync($"/api/engine/agents/{agentId}/config",
            new { updates = new { budgets = new { costBudgetMonthlyUsd = 0.01m } } })).AssertSuccessAsync();
        using var agent = await AgentClientAsync(tenant, agentId);

        var completion = await CallAsync(agent, tokens: 1, costUsd: 0.02m);

        var budgetEvent = Assert.Single(completion.GetProperty("budgetEvents").EnumerateArray());
        Assert.Equal("budget_exceeded", budgetEvent.GetProperty("type").GetString());
        Assert.Equal("cost", budgetEvent.GetProperty("budget").GetString());
    }

    private static string[] Types(JsonElement completion) =>
        [.. completion.GetProperty("budgetEvents").EnumerateArray().Select(e => e.GetProperty("type").GetString()!)];

    private static async Task<JsonElement> CallAsync(HttpClient agent, int tokens, decimal costUsd = 0m)
    {
        var id = (await BeforeAsync(agent, "agenticmail_send")).GetProperty("toolCallId").GetGuid();
        var response = await agent.PostAsJsonAsync($"{ToolCalls}/{id}/complete", new { result = "ok", inputTokens = tokens, outputTokens = 0, costUsd });
        return (await response.AssertSuccessAsync()).GetProperty("data");
    }

    private static async Task<JsonElement> BeforeAsync(HttpClient agent, string toolId) =>
        (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId })).AssertSuccessAsync()).GetProperty("data");

    private async Task<JsonElement> ToolCallAsync(TestTenant tenant, Guid id)
    {
        await host.Recorder().FlushAsync();
        return (await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/tool-calls/{id}")).AssertSuccessAsync()).GetProperty("data");
    }

    private async Task<HttpClient> AgentClientAsync(TestTenant tenant, Guid agentId, string? ip = null)
    {
        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "hook", scopes = ReadScope, agentId });
        var plaintext = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("plaintext").GetString()!;
        var client = host.CreateApiKeyClient(plaintext);
        if (ip is not null)
        {
            client.DefaultRequestHeaders.Add(AgentFlowHostFixture.TestClientIpHeader, ip);
        }

        return client;
    }

    private static async Task<Guid> CreateAgentAsync(TestTenant tenant, string preset, string[]? blocked = null, string[]? allowedIps = null, int? maxConcurrentTasks = null)
    {
        var body = await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = $"agent-{Guid.NewGuid():N}"[..20] })).AssertSuccessAsync(HttpStatusCode.Created);
        var agentId = body.GetProperty("data").GetProperty("id").GetGuid();
        object profile = new { preset, tools = new { blocked = blocked ?? [] }, constraints = new { allowedIPs = allowedIps ?? [], maxConcurrentTasks = maxConcurrentTasks ?? 10 } };
        await (await tenant.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", profile)).AssertSuccessAsync();
        return agentId;
    }
}

public sealed class SqliteRuntimeHookApiTests(SqliteHostFixture host) : RuntimeHookApiTests<SqliteHostFixture>(host);

public sealed class PostgresRuntimeHookApiTests(PostgresHostFixture host) : RuntimeHookApiTests<PostgresHostFixture>(host);
