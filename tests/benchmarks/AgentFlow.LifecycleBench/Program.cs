using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentFlow.LoadTests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentFlow.LifecycleBench;

/// <summary>
/// Approvals and deployments on the real Host in this process (Kestrel on loopback, SQLite):
/// (a) approval round trip: the agent's call is answered "requires approval", the agent waits on
///     <c>/approvals/{id}/wait</c>, a person approves; measured from the call to the agent unblocked, and from the
///     decision to the agent unblocked;
/// (b) escalation timer lateness: requests whose level times out after one minute; the escalation event's time minus
///     the level's expiry;
/// (c) local deploy time: <c>POST …/deploy</c> to the agent <c>running</c> (a real agent process that answers /health).
/// </summary>
/// <remarks>An explicit Main, not top-level statements: the Host this program links has its own global <c>Program</c>.</remarks>
internal static class LifecycleBenchProgram
{
    private const string AdminEmail = "bench-admin@example.com";
    private const string AdminPassword = "bench-password-1234";
    private static readonly string[] WebSearch = ["web_search"];
    private static readonly string[] Owner = ["owner"];
    private static readonly string[] Admin = ["admin"];
    private static readonly string[] ReadScope = ["read"];

    public static Task<int> Main(string[] args)
    {
        var approvals = new Option<int>("--approvals") { Description = "Approval round trips.", DefaultValueFactory = _ => 100 };
        var escalations = new Option<int>("--escalations") { Description = "Requests escalated by their one-minute timer.", DefaultValueFactory = _ => 20 };
        var deploys = new Option<int>("--deploys") { Description = "Local deployments.", DefaultValueFactory = _ => 5 };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the results as markdown to this file." };
        var root = new RootCommand("AgentFlow approvals and deployment benchmark.") { approvals, escalations, deploys, markdown };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var report = await RunAsync(parse.GetValue(approvals), parse.GetValue(escalations), parse.GetValue(deploys), cancellationToken);
            Console.WriteLine();
            Console.WriteLine(report);
            if (parse.GetValue(markdown) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, report, cancellationToken);
            }

