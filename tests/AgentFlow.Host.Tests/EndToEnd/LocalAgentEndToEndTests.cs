using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Host.Tests.Api.Engine;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.EndToEnd;

/// <summary>
/// A real agent: created with the Customer Support preset, deployed by the deploy-agent workflow onto the Local
/// target (a child process running src/AgentRuntime), asked to send an e-mail, which needs approval; approved through
/// the API; the call completes. Then the health-recovery workflow: a killed agent is restarted, a crash loop ends in
/// error. Real processes, real sockets, no mocks.
/// </summary>
public sealed class LocalAgentEndToEndTests(KestrelHostFixture host) : IClassFixture<KestrelHostFixture>, IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private static readonly string[] ExpectedOrder = ["deployment_phase", "approval_requested", "approval_decided"];
    private readonly List<(HttpClient Client, Guid AgentId)> _deployed = [];

    [Fact]
    public async Task CustomerSupportAgent_SendNeedsApproval_ApprovedThroughTheApi_CallCompletes()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        var agentId = await DeployAgentAsync(client);

        using var agent = await RuntimeClientAsync(client, agentId);
        var task = await (await agent.PostAsJsonAsync("tasks", new { toolId = "agenticmail_send", arguments = new { to = "customer@example.com", subject = "Order 42" } }))
            .AssertSuccessAsync(HttpStatusCode.Accepted);
        var taskId = task.GetProperty("data").GetProperty("id").GetString();

        var pending = await WaitForAsync(async () =>
        {
            var body = await (await client.GetAsync($"/api/engine/approvals/pending?agentId={agentId}")).AssertSuccessAsync();
            return body.GetProperty("data").GetArrayLength() == 1 ? body.GetProperty("data")[0] : (JsonElement?)null;
        });
        Assert.Equal("agenticmail_send", pending.GetProperty("toolId").GetString());
        Assert.Equal("customer@example.com", pending.GetProperty("parameters").GetProperty("to").GetString());
        await (await client.PostAsJsonAsync($"/api/engine/approvals/{pending.GetProperty("id").GetGuid()}/decide", new { action = "approve", reason = "ok to send" }))
            .AssertSuccessAsync();

        var done = await WaitForAsync(async () =>
        {
            var body = (await (await agent.GetAsync($"tasks/{taskId}")).AssertSuccessAsync()).GetProperty("data");
            return body.GetProperty("status").GetString() is "completed" or "failed" ? body : (JsonElement?)null;
        });
        Assert.True(done.GetProperty("status").GetString() == "completed", done.GetRawText());

        await host.Recorder().FlushAsync();
        var calls = (await (await client.GetAsync($"/api/engine/activity/tool-calls?agentId={agentId}&toolId=agenticmail_send")).AssertSuccessAsync()).GetProperty("data")
            .EnumerateArray().Select(c => c.GetProperty("status").GetString()).ToList();
        Assert.Contains("blocked", calls);
        Assert.Contains("succeeded", calls);

        var events = (await (await client.GetAsync($"/api/engine/activity/events?agentId={agentId}&limit=500")).AssertSuccessAsync()).GetProperty("data")
            .EnumerateArray().Reverse().Select(e => e.GetProperty("type").GetString()!).ToList();
        var order = ExpectedOrder.Select(t => events.IndexOf(t)).ToList();
        Assert.All(order, i => Assert.True(i >= 0, string.Join(",", events)));
        Assert.Equal(order.Order(), order);

        var audit = (await (await client.GetAsync("/api/audit?limit=200")).AssertSuccessAsync()).GetProperty("data").GetRawText();
        Assert.Contains("approval.decide", audit, StringComparison.Ordinal);
        Assert.Contains("agent.deploy", audit, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KilledAgent_IsRestartedByTheHealthWorkflow_AndACrashLoopEndsInError()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        var agentId = await DeployAgentAsync(client);
        var firstPid = await PidAsync(client, agentId);

        Process.GetProcessById(firstPid).Kill(entireProcessTree: true);

        var restartedPid = await WaitForAsync(async () =>
        {
            var deployment = await DeploymentAsync(client, agentId);
            var pid = int.Parse(deployment.GetProperty("state").GetProperty("pid").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
            return pid != firstPid && deployment.GetProperty("status").GetString() == "running" && await StateAsync(client, agentId) == "running" ? pid : (int?)null;
        });
        var history = (await (await client.GetAsync($"/api/engine/agents/{agentId}/history?limit=200")).AssertSuccessAsync()).GetRawText();
        Assert.Contains("health-monitor", history, StringComparison.Ordinal);

        // Kill it every time it comes back: after MaxRestarts (2) restarts the next failure streak is a crash loop.
        var killed = new HashSet<int> { firstPid };
        await WaitForAsync(async () =>
        {
            var deployment = await DeploymentAsync(client, agentId);
            if (deployment.GetProperty("state").TryGetProperty("pid", out var p)
                && int.Parse(p.GetString()!, System.Globalization.CultureInfo.InvariantCulture) is var pid && killed.Add(pid))
            {
                try
                {
                    Process.GetProcessById(pid).Kill(entireProcessTree: true);
                }
                catch (ArgumentException)
                {
                    // Already gone.
                }
            }

            return await StateAsync(client, agentId) == "error" ? true : (bool?)null;
        });
        Assert.Contains(restartedPid, killed);
        await host.Recorder().FlushAsync();
        var alerts = (await (await client.GetAsync($"/api/engine/activity/events?agentId={agentId}&type=agent_alert")).AssertSuccessAsync()).GetProperty("data");
        Assert.Contains("Crash loop", alerts[0].GetRawText(), StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (client, agentId) in _deployed)
        {
            // Destroy stops the process first: no agent outlives the test run.
            await client.DeleteAsync($"/api/engine/agents/{agentId}");
        }
    }

    private async Task<Guid> DeployAgentAsync(HttpClient client)
    {
        var name = $"support-{Guid.NewGuid():N}"[..20];
        var created = await (await client.PostAsJsonAsync("/api/engine/agents", new
        {
            config = new
            {
                name,
                displayName = "Support Bot",
                identity = new { role = "customer support" },
                model = new { provider = "anthropic", modelId = "claude-sonnet" },
                deployment = new { target = "local" },
                permissionProfileId = "customer-support",
            },
        })).AssertSuccessAsync(HttpStatusCode.Created);
        var agentId = created.GetProperty("data").GetProperty("id").GetGuid();
        await (await client.PostAsJsonAsync($"/api/engine/profiles/{agentId}/apply-preset", new { presetName = "customer-support" })).AssertSuccessAsync();
        // As in the reference, an agent is created as a draft; a configuration update that completes it makes it ready.
        await (await client.PatchAsJsonAsync($"/api/engine/agents/{agentId}/config", new { updates = new { permissionProfileId = "customer-support" } })).AssertSuccessAsync();
        _deployed.Add((client, agentId));

        var deploy = await client.PostAsJsonAsync($"/api/engine/agents/{agentId}/deploy", new { reason = "end-to-end test" });
        Assert.True(deploy.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK, await deploy.Content.ReadAsStringAsync());
        await WaitForAsync(async () => await StateAsync(client, agentId) is "running" ? true : (bool?)null, agentId, client);
        return agentId;
    }

    private static async Task<string?> StateAsync(HttpClient client, Guid agentId) =>
        (await (await client.GetAsync($"/api/engine/agents/{agentId}")).AssertSuccessAsync()).GetProperty("data").GetProperty("state").GetString();

    private static async Task<JsonElement> DeploymentAsync(HttpClient client, Guid agentId) =>
        (await (await client.GetAsync($"/api/engine/agents/{agentId}/deployment")).AssertSuccessAsync()).GetProperty("data");

    private static async Task<int> PidAsync(HttpClient client, Guid agentId) =>
        int.Parse((await DeploymentAsync(client, agentId)).GetProperty("state").GetProperty("pid").GetString()!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>
    /// A client for the agent's own control routes. They take the agent's key, which only the agent process holds:
    /// the test reads it from the process's environment (same user, Linux /proc).
    /// </summary>
    private static async Task<HttpClient> RuntimeClientAsync(HttpClient client, Guid agentId)
    {
        var deployment = await DeploymentAsync(client, agentId);
        var pid = deployment.GetProperty("state").GetProperty("pid").GetString();
        var environ = await File.ReadAllTextAsync($"/proc/{pid}/environ");
        var key = environ.Split('\0').Single(v => v.StartsWith("AGENTFLOW_AGENT_KEY=", StringComparison.Ordinal))["AGENTFLOW_AGENT_KEY=".Length..];
        var runtime = new HttpClient { BaseAddress = new Uri(deployment.GetProperty("endpoint").GetString()!.TrimEnd('/') + "/") };
        runtime.DefaultRequestHeaders.Add("X-API-Key", key);
        return runtime;
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe, Guid? agentId = null, HttpClient? client = null)
        where T : struct
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (clock.Elapsed > Patience)
            {
                var detail = agentId is { } id && client is not null
                    ? string.Join("\n", await (await client.GetAsync($"/api/engine/agents/{id}/history")).Content.ReadAsStringAsync(),
                        await (await client.GetAsync($"/api/engine/agents/{id}/deployment")).Content.ReadAsStringAsync(),
                        await (await client.GetAsync("/api/workflows/incidents")).Content.ReadAsStringAsync())
                    : "";
                Assert.Fail("Timed out waiting. " + detail);
            }

            await Task.Delay(200, TestContext.Current.CancellationToken);
        }
    }
}
