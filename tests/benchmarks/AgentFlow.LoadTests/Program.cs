using System.CommandLine;
using AgentFlow.LoadTests;

// Load benchmark: starts the real Host as a child process on SQLite and/or PostgreSQL, seeds an organisation
// with agents through the API, then measures latency under concurrent clients. See docs/benchmarks.md.
var database = new Option<string>("--database")
{
    Description = "Which database to measure: sqlite, postgres or both.",
    DefaultValueFactory = _ => "sqlite",
};
database.AcceptOnlyFromAmong("sqlite", "postgres", "both");
var concurrency = new Option<int>("--concurrency", "-c") { Description = "Concurrent clients (workers).", DefaultValueFactory = _ => 16 };
var duration = new Option<double>("--duration", "-d") { Description = "Measured seconds per scenario.", DefaultValueFactory = _ => 20 };
// The JIT needs about 30 s under load on a 2-core machine to finish tiering up (tier-1 and PGO recompilation compete with
// the load for CPU): list-agents measured 1,760 req/s after a 3 s warm-up, 3,100 after 15 s, 3,440 after 30 s and 3,390 after 45 s.
var warmup = new Option<double>("--warmup", "-w")
{
    Description = "Warm-up seconds per scenario (results discarded); the JIT needs about 30 s under load to reach steady state.",
    DefaultValueFactory = _ => 30,
};
var requests = new Option<int?>("--requests", "-n") { Description = "Measure this many requests per scenario instead of --duration seconds." };
var scenarios = new Option<string>("--scenarios", "-s")
{
    Description = $"Comma-separated scenarios to run, in order: {string.Join(", ", Scenarios.All)}.",
    DefaultValueFactory = _ => string.Join(',', Scenarios.All),
};
var agents = new Option<int>("--agents") { Description = "Agents seeded in the organisation before measuring.", DefaultValueFactory = _ => 1000 };
var limit = new Option<int>("--limit") { Description = "The limit query parameter of list-agents (the API allows up to 200).", DefaultValueFactory = _ => 50 };
var postgres = new Option<string?>("--postgres")
{
    Description = $"PostgreSQL server connection string without a database (default: env {BenchmarkDatabase.PostgresServerVariable}); a fresh database is created and dropped.",
};
var hostDll = new Option<FileInfo?>("--host-dll") { Description = "The built AgentFlow.Host.dll (default: found from the repository root, same configuration as this program)." };
var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the results as a markdown table to this file." };

var root = new RootCommand("AgentFlow load benchmark: the real Host under concurrent clients, on SQLite and PostgreSQL.")
{
    database, concurrency, duration, warmup, requests, scenarios, agents, limit, postgres, hostDll, markdown,
};
root.SetAction(async (parseResult, cancellationToken) =>
{
    BenchmarkSettings settings;
    try
    {
        settings = BenchmarkSettings.Create(
            parseResult.GetValue(database)!,
            parseResult.GetValue(concurrency),
            parseResult.GetValue(duration),
            parseResult.GetValue(warmup),
            parseResult.GetValue(requests),
            parseResult.GetValue(scenarios)!,
            parseResult.GetValue(agents),
            parseResult.GetValue(limit),
            parseResult.GetValue(postgres) ?? Environment.GetEnvironmentVariable(BenchmarkDatabase.PostgresServerVariable),
            parseResult.GetValue(hostDll),
            parseResult.GetValue(markdown),
            BenchmarkSettings.DescribeCommandLine(args));
    }
    catch (ArgumentException exception)
    {
        await Console.Error.WriteLineAsync($"error: {exception.Message}");
        return 2;
    }

    return await BenchmarkApp.RunAsync(settings, cancellationToken);
});
return await root.Parse(args).InvokeAsync();