            return 0;
        });
        return root.Parse(args).InvokeAsync();
    }

    private static async Task<string> RunAsync(int approvals, int escalations, int deploys, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "agentflow-lifecyclebench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await using var factory = new BenchHost(data);
        factory.UseKestrel(0);
        factory.StartServer();
        using var admin = factory.CreateClient();
        var token = (await (await admin.PostAsJsonAsync("/auth/login", new { email = AdminEmail, password = AdminPassword }, cancellationToken))
            .Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var deployed = new List<Guid>();
        try
        {
            var (total, afterDecision) = await ApprovalRoundTripsAsync(factory, admin, approvals, cancellationToken);
            var lateness = await EscalationLatenessAsync(factory, admin, escalations, cancellationToken);
            var deployTimes = await DeploysAsync(admin, deploys, deployed, cancellationToken);
            return Report(approvals, total, afterDecision, escalations, lateness, deploys, deployTimes);
        }
        finally
        {
            foreach (var agentId in deployed)
            {
                await admin.DeleteAsync($"/api/engine/agents/{agentId}", CancellationToken.None);
            }
        }
    }

    private static async Task<(LatencySummary Total, LatencySummary AfterDecision)> ApprovalRoundTripsAsync(
        BenchHost factory, HttpClient admin, int count, CancellationToken cancellationToken)
    {
        // Customer Support needs approval for sends; its rate limits are raised so the benchmark measures the path.
        var agentId = await CreateAgentAsync(admin, "customer-support", cancellationToken);
        (await admin.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new
        {
            preset = "customer-support",
            rateLimits = new { toolCallsPerMinute = 1_000_000, toolCallsPerHour = 10_000_000, toolCallsPerDay = 100_000_000, externalActionsPerHour = 10_000_000 },
        }, cancellationToken)).EnsureSuccessStatusCode();
        using var agent = await AgentClientAsync(factory, admin, agentId, cancellationToken);
        var total = new List<long>();
        var afterDecision = new List<long>();
        for (var i = -5; i < count; i++)
        {
            var clock = Stopwatch.StartNew();
            var arguments = new { to = $"customer{i}@example.com", subject = "Order" };
            var decision = await (await agent.PostAsJsonAsync("/api/engine/runtime/tool-calls", new { toolId = "agenticmail_send", arguments }, cancellationToken))
                .Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var approvalId = decision.GetProperty("data").GetProperty("approvalId").GetGuid();
            var waiting = agent.GetAsync($"/api/engine/approvals/{approvalId}/wait?timeout=30", cancellationToken);
            await Task.Delay(5, cancellationToken);
            var decided = Stopwatch.GetTimestamp();
            (await admin.PostAsJsonAsync($"/api/engine/approvals/{approvalId}/decide", new { action = "approve" }, cancellationToken)).EnsureSuccessStatusCode();
            var answer = await (await waiting).Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var unblocked = Stopwatch.GetTimestamp();
            if (answer.GetProperty("data").GetProperty("status").GetString() != "approved")
            {
                throw new InvalidOperationException("The wait did not return the approval.");
            }

            var again = await (await agent.PostAsJsonAsync("/api/engine/runtime/tool-calls", new { toolId = "agenticmail_send", arguments, approvalId }, cancellationToken))
                .Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            if (!again.GetProperty("data").GetProperty("allowed").GetBoolean())
            {
                throw new InvalidOperationException("The approved call was refused: " + again.GetRawText());
            }

            var callId = again.GetProperty("data").GetProperty("toolCallId").GetGuid();
            (await agent.PostAsJsonAsync($"/api/engine/runtime/tool-calls/{callId}/complete", new { result = "sent" }, cancellationToken)).EnsureSuccessStatusCode();

            if (i >= 0)
            {
                total.Add(clock.ElapsedTicks - (Stopwatch.Frequency * 5 / 1000));
                afterDecision.Add(unblocked - decided);
            }
        }

        Console.WriteLine($"approval round trips: {count}");
        return (LatencySummary.FromTicks([.. total]), LatencySummary.FromTicks([.. afterDecision]));
    }

    private static async Task<LatencySummary> EscalationLatenessAsync(BenchHost factory, HttpClient admin, int count, CancellationToken cancellationToken)
    {
        (await admin.PostAsJsonAsync("/api/engine/approvals/policies", new
        {
            name = "Bench escalation",
            triggers = new { toolIds = WebSearch },
            approvers = new { roles = Owner },
            timeout = new { minutes = 1, defaultAction = "deny" },
            escalation = new { levels = new[] { new { approvers = new { roles = Admin }, timeoutMinutes = 5 } } },
        }, cancellationToken)).EnsureSuccessStatusCode();
        var agentId = await CreateAgentAsync(admin, "full-access", cancellationToken);
        using var agent = await AgentClientAsync(factory, admin, agentId, cancellationToken);
        var expiries = new Dictionary<Guid, DateTimeOffset>();
        for (var i = 0; i < count; i++)
        {
            var decision = await (await agent.PostAsJsonAsync("/api/engine/runtime/tool-calls", new { toolId = "web_search", arguments = new { q = i } }, cancellationToken))
                .Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var id = decision.GetProperty("data").GetProperty("approvalId").GetGuid();
            var request = await admin.GetFromJsonAsync<JsonElement>($"/api/engine/approvals/{id}", cancellationToken);
            expiries[id] = request.GetProperty("data").GetProperty("expiresAt").GetDateTimeOffset();
        }

        Console.WriteLine($"escalation: {count} requests waiting for their one-minute level to run out…");
        var lateness = new List<long>();
        var waited = Stopwatch.StartNew();
        while (lateness.Count < count && waited.Elapsed < TimeSpan.FromMinutes(3))
        {
            await Task.Delay(1000, cancellationToken);
            var events = await admin.GetFromJsonAsync<JsonElement>($"/api/engine/activity/events?agentId={agentId}&type=approval_escalated&limit=500", cancellationToken);
            lateness.Clear();
            foreach (var e in events.GetProperty("data").EnumerateArray())
            {
                var id = e.GetProperty("data").GetProperty("approvalId").GetGuid();
                var at = e.GetProperty("timestamp").GetDateTimeOffset();
                lateness.Add((long)((at - expiries[id]).TotalMilliseconds * Stopwatch.Frequency / 1000));
            }
        }

        return LatencySummary.FromTicks([.. lateness]);
    }

    private static async Task<LatencySummary> DeploysAsync(HttpClient admin, int count, List<Guid> deployed, CancellationToken cancellationToken)
    {
        var times = new List<long>();
        for (var i = 0; i < count; i++)
        {
            var agentId = await CreateAgentAsync(admin, "customer-support", cancellationToken, target: "local");
            deployed.Add(agentId);
            var clock = Stopwatch.StartNew();
            (await admin.PostAsJsonAsync($"/api/engine/agents/{agentId}/deploy", new { reason = "benchmark" }, cancellationToken)).EnsureSuccessStatusCode();
            while (true)
            {
                var agent = await admin.GetFromJsonAsync<JsonElement>($"/api/engine/agents/{agentId}", cancellationToken);
                var state = agent.GetProperty("data").GetProperty("state").GetString();
                if (state == "running")
                {
                    break;
                }

                if (state == "error" || clock.Elapsed > TimeSpan.FromSeconds(120))
                {
                    throw new InvalidOperationException($"Deployment ended in {state}.");
                }

                await Task.Delay(10, cancellationToken);
            }

            times.Add(clock.ElapsedTicks);
            Console.WriteLine($"deploy {i + 1}: {clock.ElapsedMilliseconds} ms");
        }

        return LatencySummary.FromTicks([.. times]);
    }

    private static async Task<Guid> CreateAgentAsync(HttpClient admin, string preset, CancellationToken cancellationToken, string target = "local")
    {
        var created = await (await admin.PostAsJsonAsync("/api/engine/agents", new
        {
            config = new
            {
                name = $"bench-{Guid.NewGuid():N}"[..20],
                displayName = "Bench",
                identity = new { role = "assistant" },
                model = new { provider = "anthropic", modelId = "m" },
                deployment = new { target },
                permissionProfileId = preset,
            },
        }, cancellationToken)).Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var agentId = created.GetProperty("data").GetProperty("id").GetGuid();
        (await admin.PostAsJsonAsync($"/api/engine/profiles/{agentId}/apply-preset", new { presetName = preset }, cancellationToken)).EnsureSuccessStatusCode();
        (await admin.PatchAsJsonAsync($"/api/engine/agents/{agentId}/config", new { updates = new { permissionProfileId = preset } }, cancellationToken)).EnsureSuccessStatusCode();
        return agentId;
    }

    private static async Task<HttpClient> AgentClientAsync(BenchHost factory, HttpClient admin, Guid agentId, CancellationToken cancellationToken)
    {
        var key = await (await admin.PostAsJsonAsync("/api/api-keys", new { name = "bench", scopes = ReadScope, agentId }, cancellationToken))
            .Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add("X-API-Key", key.GetProperty("data").GetProperty("plaintext").GetString());
        return client;
    }

    private static string Report(int approvals, LatencySummary total, LatencySummary afterDecision, int escalations, LatencySummary lateness, int deploys, LatencySummary deployTimes)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        s.AppendLine("| Measure | n | p50 ms | p99 ms | max ms |");
        s.AppendLine("| --- | ---: | ---: | ---: | ---: |");
        s.AppendLine(c, $"| approval round trip: call → request → decision → agent unblocked → approved call admitted and completed | {approvals} | {total.P50:F1} | {total.P99:F1} | {total.Max:F1} |");
        s.AppendLine(c, $"| decision sent → waiting agent unblocked | {approvals} | {afterDecision.P50:F1} | {afterDecision.P99:F1} | {afterDecision.Max:F1} |");
        s.AppendLine(c, $"| escalation timer lateness (level expiry → escalated) | {escalations} | {lateness.P50:F0} | {lateness.P99:F0} | {lateness.Max:F0} |");
        s.AppendLine(c, $"| local deploy: request → running (a real agent process) | {deploys} | {deployTimes.P50:F0} | {deployTimes.P99:F0} | {deployTimes.Max:F0} |");
        return s.ToString();
    }

    private sealed class BenchHost(string dataDirectory) : WebApplicationFactory<global::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("AgentFlow:Database:Provider", "Sqlite");
            builder.UseSetting("ConnectionStrings:AgentFlow", $"Data Source={Path.Combine(dataDirectory, "agentflow.db")}");
            builder.UseSetting("AgentFlow:DataDirectory", dataDirectory);
            builder.UseSetting("AgentFlow:Plugins:Directory", Path.Combine(AppContext.BaseDirectory, "plugins"));
            builder.UseSetting("AgentFlow:Plugins:Watch", "false");
            builder.UseSetting("AgentFlow:Bootstrap:AdminEmail", AdminEmail);
            builder.UseSetting("AgentFlow:Bootstrap:AdminPassword", AdminPassword);
            builder.UseSetting("AgentFlow:Bootstrap:CompanyName", "Benchmark Co");
            builder.UseSetting("AgentFlow:RateLimit:PermitsPerMinute", "1000000");
            builder.UseSetting("AgentFlow:RateLimit:AuthPermitsPerMinute", "1000000");
            builder.UseSetting("AgentFlow:RateLimit:PerOrganization", "false");
            builder.UseSetting("AgentFlow:Retention:Enabled", "false");
            builder.UseSetting("AgentFlow:Workflows:SeedDirectory", Path.Combine(dataDirectory, "no-seed-workflows"));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}
