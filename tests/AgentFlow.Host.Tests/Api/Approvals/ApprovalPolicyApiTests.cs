using System.Net;
using System.Net.Http.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;

namespace AgentFlow.Host.Tests.Api.Approvals;

/// <summary>The policy routes: list order, validation naming the field, conflicts, deletion, roles, and organisation isolation.</summary>
public abstract class ApprovalPolicyApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private static readonly string[] SendTools = [SendTool];
    private static readonly string[] SendsEmail = ["sends-email"];

    [Fact]
    public async Task List_ReturnsCreatedPolicies_InCreationOrder()
    {
        var tenant = await host.CreateTenantAsync();
        string[] names = ["Zulu first", "Alpha second", "Mike third"];
        foreach (var name in names)
        {
            await CreatePolicyAsync(tenant.Owner.Client, new { name, triggers = new { toolIds = SendTools } });
        }

        var body = await (await tenant.Owner.Client.GetAsync(Policies)).AssertSuccessAsync();

        Assert.Equal(names, body.GetProperty("data").EnumerateArray().Select(p => p.GetProperty("name").GetString()));
        Assert.Equal(3, body.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("riskLevel", "triggers.riskLevels[0]")]
    [InlineData("sideEffect", "triggers.sideEffects[0]")]
    [InlineData("toolIds", "triggers.toolIds[0]")]
    [InlineData("requireMultiple", "approvers.requireMultiple")]
    [InlineData("channel", "notify.channels")]
    [InlineData("escalationApprovers", "escalation.levels[0].approvers")]
    [InlineData("escalationQuorum", "escalation.levels[0].approvers")]
    public async Task Create_Invalid_Is400NamingTheField(string problem, string field)
    {
        var tenant = await host.CreateTenantAsync();
        var triggers = new { toolIds = SendTools };
        object body = problem switch
        {
            "riskLevel" => new { name = "p", triggers = new { riskLevels = new[] { "extreme" } } },
            "sideEffect" => new { name = "p", triggers = new { sideEffects = new[] { "launches-rockets" } } },
            "toolIds" => new { name = "p", triggers = new { toolIds = new[] { "no_such_tool_*" } } },
            "requireMultiple" => new { name = "p", triggers, approvers = new { userIds = new[] { tenant.Owner.Id }, requireMultiple = 2 } },
            "channel" => new { name = "p", triggers, notify = new { channels = new[] { "slack" } } },
            "escalationApprovers" => new { name = "p", triggers, escalation = new { levels = new[] { new { timeoutMinutes = 10 } } } },
            "escalationQuorum" => new
            {
                name = "p", triggers, approvers = new { roles = new[] { "admin" }, requireMultiple = 2 },
                escalation = new { levels = new[] { new { approvers = new { userIds = new[] { tenant.Owner.Id } }, timeoutMinutes = 10 } } },
            },
            _ => throw new ArgumentOutOfRangeException(nameof(problem)),
        };

        var response = await tenant.Owner.Client.PostAsJsonAsync(Policies, body);

        await response.AssertValidationErrorForAsync(field);
        var list = await (await tenant.Owner.Client.GetAsync(Policies)).AssertSuccessAsync();
        Assert.Empty(list.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Create_DuplicateName_Is409()
    {
        var tenant = await host.CreateTenantAsync();
        await CreatePolicyAsync(tenant.Owner.Client, new { name = "Mail", triggers = new { toolIds = SendTools } });

        var response = await tenant.Owner.Client.PostAsJsonAsync(Policies, new { name = "Mail", triggers = new { sideEffects = SendsEmail } });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task Delete_Is204_ThenSecondDeleteIs404()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreatePolicyAsync(tenant.Owner.Client, new { name = "Mail", triggers = new { toolIds = SendTools } });

        var first = await tenant.Owner.Client.DeleteAsync($"{Policies}/{id}");
        var second = await tenant.Owner.Client.DeleteAsync($"{Policies}/{id}");

        await first.AssertSuccessAsync(HttpStatusCode.NoContent);
        await second.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var list = await (await tenant.Owner.Client.GetAsync(Policies)).AssertSuccessAsync();
        Assert.Empty(list.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Create_ByViewer_Is403()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var response = await viewer.Client.PostAsJsonAsync(Policies, new { name = "Mail", triggers = new { toolIds = SendTools } });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        var list = await (await tenant.Owner.Client.GetAsync(Policies)).AssertSuccessAsync();
        Assert.Empty(list.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task OtherOrganisation_CannotSeeDecideWaitOrDelete_Is404()
    {
        var a = await host.CreateTenantAsync();
        var b = await host.CreateTenantAsync();
        var policyId = await CreatePolicyAsync(a.Owner.Client, new { name = "Mail", triggers = new { toolIds = SendTools } });
        using var agent = await AgentClientAsync(host, a, await CreateAgentAsync(a));
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });

        var read = await b.Owner.Client.GetAsync(Approval(approvalId));
        var decide = await DecideAsync(b.Owner.Client, approvalId, "approve");
        var wait = await b.Owner.Client.GetAsync($"{Approval(approvalId)}/wait?timeout=0");
        var delete = await b.Owner.Client.DeleteAsync($"{Policies}/{policyId}");
        var pendingB = await (await b.Owner.Client.GetAsync("/api/engine/approvals/pending")).AssertSuccessAsync();
        var policiesB = await (await b.Owner.Client.GetAsync(Policies)).AssertSuccessAsync();

        await read.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await decide.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await wait.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await delete.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Empty(pendingB.GetProperty("data").EnumerateArray());
        Assert.Empty(policiesB.GetProperty("data").EnumerateArray());
        var request = await GetAsync(a.Owner.Client, approvalId);
        Assert.Equal("pending", request.GetProperty("status").GetString());
        Assert.Empty(request.GetProperty("votes").EnumerateArray());
        Assert.Single((await (await a.Owner.Client.GetAsync(Policies)).AssertSuccessAsync()).GetProperty("data").EnumerateArray());
    }
}

public sealed class SqliteApprovalPolicyApiTests(SqliteHostFixture host) : ApprovalPolicyApiTests<SqliteHostFixture>(host);

public sealed class PostgresApprovalPolicyApiTests(PostgresHostFixture host) : ApprovalPolicyApiTests<PostgresHostFixture>(host);
