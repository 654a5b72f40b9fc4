using System.Net;
using System.Net.Http.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api.Approvals;

/// <summary>The approval round trip through the runtime hook: request, wait, decide, use once.</summary>
public abstract class ApprovalFlowTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string ToolCalls = "/api/engine/runtime/tool-calls";
    private static readonly string[] ReadScope = ["read"];
    private static readonly string[] SendsEmail = ["sends-email"];
    private static readonly string[] Admin = ["admin"];

    [Fact]
    public async Task CustomerSupportSend_NeedsApproval_ApprovedCallRunsOnce()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "customer-support");
        using var agent = await AgentClientAsync(tenant, agentId);
        var arguments = new { to = "customer@example.com", subject = "Your order" };

        var first = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments })).AssertSuccessAsync()).GetProperty("data");
        Assert.False(first.GetProperty("allowed").GetBoolean());
        Assert.True(first.GetProperty("requiresApproval").GetBoolean());
        var approvalId = first.GetProperty("approvalId").GetGuid();

        var pending = (await (await agent.GetAsync($"/api/engine/approvals/{approvalId}/wait?timeout=0")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("pending", pending.GetProperty("status").GetString());

        var waiting = agent.GetAsync($"/api/engine/approvals/{approvalId}/wait?timeout=30", TestContext.Current.CancellationToken);
        var decided = await tenant.Owner.Client.PostAsJsonAsync($"/api/engine/approvals/{approvalId}/decide", new { action = "approve", reason = "fine" });
        var vote = (await decided.AssertSuccessAsync()).GetProperty("data");
        Assert.True(vote.GetProperty("final").GetBoolean());
        var woken = (await (await waiting).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("approved", woken.GetProperty("status").GetString());
        Assert.Equal(tenant.Owner.Id.ToString(), woken.GetProperty("decidedBy").GetString());

        var again = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments, approvalId })).AssertSuccessAsync()).GetProperty("data");
        Assert.True(again.GetProperty("allowed").GetBoolean(), again.GetRawText());
        var reused = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments, approvalId })).AssertSuccessAsync()).GetProperty("data");
        Assert.False(reused.GetProperty("allowed").GetBoolean());
        Assert.Contains("already been used", reused.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApprovedCall_WithOtherArguments_IsRefused()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "customer-support");
        using var agent = await AgentClientAsync(tenant, agentId);
        var first = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments = new { to = "a@example.com" } })).AssertSuccessAsync()).GetProperty("data");
        var approvalId = first.GetProperty("approvalId").GetGuid();
        await (await tenant.Owner.Client.PostAsJsonAsync($"/api/engine/approvals/{approvalId}/decide", new { action = "approve" })).AssertSuccessAsync();

        var other = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments = new { to = "evil@attacker.test" }, approvalId })).AssertSuccessAsync()).GetProperty("data");

        Assert.False(other.GetProperty("allowed").GetBoolean());
        Assert.Contains("another call", other.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApprovedCall_RefusedByALimit_KeepsItsApprovalForTheRetry()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant, "customer-support");
        await (await tenant.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "customer-support", constraints = new { maxConcurrentTasks = 1 } }))
            .AssertSuccessAsync();
        using var agent = await AgentClientAsync(tenant, agentId);
        var arguments = new { to = "customer@example.com" };
        var approvalId = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments })).AssertSuccessAsync())
            .GetProperty("data").GetProperty("approvalId").GetGuid();
        await (await tenant.Owner.Client.PostAsJsonAsync($"/api/engine/approvals/{approvalId}/decide", new { action = "approve" })).AssertSuccessAsync();
        var open = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_inbox" })).AssertSuccessAsync()).GetProperty("data");
        Assert.True(open.GetProperty("allowed").GetBoolean(), open.GetRawText());

        var busy = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments, approvalId })).AssertSuccessAsync()).GetProperty("data");
        await (await agent.PostAsJsonAsync($"{ToolCalls}/{open.GetProperty("toolCallId").GetGuid()}/complete", new { result = "ok" })).AssertSuccessAsync();
        var retried = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments, approvalId })).AssertSuccessAsync()).GetProperty("data");

        Assert.False(busy.GetProperty("allowed").GetBoolean());
        Assert.Contains("concurrent", busy.GetProperty("reason").GetString(), StringComparison.OrdinalIgnoreCase);
        Assert.True(retried.GetProperty("allowed").GetBoolean(), retried.GetRawText());
    }

    [Fact]
    public async Task Decide_ByAMember_WhenAdminsApprove_Is403()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);
        var agentId = await CreateAgentAsync(tenant, "customer-support");
        using var agent = await AgentClientAsync(tenant, agentId);
        var approvalId = (await (await agent.PostAsJsonAsync(ToolCalls, new { toolId = "agenticmail_send", arguments = new { to = "a@example.com" } })).AssertSuccessAsync())
            .GetProperty("data").GetProperty("approvalId").GetGuid();

        var response = await member.Client.PostAsJsonAsync($"/api/engine/approvals/{approvalId}/decide", new { action = "approve" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "NOT_AN_APPROVER");
    }

    [Fact]
    public async Task Policies_List_IsNotShadowedByTheIdRoute()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await tenant.Owner.Client.PostAsJsonAsync("/api/engine/approvals/policies", new
        {
            name = "External email",
            triggers = new { sideEffects = SendsEmail },
            approvers = new { roles = Admin, requireMultiple = 1 },
            timeout = new { minutes = 60, defaultAction = "deny" },
        });
        await created.AssertSuccessAsync(HttpStatusCode.Created);

        var list = (await (await tenant.Owner.Client.GetAsync("/api/engine/approvals/policies")).AssertSuccessAsync()).GetProperty("data");

        Assert.Equal("External email", Assert.Single(list.EnumerateArray()).GetProperty("name").GetString());
    }

    private async Task<HttpClient> AgentClientAsync(TestTenant tenant, Guid agentId)
    {
        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "hook", scopes = ReadScope, agentId });
        var plaintext = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("plaintext").GetString()!;
        return host.CreateApiKeyClient(plaintext);
    }

    private static async Task<Guid> CreateAgentAsync(TestTenant tenant, string preset)
    {
        var body = await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = $"agent-{Guid.NewGuid():N}"[..20] })).AssertSuccessAsync(HttpStatusCode.Created);
        var agentId = body.GetProperty("data").GetProperty("id").GetGuid();
        await (await tenant.Owner.Client.PostAsJsonAsync($"/api/engine/profiles/{agentId}/apply-preset", new { presetName = preset })).AssertSuccessAsync();
        return agentId;
    }
}

public sealed class SqliteApprovalFlowTests(SqliteHostFixture host) : ApprovalFlowTests<SqliteHostFixture>(host);

public sealed class PostgresApprovalFlowTests(PostgresHostFixture host) : ApprovalFlowTests<PostgresHostFixture>(host);
