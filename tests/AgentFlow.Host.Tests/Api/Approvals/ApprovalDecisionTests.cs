using System.Net;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;

namespace AgentFlow.Host.Tests.Api.Approvals;

/// <summary>Who may decide, the quorum of distinct approvers, final decisions, auto-approve rules, and the request lists.</summary>
public abstract class ApprovalDecisionTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private static readonly string[] AdminRole = ["admin"];
    private static readonly string[] SendTools = [SendTool];
    private static readonly string[] ExampleDomain = ["example.com"];
    private static readonly string[] Hundred = ["100"];
    private static readonly string[] MixedRecipients = ["a@example.com", "b@other.test"];

    [Fact]
    public async Task Decide_QuorumOfTwo_NeedsTwoDistinctAdmins()
    {
        var tenant = await host.CreateTenantAsync();
        var adminA = await tenant.AddUserAsync(UserRole.Admin);
        var adminB = await tenant.AddUserAsync(UserRole.Admin);
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Two admins",
            triggers = new { toolIds = SendTools },
            approvers = new { roles = AdminRole, requireMultiple = 2 },
            timeout = new { minutes = 60, defaultAction = "deny" },
        });
        using var agent = await AgentClientAsync(host, tenant, await CreateAgentAsync(tenant));
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });

        var firstVote = (await (await DecideAsync(adminA.Client, approvalId, "approve")).AssertSuccessAsync()).GetProperty("data");
        Assert.False(firstVote.GetProperty("final").GetBoolean());
        Assert.Equal(1, firstVote.GetProperty("approvals").GetInt32());
        Assert.Equal(2, firstVote.GetProperty("required").GetInt32());
        Assert.Equal("pending", firstVote.GetProperty("request").GetProperty("status").GetString());

        var twice = await DecideAsync(adminA.Client, approvalId, "approve");
        await twice.AssertProblemAsync(HttpStatusCode.Conflict, "ALREADY_VOTED");
        var stillPending = await GetAsync(tenant.Owner.Client, approvalId);
        Assert.Equal("pending", stillPending.GetProperty("status").GetString());
        Assert.Equal(1, stillPending.GetProperty("approvals").GetInt32());

        var secondVote = (await (await DecideAsync(adminB.Client, approvalId, "approve")).AssertSuccessAsync()).GetProperty("data");
        Assert.True(secondVote.GetProperty("final").GetBoolean());
        Assert.Equal(2, secondVote.GetProperty("approvals").GetInt32());
        Assert.Equal("approved", secondVote.GetProperty("request").GetProperty("status").GetString());
        Assert.Equal(adminB.Id.ToString(), secondVote.GetProperty("request").GetProperty("decidedBy").GetString());
    }

    [Fact]
    public async Task Decide_ByMember_WhenApproversAreAdmins_Is403()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Admins",
            triggers = new { toolIds = SendTools },
            approvers = new { roles = AdminRole },
        });
        using var agent = await AgentClientAsync(host, tenant, await CreateAgentAsync(tenant));
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });

        var response = await DecideAsync(member.Client, approvalId, "approve");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "NOT_AN_APPROVER");
        Assert.Empty((await GetAsync(tenant.Owner.Client, approvalId)).GetProperty("votes").EnumerateArray());
    }

    [Fact]
    public async Task Decide_ByUserNotNamed_Is403EvenForTheOwner()
    {
        var tenant = await host.CreateTenantAsync();
        var named = await tenant.AddUserAsync(UserRole.Member);
        var other = await tenant.AddUserAsync(UserRole.Member);
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Named",
            triggers = new { toolIds = SendTools },
            approvers = new { userIds = new[] { named.Id } },
        });
        using var agent = await AgentClientAsync(host, tenant, await CreateAgentAsync(tenant));
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });

        await (await DecideAsync(other.Client, approvalId, "approve")).AssertProblemAsync(HttpStatusCode.Forbidden, "NOT_AN_APPROVER");
        await (await DecideAsync(tenant.Owner.Client, approvalId, "approve")).AssertProblemAsync(HttpStatusCode.Forbidden, "NOT_AN_APPROVER");
        var byNamed = (await (await DecideAsync(named.Client, approvalId, "approve")).AssertSuccessAsync()).GetProperty("data");

        Assert.Equal("approved", byNamed.GetProperty("request").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Deny_IsFinal_LaterApproveIs409AlreadyDecided()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        using var agent = await AgentClientAsync(host, tenant, await CreateAgentAsync(tenant));
        var arguments = new { to = "a@example.com" };
        var approvalId = await RequestAsync(agent, arguments);

        var denied = (await (await DecideAsync(tenant.Owner.Client, approvalId, "deny", "no")).AssertSuccessAsync()).GetProperty("data");
        var late = await DecideAsync(admin.Client, approvalId, "approve");

        Assert.True(denied.GetProperty("final").GetBoolean());
        await late.AssertProblemAsync(HttpStatusCode.Conflict, "ALREADY_DECIDED");
        var request = await GetAsync(tenant.Owner.Client, approvalId);
        Assert.Equal("denied", request.GetProperty("status").GetString());
        Assert.Equal("no", request.GetProperty("decisionReason").GetString());
        var call = await CallAsync(agent, arguments, approvalId);
        Assert.False(call.GetProperty("allowed").GetBoolean());
        Assert.Contains("denied", call.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AutoApprove_DomainIn_ApprovesOnlyWhenEveryRecipientIsInside()
    {
        var tenant = await host.CreateTenantAsync();
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Internal mail",
            triggers = new { toolIds = SendTools },
            autoApprove = new[] { new { argument = "to", @operator = "domain_in", values = ExampleDomain } },
        });
        using var agent = await AgentClientAsync(host, tenant, await CreateAgentAsync(tenant));
        var inside = await RequestAsync(agent, new { to = "a@example.com", subject = "hi" });
        var outside = await RequestAsync(agent, new { to = "x@other.test", subject = "hi" });
        var mixed = await RequestAsync(agent, new { to = "a@example.com, b@other.test", subject = "hi" });
        var mixedArray = await RequestAsync(agent, new { to = MixedRecipients, subject = "hi" });

        var approved = (await (await agent.GetAsync($"{Approval(inside)}/wait?timeout=30")).AssertSuccessAsync()).GetProperty("data");
        await AwaitingLevelAsync(tenant.Owner.Client, outside, 1);
        await AwaitingLevelAsync(tenant.Owner.Client, mixed, 1);
        await AwaitingLevelAsync(tenant.Owner.Client, mixedArray, 1);

        Assert.Equal("approved", approved.GetProperty("status").GetString());
        Assert.Equal("system", approved.GetProperty("decidedBy").GetString());
        Assert.StartsWith("Auto-approved", approved.GetProperty("decisionReason").GetString(), StringComparison.Ordinal);
        Assert.Empty(approved.GetProperty("votes").EnumerateArray());
        Assert.Equal("pending", (await GetAsync(tenant.Owner.Client, outside)).GetProperty("status").GetString());
        Assert.Equal("pending", (await GetAsync(tenant.Owner.Client, mixed)).GetProperty("status").GetString());
        Assert.Equal("pending", (await GetAsync(tenant.Owner.Client, mixedArray)).GetProperty("status").GetString());
        var runs = await CallAsync(agent, new { to = "a@example.com", subject = "hi" }, inside);
        Assert.True(runs.GetProperty("allowed").GetBoolean(), runs.GetRawText());
    }

    [Fact]
    public async Task AutoApprove_LteOnAmount_ApprovesUpToTheLimit()
    {
        var tenant = await host.CreateTenantAsync();
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Small payments",
            triggers = new { toolIds = SendTools },
            autoApprove = new[] { new { argument = "payment.amount", @operator = "lte", values = Hundred } },
        });
        using var agent = await AgentClientAsync(host, tenant, await CreateAgentAsync(tenant));
        var atLimit = await RequestAsync(agent, new { to = "a@example.com", payment = new { amount = 100 } });
        var over = await RequestAsync(agent, new { to = "a@example.com", payment = new { amount = 100.5 } });

        var approved = (await (await agent.GetAsync($"{Approval(atLimit)}/wait?timeout=30")).AssertSuccessAsync()).GetProperty("data");
        await AwaitingLevelAsync(tenant.Owner.Client, over, 1);

        Assert.Equal("approved", approved.GetProperty("status").GetString());
        Assert.Equal("system", approved.GetProperty("decidedBy").GetString());
        Assert.Equal("pending", (await GetAsync(tenant.Owner.Client, over)).GetProperty("status").GetString());
    }

    [Fact]
    public async Task PendingAndHistory_FilterByAgent_WithPagingMeta()
    {
        var tenant = await host.CreateTenantAsync();
        var agent1 = await CreateAgentAsync(tenant);
        var agent2 = await CreateAgentAsync(tenant);
        using var client1 = await AgentClientAsync(host, tenant, agent1);
        using var client2 = await AgentClientAsync(host, tenant, agent2);
        var ids1 = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids1.Add(await RequestAsync(client1, new { to = $"n{i}@example.com" }));
        }

        await RequestAsync(client2, new { to = "other@example.com" });
        await (await DecideAsync(tenant.Owner.Client, ids1[0], "deny")).AssertSuccessAsync();

        var page1 = await (await tenant.Owner.Client.GetAsync($"/api/engine/approvals/pending?agentId={agent1}&limit=1&offset=0")).AssertSuccessAsync();
        var page2 = await (await tenant.Owner.Client.GetAsync($"/api/engine/approvals/pending?agentId={agent1}&limit=1&offset=1")).AssertSuccessAsync();
        var all = await (await tenant.Owner.Client.GetAsync("/api/engine/approvals/pending")).AssertSuccessAsync();
        var history = await (await tenant.Owner.Client.GetAsync($"/api/engine/approvals/history?agentId={agent1}")).AssertSuccessAsync();
        var history2 = await (await tenant.Owner.Client.GetAsync($"/api/engine/approvals/history?agentId={agent2}")).AssertSuccessAsync();

        Assert.Equal(2, page1.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal(1, page1.GetProperty("meta").GetProperty("limit").GetInt32());
        Assert.Equal(0, page1.GetProperty("meta").GetProperty("offset").GetInt32());
        Assert.Equal(1, page2.GetProperty("meta").GetProperty("offset").GetInt32());
        // Pending is oldest first: the two left, in the order they were asked.
        Assert.Equal(ids1[1], Assert.Single(page1.GetProperty("data").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(ids1[2], Assert.Single(page2.GetProperty("data").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.Equal(3, all.GetProperty("meta").GetProperty("total").GetInt32());
        var decided = Assert.Single(history.GetProperty("data").EnumerateArray());
        Assert.Equal(ids1[0], decided.GetProperty("id").GetGuid());
        Assert.Equal("denied", decided.GetProperty("status").GetString());
        Assert.Equal(0, history2.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task AgentKey_CannotDecide_AndWaitsOnlyOnItsOwnRequests()
    {
        var tenant = await host.CreateTenantAsync();
        using var client1 = await AgentClientAsync(host, tenant, await CreateAgentAsync(tenant));
        using var client2 = await AgentClientAsync(host, tenant, await CreateAgentAsync(tenant));
        var own = await RequestAsync(client1, new { to = "a@example.com" });
        var others = await RequestAsync(client2, new { to = "b@example.com" });

        var decide = await DecideAsync(client1, own, "approve");
        var waitOwn = await client1.GetAsync($"{Approval(own)}/wait?timeout=0");
        var waitOthers = await client1.GetAsync($"{Approval(others)}/wait?timeout=0");
        var getOthers = await client1.GetAsync(Approval(others));

        await decide.AssertProblemAsync(HttpStatusCode.Forbidden, "AGENT_CANNOT_DECIDE");
        Assert.Equal("pending", (await waitOwn.AssertSuccessAsync()).GetProperty("data").GetProperty("status").GetString());
        await waitOthers.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await getOthers.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty((await GetAsync(tenant.Owner.Client, own)).GetProperty("votes").EnumerateArray());
    }
}

public sealed class SqliteApprovalDecisionTests(SqliteHostFixture host) : ApprovalDecisionTests<SqliteHostFixture>(host);

public sealed class PostgresApprovalDecisionTests(PostgresHostFixture host) : ApprovalDecisionTests<PostgresHostFixture>(host);
