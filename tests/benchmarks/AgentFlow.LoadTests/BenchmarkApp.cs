using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentFlow.LoadTests;

/// <summary>For each database: a fresh database, the Host on it, seeding, every scenario; then the report.</summary>
internal static class BenchmarkApp
{
    private const int SeedParallelism = 4;

    public static async Task<int> RunAsync(BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        if (!string.Equals(BenchmarkSettings.Configuration, "Release", StringComparison.OrdinalIgnoreCase))
        {
            Say($"warning: this is a {BenchmarkSettings.Configuration} build and so is the Host it found; run with -c Release for meaningful numbers.");
        }

        Say($"Host: {settings.HostDll}");
        Say($"{settings.Concurrency} concurrent clients, warm-up {settings.Warmup.TotalSeconds:0.#} s, then " +
            (settings.Requests is { } n ? $"{n} requests" : $"{settings.Duration.TotalSeconds:0.#} s") + " per scenario.");
        var results = new List<ScenarioResult>();
        try
        {
            foreach (var database in settings.Databases)
            {
                results.AddRange(await RunDatabaseAsync(database, settings, cancellationToken));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Say("Cancelled; the Host was stopped and the benchmark database removed.");
            return 130;
        }
        catch (Exception exception) when (exception is InvalidOperationException or TimeoutException or HttpRequestException or Npgsql.NpgsqlException)
        {
            await Console.Error.WriteLineAsync($"error: {exception.Message}");
            return 1;
        }

        Console.WriteLine();
        Console.WriteLine(Report.Table(results));
        if (settings.Markdown is { } markdown)
        {
            await File.WriteAllTextAsync(markdown.FullName, Report.Markdown(results, settings), cancellationToken);
            Say($"Markdown written to {markdown.FullName}");
        }

        return results.Any(r => r.Errors > 0) ? 3 : 0;
    }

    private static async Task<IReadOnlyList<ScenarioResult>> RunDatabaseAsync(DatabaseKind kind, BenchmarkSettings settings, CancellationToken cancellationToken)
    {
        var label = kind == DatabaseKind.Postgres ? "PostgreSQL" : "SQLite";
        var workDirectory = Path.Combine(Path.GetTempPath(), "agentflow-bench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workDirectory);
        try
        {
            await using var database = await BenchmarkDatabase.CreateAsync(kind, workDirectory, settings.PostgresServer, cancellationToken);
            Say($"[{label}] starting the Host on {database.Description}…");
            var started = Stopwatch.GetTimestamp();
            await using var host = HostProcess.Start(settings.HostDll, database, Path.Combine(workDirectory, "data"));
            using var setup = WorkerClients.NewClient(host.BaseAddress);
            await host.WaitUntilReadyAsync(setup, TimeSpan.FromSeconds(90), cancellationToken);
            Say($"[{label}] ready in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s at {host.BaseAddress} (pid {host.ProcessId})");

            var token = await LoginAsync(setup, cancellationToken);
            setup.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            if (settings.Scenarios.Contains(Scenarios.ListAgents))
            {
                await SeedAgentsAsync(label, setup, settings.Agents, cancellationToken);
                await CheckListAsync(setup, settings.Agents, settings.Limit, cancellationToken);
            }

            Guid? checkedAgent = settings.Scenarios.Contains(Scenarios.PermissionCheck) ? await PrepareProfileAsync(setup, cancellationToken) : null;
            var agentKey = settings.Scenarios.Contains(Scenarios.Hook) ? await PrepareHookAgentAsync(setup, cancellationToken) : null;
            await database.SettleAsync(cancellationToken);
            using var workers = WorkerClients.Create(settings.Concurrency, host.BaseAddress);
            Say($"[{label}] {settings.Concurrency} clients, {workers.Description}");
            var results = new List<ScenarioResult>();
            foreach (var name in settings.Scenarios)
            {
                var scenario = Scenarios.Create(name, token, settings.Limit, checkedAgent, agentKey);
                Say($"[{label}] running {scenario.Name}: {scenario.Description}…");
                var result = await ScenarioRunner.RunAsync(label, scenario, settings, host, workers.Clients, cancellationToken);
                Say($"[{label}]   {result.Count} requests, {result.Throughput:0.0} req/s, p50 {result.Latency.P50:0.00} ms, p99 {result.Latency.P99:0.00} ms, " +
                    $"{result.Errors} errors" + (result.FirstError is { } error ? $" (first: {error})" : ""));
                results.Add(result);
            }

            Say($"[{label}] stopping the Host" + (kind == DatabaseKind.Postgres ? " and dropping the database…" : "…"));
            return results;
        }
        finally
        {
            try
            {
                Directory.Delete(workDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    /// <summary>An agent with the Developer Assistant preset, and one check proving the measured request is a real decision.</summary>
    private static async Task<Guid> PrepareProfileAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var created = await client.PostAsJsonAsync("/api/agents", new { name = "permission-bench", email = "permission-bench@example.com", role = "developer" }, cancellationToken);
        await EnsureAsync(created, HttpStatusCode.Created, "create the permission benchmark's agent", cancellationToken);
        using var agent = JsonDocument.Parse(await created.Content.ReadAsStringAsync(cancellationToken));
        var agentId = agent.RootElement.GetProperty("data").GetProperty("id").GetGuid();
        using var profile = await client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "developer-assistant" }, cancellationToken);
        await EnsureAsync(profile, HttpStatusCode.OK, "give the agent a Developer Assistant profile", cancellationToken);
        using var check = await client.PostAsJsonAsync("/api/engine/permissions/check", new { agentId, toolId = Scenarios.CheckedTool }, cancellationToken);
        await EnsureAsync(check, HttpStatusCode.OK, "check a permission once", cancellationToken);
        using var decision = JsonDocument.Parse(await check.Content.ReadAsStringAsync(cancellationToken));
        var allowed = decision.RootElement.GetProperty("data").GetProperty("allowed").GetBoolean();
        if (!allowed)
        {
            throw new InvalidOperationException($"The Developer Assistant profile does not allow {Scenarios.CheckedTool}: {decision.RootElement}.");
        }

        return agentId;
    }

    /// <summary>
    /// An agent whose profile allows the hook's tool without the preset's rate limits (the benchmark calls it thousands of
    /// times a second), and an API key bound to it.
    /// </summary>
    private static async Task<string> PrepareHookAgentAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var created = await client.PostAsJsonAsync("/api/agents", new { name = "hook-bench", email = "hook-bench@example.com", role = "developer" }, cancellationToken);
        await EnsureAsync(created, HttpStatusCode.Created, "create the hook benchmark's agent", cancellationToken);
        using var agent = JsonDocument.Parse(await created.Content.ReadAsStringAsync(cancellationToken));
        var agentId = agent.RootElement.GetProperty("data").GetProperty("id").GetGuid();
        var profile = new
        {
            preset = "developer-assistant",
            rateLimits = new { toolCallsPerMinute = 1_000_000, toolCallsPerHour = 10_000_000, toolCallsPerDay = 100_000_000, externalActionsPerHour = 1_000_000 },
            constraints = new { maxConcurrentTasks = 1_000 },
        };
        using var put = await client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", profile, cancellationToken);
        await EnsureAsync(put, HttpStatusCode.OK, "give the hook agent an unthrottled profile", cancellationToken);
        using var key = await client.PostAsJsonAsync("/api/api-keys", new { name = "hook-bench", agentId }, cancellationToken);
        await EnsureAsync(key, HttpStatusCode.Created, "create an API key bound to the hook agent", cancellationToken);
        using var body = JsonDocument.Parse(await key.Content.ReadAsStringAsync(cancellationToken));
        var data = body.RootElement.TryGetProperty("data", out var d) ? d : body.RootElement;
        return data.GetProperty("plaintext").GetString() ?? throw new InvalidOperationException("The key response has no plaintext.");
    }

    private static async Task<string> LoginAsync(HttpClient client, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync("/auth/login", new { email = HostProcess.AdminEmail, password = HostProcess.AdminPassword }, cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, "sign in as the bootstrap admin", cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return body.RootElement.GetProperty("token").GetString()
            ?? throw new InvalidOperationException("The login response has no token.");
    }

    /// <summary>Creates the agents through <c>POST /api/agents</c>, as a client would, a few at a time.</summary>
    private static async Task SeedAgentsAsync(string label, HttpClient client, int count, CancellationToken cancellationToken)
    {
        Console.Write(string.Create(CultureInfo.InvariantCulture, $"[{label}] seeding {count:N0} agents… "));
        var started = Stopwatch.GetTimestamp();
        await Parallel.ForEachAsync(Enumerable.Range(1, count), new ParallelOptions { MaxDegreeOfParallelism = SeedParallelism, CancellationToken = cancellationToken },
            async (i, token) =>
            {
                var agent = new
                {
                    name = $"bench-agent-{i:D5}",
                    role = i % 3 == 0 ? "support" : "assistant",
                    metadata = new { team = $"team-{i % 10}", tier = i % 2 == 0 ? "gold" : "silver" },
                };
                using var response = await client.PostAsJsonAsync("/api/agents", agent, token);
                await EnsureAsync(response, HttpStatusCode.Created, $"create agent {i}", token);
            });
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"done in {Stopwatch.GetElapsedTime(started).TotalSeconds:0.0} s"));
    }

    /// <summary>The measured request must answer what it claims: a full page out of all the agents.</summary>
    private static async Task CheckListAsync(HttpClient client, int agents, int limit, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri($"/api/agents?limit={limit}", UriKind.Relative), cancellationToken);
        await EnsureAsync(response, HttpStatusCode.OK, "list agents", cancellationToken);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        var items = body.RootElement.GetProperty("data").GetArrayLength();
        var total = body.RootElement.GetProperty("meta").GetProperty("total").GetInt32();
        if (total != agents || items != Math.Min(limit, agents))
        {
            throw new InvalidOperationException($"GET /api/agents?limit={limit} returned {items} agents of {total}; expected {Math.Min(limit, agents)} of {agents}.");
        }
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"Could not {what}: {(int)response.StatusCode} {response.ReasonPhrase} {body}");
        }
    }

    private static void Say(string message) => Console.WriteLine(message);
}
