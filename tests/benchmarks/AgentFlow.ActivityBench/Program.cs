using System.CommandLine;
using System.Globalization;
using System.Text;
using AgentFlow.LoadTests;

namespace AgentFlow.ActivityBench;

/// <summary>
/// Activity benchmark: (a) ingestion, events/s recorded and committed by the single writer with nothing dropped;
/// (b) SSE fan-out lag, from recording an event to its frame arriving at each of 100 stream clients.
/// See docs/benchmarks.md for the figures and how they were measured.
/// </summary>
/// <remarks>An explicit Main, not top-level statements: the Host this program links has its own global <c>Program</c>.</remarks>
internal static class ActivityBenchProgram
{
    public static Task<int> Main(string[] args)
    {
        var database = new Option<string>("--database") { Description = "sqlite, postgres or both.", DefaultValueFactory = _ => "both" };
        database.AcceptOnlyFromAmong("sqlite", "postgres", "both");
        var events = new Option<int>("--events", "-n") { Description = "Events recorded for the ingestion figure.", DefaultValueFactory = _ => 200_000 };
        var producers = new Option<int>("--producers", "-p") { Description = "Concurrent producers calling IActivityRecorder.Record.", DefaultValueFactory = _ => 4 };
        var window = new Option<int>("--window") { Description = "Most events recorded but not yet committed (below the queue's 100,000, so nothing is dropped).", DefaultValueFactory = _ => 50_000 };
        var subscribers = new Option<int>("--subscribers", "-s") { Description = "SSE clients connected to /api/engine/activity/stream.", DefaultValueFactory = _ => 100 };
        var rates = new Option<string>("--rates") { Description = "Event rates (events/s) for the fan-out lag, comma-separated.", DefaultValueFactory = _ => "100,1000" };
        var duration = new Option<double>("--duration") { Description = "Measured seconds per fan-out rate.", DefaultValueFactory = _ => 15 };
        var warmup = new Option<double>("--warmup") { Description = "Warm-up seconds before each measurement (results discarded).", DefaultValueFactory = _ => 10 };
        var postgres = new Option<string?>("--postgres") { Description = $"PostgreSQL server connection string (default: env {BenchmarkDatabase.PostgresServerVariable})." };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the results as a markdown table to this file." };

        var root = new RootCommand("AgentFlow activity benchmark: ingestion rate and SSE fan-out lag.")
        {
            database, events, producers, window, subscribers, rates, duration, warmup, postgres, markdown,
        };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var options = new BenchOptions(
                parse.GetValue(events), parse.GetValue(producers), parse.GetValue(window), parse.GetValue(subscribers),
                [.. parse.GetValue(rates)!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(r => int.Parse(r, CultureInfo.InvariantCulture))],
                parse.GetValue(duration), parse.GetValue(warmup));
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
                var name = kind == DatabaseKind.Postgres ? "PostgreSQL" : "SQLite";
                IngestionResult ingestion;
                {
                    // Each half gets a fresh database: the fan-out must not run on a table the ingestion filled.
                    var directory = Directory.CreateTempSubdirectory("agentflow-actbench-");
                    await using (var db = await BenchmarkDatabase.CreateAsync(kind, directory.FullName, server, cancellationToken))
                    {
                        Console.WriteLine($"{db.Description}:");
                        ingestion = await IngestionBenchmark.RunAsync(db, directory.FullName, options, cancellationToken);
                    }

                    directory.Delete(recursive: true);
                }

                IReadOnlyList<FanOutResult> fanOut;
                {
                    var directory = Directory.CreateTempSubdirectory("agentflow-actbench-");
                    await using (var db = await BenchmarkDatabase.CreateAsync(kind, directory.FullName, server, cancellationToken))
                    {
                        Console.WriteLine($"{db.Description}:");
                        fanOut = await FanOutBenchmark.RunAsync(db, directory.FullName, options, cancellationToken);
                    }

                    directory.Delete(recursive: true);
                }

                results.Add(new BenchResult(name, ingestion, fanOut));
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
        return root.Parse(args).InvokeAsync();
    }

    private static string Render(IReadOnlyList<BenchResult> results, BenchOptions options)
    {
        var c = CultureInfo.InvariantCulture;
        var sb = new StringBuilder();
        sb.AppendLine(c, $"| Figure ({Environment.ProcessorCount} cores) | {string.Join(" | ", results.Select(r => r.Database))} |");
        sb.AppendLine(c, $"| --- |{string.Concat(results.Select(_ => " ---: |"))}");
        Row($"ingestion: events/s recorded → committed, {options.Events:N0} events, {options.Producers} producers", r => r.Ingestion.EventsPerSecond.ToString("N0", c));
        Row("ingestion: events dropped / rows in the table", r => $"{r.Ingestion.Dropped:N0} / {r.Ingestion.Rows:N0}");
        Row("ingestion: record → committed, p50 / p99 (ms)", r => $"{r.Ingestion.CommitLag.P50:0} / {r.Ingestion.CommitLag.P99:0}");
        Row("ingestion: CPU of this process / whole machine (cores)", r => $"{r.Ingestion.ProcessCores:0.00} / {r.Ingestion.MachineCores:0.00}");
        foreach (var rate in options.Rates)
        {
            Row($"fan-out {rate:N0} events/s to {options.Subscribers} SSE clients: record → received, p50 / p99 / max (ms)",
                r => Find(r, rate) is { } f ? $"{f.RecordToReceived.P50:0.0} / {f.RecordToReceived.P99:0.0} / {f.RecordToReceived.Max:0.0}" : "–");
            Row($"fan-out {rate:N0} events/s: record → committed (published), p50 / p99 (ms)",
                r => Find(r, rate) is { } f ? $"{f.RecordToPublished.P50:0.0} / {f.RecordToPublished.P99:0.0}" : "–");
            Row($"fan-out {rate:N0} events/s: published → received, p50 / p99 / max (ms)",
                r => Find(r, rate) is { } f ? $"{f.PublishedToReceived.P50:0.0} / {f.PublishedToReceived.P99:0.0} / {f.PublishedToReceived.Max:0.0}" : "–");
            Row($"fan-out {rate:N0} events/s: frames received / expected; clients cut off",
                r => Find(r, rate) is { } f ? $"{f.Received:N0} / {f.Expected:N0}; {f.ClientsCutOff}" : "–");
            Row($"fan-out {rate:N0} events/s: CPU of this process (Host + clients) / whole machine (cores)",
                r => Find(r, rate) is { } f ? $"{f.ProcessCores:0.00} / {f.MachineCores:0.00}" : "–");
        }

        return sb.ToString();

        void Row(string name, Func<BenchResult, string> value) => sb.AppendLine(c, $"| {name} | {string.Join(" | ", results.Select(value))} |");

        static FanOutResult? Find(BenchResult r, int rate) => r.FanOut.FirstOrDefault(f => f.Rate == rate);
    }
}

/// <summary>What to measure.</summary>
internal sealed record BenchOptions(int Events, int Producers, int Window, int Subscribers, IReadOnlyList<int> Rates, double DurationSeconds, double WarmupSeconds);

internal sealed record BenchResult(string Database, IngestionResult Ingestion, IReadOnlyList<FanOutResult> FanOut);
