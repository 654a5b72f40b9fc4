using System.CommandLine;
using System.Globalization;
using System.Text;
using AgentFlow.LoadTests;
using AgentFlow.WorkflowBench;

// Workflow runtime benchmark: the runtime in this process on a real SQLite file and/or PostgreSQL database.
// See docs/benchmarks.md for the figures and how they were measured.
var database = new Option<string>("--database") { Description = "sqlite, postgres or both.", DefaultValueFactory = _ => "both" };
database.AcceptOnlyFromAmong("sqlite", "postgres", "both");
var instances = new Option<int>("--instances", "-n") { Description = "Instances started and run to completion for the throughput figure.", DefaultValueFactory = _ => 20_000 };
var concurrency = new Option<int>("--concurrency", "-c") { Description = "Concurrent starters.", DefaultValueFactory = _ => 16 };
var resumes = new Option<int>("--resumes") { Description = "Signals sent one at a time for the resume latency.", DefaultValueFactory = _ => 2_000 };
var timers = new Option<int>("--timers") { Description = "Timers due in the same second.", DefaultValueFactory = _ => 1_000 };
var memory = new Option<int>("--memory-instances") { Description = "Further instances run before the working set is read.", DefaultValueFactory = _ => 100_000 };
var workers = new Option<int?>("--worker-concurrency") { Description = "Bursts the runtime runs in parallel (default: the runtime's default)." };
var warmup = new Option<double>("--warmup") { Description = "Warm-up seconds (results discarded).", DefaultValueFactory = _ => 15 };
var postgres = new Option<string?>("--postgres") { Description = $"PostgreSQL server connection string (default: env {BenchmarkDatabase.PostgresServerVariable})." };
var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the results as a markdown table to this file." };

var root = new RootCommand("AgentFlow workflow runtime benchmark.") { database, instances, concurrency, resumes, timers, memory, warmup, workers, postgres, markdown };
root.SetAction(async (parse, cancellationToken) =>
{
    var options = new BenchOptions(parse.GetValue(instances), parse.GetValue(concurrency), parse.GetValue(resumes), parse.GetValue(timers), parse.GetValue(memory), parse.GetValue(warmup), parse.GetValue(workers));
    var kinds = parse.GetValue(database) switch
    {
        "sqlite" => new[] { DatabaseKind.Sqlite },
        "postgres" => [DatabaseKind.Postgres],
        _ => [DatabaseKind.Sqlite, DatabaseKind.Postgres],
    };
    var server = parse.GetValue(postgres) ?? Environment.GetEnvironmentVariable(BenchmarkDatabase.PostgresServerVariable);
    if (kinds.Contains(DatabaseKind.Postgres) && string.IsNullOrWhiteSpace(server))
    {
        await Console.Error.WriteLineAsync($"error: PostgreSQL needs --postgres or {BenchmarkDatabase.PostgresServerVariable}.");
        return 2;
    }

    var results = new List<BenchResult>();
    foreach (var kind in kinds)
    {
        var directory = Directory.CreateTempSubdirectory("agentflow-wfbench-");
        await using var db = await BenchmarkDatabase.CreateAsync(kind, directory.FullName, server, cancellationToken);
        Console.WriteLine($"{db.Description}:");
        results.Add(await WorkflowBenchmark.RunAsync(db, options, cancellationToken));
        directory.Delete(recursive: true);
    }

    var table = Render(results, options);
    Console.WriteLine();
    Console.WriteLine(table);
    if (parse.GetValue(markdown) is { } file)
    {
        await File.WriteAllTextAsync(file.FullName, table, cancellationToken);
    }

    return 0;
});
return await root.Parse(args).InvokeAsync();

static string Render(IReadOnlyList<BenchResult> results, BenchOptions options)
{
    var c = CultureInfo.InvariantCulture;
    var sb = new StringBuilder();
    sb.AppendLine(c, $"| Figure ({Environment.ProcessorCount} cores, {options.Concurrency} concurrent starters) | {string.Join(" | ", results.Select(r => r.Database))} |");
    sb.AppendLine(c, $"| --- |{string.Concat(results.Select(_ => " ---: |"))}");
    Row("5-activity instances started and completed per second", r => r.InstancesPerSecond.ToString("N0", c));
    Row("start → completed, p50 / p99 (ms)", r => $"{r.StartLatency.P50:0.0} / {r.StartLatency.P99:0.0}");
    Row("resume (signal sent → instance completed), p50 / p99 (ms)", r => $"{r.Resume.P50:0.0} / {r.Resume.P99:0.0}");
    Row($"timer lateness, {options.Timers:N0} timers due in one second, p50 / p99 / max (ms)", r => $"{r.TimerLateness.P50:0} / {r.TimerLateness.P99:0} / {r.TimerLateness.Max:0}");
    Row("bytes allocated per instance run", r => r.AllocatedBytesPerInstance.ToString("N0", c));
    Row($"working set after {options.MemoryInstances:N0}+ finished instances (MiB)", r => (r.WorkingSetBytes / 1048576.0).ToString("N0", c));
    return sb.ToString();

    void Row(string name, Func<BenchResult, string> value) => sb.AppendLine(c, $"| {name} | {string.Join(" | ", results.Select(value))} |");
}
