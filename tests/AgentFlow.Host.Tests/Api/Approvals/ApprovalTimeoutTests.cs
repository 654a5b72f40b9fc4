using System.Net;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Infrastructure;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;

namespace AgentFlow.Host.Tests.Api.Approvals;

/// <summary>
/// Approval levels running out on a fake clock: escalation across a real restart (host disposed, a new one on the same
/// database), the timeout's default action, and a vote after the level's expiry. Each test has a database of its own
/// (a <see cref="WorkflowCluster"/>), because the clock it moves is shared by the whole host.
/// </summary>
public abstract class ApprovalTimeoutTests(DatabaseProvider provider)
{
    [Fact]
    public async Task Escalation_AcrossRestart_SecondLevelDecidesThenTimesOutToDefault()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        var tenant = await node.CreateTenantAsync();
        var u1 = await tenant.AddUserAsync(UserRole.Member);
        var u2 = await tenant.AddUserAsync(UserRole.Member);
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Two levels",
            triggers = new { toolIds = new[] { SendTool } },
            approvers = new { userIds = new[] { u1.Id } },
            timeout = new { minutes = 10, defaultAction = "deny" },
            escalation = new { levels = new[] { new { approvers = new { userIds = new[] { u2.Id } }, timeoutMinutes = 30 } } },
        });
        var agentId = await CreateAgentAsync(tenant);
        var agentKey = await AgentKeyAsync(tenant, agentId);
        using (var agent = node.CreateApiKeyClient(agentKey))
        {
            var decidedLater = await RequestAsync(agent, new { to = "a@example.com", subject = "one" });
            var timesOut = await RequestAsync(agent, new { to = "b@example.com", subject = "two" });
            await AwaitingLevelAsync(tenant.Owner.Client, decidedLater, 1);
            await AwaitingLevelAsync(tenant.Owner.Client, timesOut, 1);
            await (await DecideAsync(u2.Client, decidedLater, "approve")).AssertProblemAsync(HttpStatusCode.Forbidden, "NOT_AN_APPROVER");

            // Level 1 runs out while no host is up: only the durable timer remembers it.
            await cluster.StopAsync(node);
            cluster.Clock.Advance(TimeSpan.FromMinutes(11));
            node = await cluster.StartNodeAsync();
            using var owner = await SignInAsync(node, tenant.Owner.Email);
            using var first = await SignInAsync(node, u1.Email);
            using var second = await SignInAsync(node, u2.Email);
            using var agentAfter = node.CreateApiKeyClient(agentKey);

            await PollAsync(async () => (await GetAsync(owner, decidedLater)).GetProperty("level").GetInt32() == 2
                && (await GetAsync(owner, timesOut)).GetProperty("level").GetInt32() == 2, () => "both requests to reach level 2", cluster.Clock);
            var atLevel2 = await GetAsync(owner, decidedLater);
            Assert.Equal("pending", atLevel2.GetProperty("status").GetString());
            Assert.Equal([$"user:{u2.Id}"], atLevel2.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));

            await (await DecideAsync(first, decidedLater, "approve")).AssertProblemAsync(HttpStatusCode.Forbidden, "NOT_AN_APPROVER");
            var vote = (await (await DecideAsync(second, decidedLater, "approve", "level 2 says yes")).AssertSuccessAsync()).GetProperty("data");
            Assert.True(vote.GetProperty("final").GetBoolean());
            Assert.Equal("approved", vote.GetProperty("request").GetProperty("status").GetString());
            Assert.Equal(u2.Id.ToString(), vote.GetProperty("request").GetProperty("decidedBy").GetString());
            var instanceId = vote.GetProperty("request").GetProperty("workflowInstanceId").GetGuid();
            await cluster.TickUntilStatusAsync(instanceId, AgentFlow.Workflows.Persistence.InstanceStatus.Finished);
            var runs = await CallAsync(agentAfter, new { to = "a@example.com", subject = "one" }, decidedLater);
            Assert.True(runs.GetProperty("allowed").GetBoolean(), runs.GetRawText());

            IReadOnlyList<JsonElement> escalated = [];
            await PollAsync(async () =>
            {
                escalated = await EventsAsync(owner, agentId, "approval_escalated");
                return escalated.Count >= 2;
            }, () => $"two approval_escalated events (got {escalated.Count})");
            Assert.Contains(escalated, e => e.GetProperty("data").GetProperty("approvalId").GetGuid() == decidedLater
                && e.GetProperty("data").GetProperty("level").GetInt32() == 2);

            // Level 2 runs out too: the default action (deny) closes the other request.
            await AwaitingLevelAsync(owner, timesOut, 2);
            cluster.Clock.Advance(TimeSpan.FromMinutes(31));
            JsonElement closed = default;
            await PollAsync(async () =>
            {
                closed = await GetAsync(owner, timesOut);
                return closed.GetProperty("status").GetString() != "pending";
            }, () => "the level-2 timeout to close the request", cluster.Clock);
            Assert.Equal("expired", closed.GetProperty("status").GetString());
            Assert.Equal("system", closed.GetProperty("decidedBy").GetString());
            Assert.Equal("approved", (await GetAsync(owner, decidedLater)).GetProperty("status").GetString());
            var refused = await CallAsync(agentAfter, new { to = "b@example.com", subject = "two" }, timesOut);
            Assert.False(refused.GetProperty("allowed").GetBoolean());
        }
    }

    [Fact]
    public async Task Timeout_EscalateAdmin_AddsAnAdminLevelThenDenies()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        var tenant = await node.CreateTenantAsync();
        var named = await tenant.AddUserAsync(UserRole.Member);
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Then the admins",
            triggers = new { toolIds = new[] { SendTool } },
            approvers = new { userIds = new[] { named.Id } },
            timeout = new { minutes = 5, defaultAction = "escalate_admin" },
        });
        var agentId = await CreateAgentAsync(tenant);
        using var agent = await AgentClientAsync(node, tenant, agentId);
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });
        await AwaitingLevelAsync(tenant.Owner.Client, approvalId, 1);
        await (await DecideAsync(tenant.Owner.Client, approvalId, "approve")).AssertProblemAsync(HttpStatusCode.Forbidden, "NOT_AN_APPROVER");

        cluster.Clock.Advance(TimeSpan.FromMinutes(6));
        await PollAsync(async () => (await GetAsync(tenant.Owner.Client, approvalId)).GetProperty("level").GetInt32() == 2,
            () => "the request to reach the admins' level", cluster.Clock);
        var atAdmins = await GetAsync(tenant.Owner.Client, approvalId);
        await (await DecideAsync(named.Client, approvalId, "approve")).AssertProblemAsync(HttpStatusCode.Forbidden, "NOT_AN_APPROVER");
        await AwaitingLevelAsync(tenant.Owner.Client, approvalId, 2);
        cluster.Clock.Advance(TimeSpan.FromMinutes(6));
        JsonElement closed = default;
        await PollAsync(async () =>
        {
            closed = await GetAsync(tenant.Owner.Client, approvalId);
            return closed.GetProperty("status").GetString() != "pending";
        }, () => "the admins' level to run out", cluster.Clock);

        Assert.Equal(2, atAdmins.GetProperty("levels").GetInt32());
        Assert.Contains("role:admin", atAdmins.GetProperty("approvers").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("expired", closed.GetProperty("status").GetString());
        Assert.Equal("system", closed.GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task Timeout_DefaultDeny_ExpiresAndResubmittedCallIsRefused()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        var tenant = await node.CreateTenantAsync();
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Deny on timeout",
            triggers = new { toolIds = new[] { SendTool } },
            timeout = new { minutes = 5, defaultAction = "deny" },
        });
        var agentId = await CreateAgentAsync(tenant);
        using var agent = await AgentClientAsync(node, tenant, agentId);
        var arguments = new { to = "a@example.com", subject = "late" };
        var approvalId = await RequestAsync(agent, arguments);
        await AwaitingLevelAsync(tenant.Owner.Client, approvalId, 1);

        cluster.Clock.Advance(TimeSpan.FromMinutes(6));
        JsonElement request = default;
        await PollAsync(async () =>
        {
            request = await GetAsync(tenant.Owner.Client, approvalId);
            return request.GetProperty("status").GetString() != "pending";
        }, () => "the timeout to close the request", cluster.Clock);

        Assert.Equal("expired", request.GetProperty("status").GetString());
        Assert.Equal("system", request.GetProperty("decidedBy").GetString());
        var resubmitted = await CallAsync(agent, arguments, approvalId);
        Assert.False(resubmitted.GetProperty("allowed").GetBoolean());
        Assert.Contains("expired", resubmitted.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timeout_DefaultAllow_ApprovedBySystemAndCallRunsOnce()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        var tenant = await node.CreateTenantAsync();
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Allow on timeout",
            triggers = new { toolIds = new[] { SendTool } },
            timeout = new { minutes = 5, defaultAction = "allow" },
        });
        var agentId = await CreateAgentAsync(tenant);
        using var agent = await AgentClientAsync(node, tenant, agentId);
        var arguments = new { to = "a@example.com", subject = "late" };
        var approvalId = await RequestAsync(agent, arguments);
        await AwaitingLevelAsync(tenant.Owner.Client, approvalId, 1);

        cluster.Clock.Advance(TimeSpan.FromMinutes(6));
        JsonElement request = default;
        await PollAsync(async () =>
        {
            request = await GetAsync(tenant.Owner.Client, approvalId);
            return request.GetProperty("status").GetString() != "pending";
        }, () => "the timeout to close the request", cluster.Clock);

        Assert.Equal("approved", request.GetProperty("status").GetString());
        Assert.Equal("system", request.GetProperty("decidedBy").GetString());
        Assert.Equal("Auto-approved: approval timeout expired", request.GetProperty("decisionReason").GetString());
        Assert.Empty(request.GetProperty("votes").EnumerateArray());
        var runs = await CallAsync(agent, arguments, approvalId);
        Assert.True(runs.GetProperty("allowed").GetBoolean(), runs.GetRawText());
        var again = await CallAsync(agent, arguments, approvalId);
        Assert.False(again.GetProperty("allowed").GetBoolean());
        Assert.Contains("already been used", again.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Decide_AfterTheLevelExpired_Is409ApprovalExpired()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        // Timers are queued by the poller only: with a ten-minute poll interval nothing closes the request during the
        // test, so the vote meets a pending request whose time has run out (the window before the timer fires).
        var node = await cluster.StartNodeAsync(settings: new Dictionary<string, string?> { [AcceptanceSupport.RuntimeSetting("TimerPollInterval")] = "00:10:00" });
        var tenant = await node.CreateTenantAsync();
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "One hour",
            triggers = new { toolIds = new[] { SendTool } },
            timeout = new { minutes = 60, defaultAction = "deny" },
        });
        var agentId = await CreateAgentAsync(tenant);
        using var agent = await AgentClientAsync(node, tenant, agentId);
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });
        await AwaitingLevelAsync(tenant.Owner.Client, approvalId, 1);

        cluster.Clock.Advance(TimeSpan.FromMinutes(61));
        var response = await DecideAsync(tenant.Owner.Client, approvalId, "approve");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "APPROVAL_EXPIRED");
        var request = await GetAsync(tenant.Owner.Client, approvalId);
        Assert.Equal("pending", request.GetProperty("status").GetString());
        Assert.Empty(request.GetProperty("votes").EnumerateArray());
    }
}

public sealed class SqliteApprovalTimeoutTests() : ApprovalTimeoutTests(DatabaseProvider.Sqlite);

public sealed class PostgresApprovalTimeoutTests() : ApprovalTimeoutTests(DatabaseProvider.Postgres);
