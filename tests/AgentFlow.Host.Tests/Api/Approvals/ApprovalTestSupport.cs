using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace AgentFlow.Host.Tests.Api.Approvals;

/// <summary>Agents, keys, tool calls and waits the approval tests share.</summary>
internal static class ApprovalTestSupport
{
    public const string ToolCalls = "/api/engine/runtime/tool-calls";
    public const string Policies = "/api/engine/approvals/policies";
    public const string SendTool = "agenticmail_send";
    private static readonly string[] ReadScope = ["read"];

    public static string Approval(Guid id) => $"/api/engine/approvals/{id}";

    /// <summary>An agent with the preset applied (customer-support asks approval for sending e-mail).</summary>
    public static async Task<Guid> CreateAgentAsync(TestTenant tenant, string preset = "customer-support")
    {
        var body = await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = $"agent-{Guid.NewGuid():N}"[..20] })).AssertSuccessAsync(HttpStatusCode.Created);
        var agentId = body.GetProperty("data").GetProperty("id").GetGuid();
        await (await tenant.Owner.Client.PostAsJsonAsync($"/api/engine/profiles/{agentId}/apply-preset", new { presetName = preset })).AssertSuccessAsync();
        return agentId;
    }

    /// <summary>The plaintext of a read-scoped key bound to the agent (what the agent's runtime hook uses).</summary>
    public static async Task<string> AgentKeyAsync(TestTenant tenant, Guid agentId)
    {
        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "hook", scopes = ReadScope, agentId });
        return (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("plaintext").GetString()!;
    }

    public static async Task<HttpClient> AgentClientAsync(AgentFlowHostFixture host, TestTenant tenant, Guid agentId) =>
        host.CreateApiKeyClient(await AgentKeyAsync(tenant, agentId));

    /// <summary>The hook's answer to a call (the <c>data</c> object).</summary>
    public static async Task<JsonElement> CallAsync(HttpClient agent, object arguments, Guid? approvalId = null, string toolId = SendTool)
    {
        var response = await agent.PostAsJsonAsync(ToolCalls, approvalId is null ? new { toolId, arguments } : (object)new { toolId, arguments, approvalId });
        return (await response.AssertSuccessAsync()).GetProperty("data");
    }

    /// <summary>Makes a call that must need approval; returns the request's id.</summary>
    public static async Task<Guid> RequestAsync(HttpClient agent, object arguments, string toolId = SendTool)
    {
        var decision = await CallAsync(agent, arguments, toolId: toolId);
        Assert.False(decision.GetProperty("allowed").GetBoolean(), decision.GetRawText());
        Assert.True(decision.GetProperty("requiresApproval").GetBoolean(), decision.GetRawText());
        return decision.GetProperty("approvalId").GetGuid();
    }

    public static async Task<Guid> CreatePolicyAsync(HttpClient admin, object body)
    {
        var created = await (await admin.PostAsJsonAsync(Policies, body)).AssertSuccessAsync(HttpStatusCode.Created);
        return created.GetProperty("data").GetProperty("id").GetGuid();
    }

    public static async Task<JsonElement> GetAsync(HttpClient client, Guid approvalId) =>
        (await (await client.GetAsync(Approval(approvalId))).AssertSuccessAsync()).GetProperty("data");

    public static Task<HttpResponseMessage> DecideAsync(HttpClient client, Guid approvalId, string action, string? reason = null) =>
        client.PostAsJsonAsync($"{Approval(approvalId)}/decide", new { action, reason });

    /// <summary>
    /// Waits (real time) until the request's <c>tool-approval</c> instance is suspended on the timer of this level: the
    /// auto-approve step has run and the level's approvers are being waited for.
    /// </summary>
    public static async Task AwaitingLevelAsync(HttpClient member, Guid approvalId, int level, TimeSpan? timeout = null)
    {
        var key = $"approval-timeout:{approvalId:N}:{level}";
        string last = "nothing read";
        await PollAsync(async () =>
        {
            var request = await GetAsync(member, approvalId);
            if (request.GetProperty("workflowInstanceId").ValueKind != JsonValueKind.String)
            {
                last = "no workflow instance yet";
                return false;
            }

            var instanceId = request.GetProperty("workflowInstanceId").GetGuid();
            var detail = (await (await member.GetAsync($"/api/workflows/instances/{instanceId}")).AssertSuccessAsync()).GetProperty("data");
            last = detail.GetRawText();
            if (detail.GetProperty("instance").GetProperty("status").GetString() is "finished" or "faulted" or "cancelled")
            {
                Assert.Fail($"Approval {approvalId} was expected to wait on {key}, but its workflow ended with the request {request.GetProperty("status").GetString()} (decided by {request.GetProperty("decidedBy")}): {last}");
            }

            return detail.GetProperty("instance").GetProperty("status").GetString() == "suspended"
                && detail.GetProperty("waits").EnumerateArray().Any(w => w.GetProperty("key").GetString() == key);
        }, () => $"approval {approvalId} to wait on {key} (last: {last})", timeout: timeout);
    }

    /// <summary>
    /// Polls a condition read through the API every quarter second (real time), so a slow wait stays well under the
    /// organisation's rate limit; when <paramref name="clock"/> is given it moves a second forward on every poll, for work
    /// the runtime re-queues "a little later" in clock time. Fails with the description when the condition never holds.
    /// </summary>
    public static async Task PollAsync(Func<Task<bool>> condition, Func<string> describe, FakeTimeProvider? clock = null, TimeSpan? timeout = null)
    {
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"Timed out waiting for {describe()}.");
            }

            clock?.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(250);
        }
    }

    /// <summary>Signs the user in on this host through <c>POST /auth/login</c> (after a restart the old clients point at a disposed host).</summary>
    public static async Task<HttpClient> SignInAsync(AgentFlowHostFixture host, string email)
    {
        var session = await host.LoginAsync(email);
        var client = host.CreateBareClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        return client;
    }

    /// <summary>The organisation's activity events of a type for the agent (newest first).</summary>
    public static async Task<IReadOnlyList<JsonElement>> EventsAsync(HttpClient member, Guid agentId, string type)
    {
        var body = await (await member.GetAsync($"/api/engine/activity/events?agentId={agentId}&type={type}&limit=500")).AssertSuccessAsync();
        return [.. body.GetProperty("data").EnumerateArray()];
    }
}
