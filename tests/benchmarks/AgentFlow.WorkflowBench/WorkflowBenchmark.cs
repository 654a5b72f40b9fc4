using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using AgentFlow.LoadTests;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentFlow.WorkflowBench;

/// <summary>What to measure.</summary>
internal sealed record BenchOptions(int Instances, int Concurrency, int Resumes, int Timers, int MemoryInstances, double WarmupSeconds, int? WorkerConcurrency);

/// <summary>The measured figures of one database.</summary>
internal sealed record BenchResult(
    string Database,
    double InstancesPerSecond,
    LatencySummary StartLatency,
    LatencySummary Resume,
    LatencySummary TimerLateness,
    double AllocatedBytesPerInstance,
    long WorkingSetBytes,
    int FinishedInstances);

/// <summary>
/// Runs the workflow runtime in this process (no HTTP) on a real database with its background workers, and
/// measures start-to-completion throughput, resume latency, timer lateness and memory.
/// </summary>
internal static class WorkflowBenchmark
{
    private static readonly Guid OrgId = Guid.Parse("00000000-0000-0000-0000-0000000000b1");

    public static async Task<BenchResult> RunAsync(BenchmarkDatabase database, BenchOptions options, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None); // the history-table probe on a new database is not an error
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            [$"{WorkflowRuntimeOptions.SectionName}:PollInterval"] = "00:00:00.250",
            [$"{WorkflowRuntimeOptions.SectionName}:TimerPollInterval"] = "00:00:01",
        });
        if (options.WorkerConcurrency is { } workers)
        {
            builder.Configuration[$"{WorkflowRuntimeOptions.SectionName}:WorkerConcurrency"] = workers.ToString(CultureInfo.InvariantCulture);
        }

        builder.Services.AddAgentFlowWorkflows(builder.Configuration, new WorkflowDatabase(database.Kind == DatabaseKind.Postgres, database.ConnectionString));
        using var host = builder.Build();
        await host.Services.GetRequiredService<WorkflowDatabaseMigrator>().MigrateAsync(cancellationToken);
        if (database.Kind == DatabaseKind.Sqlite)
        {
            await using var db = await host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync(cancellationToken);
            await Microsoft.EntityFrameworkCore.RelationalDatabaseFacadeExtensions.ExecuteSqlRawAsync(db.Database, "PRAGMA journal_mode=WAL;", cancellationToken);
        }

        await host.StartAsync(cancellationToken);
        var definitions = host.Services.GetRequiredService<WorkflowDefinitionService>();
        foreach (var json in new[] { BenchWorkflows.Linear, BenchWorkflows.Signal, BenchWorkflows.Delay })
        {
            var created = await definitions.CreateAsync(OrgId, json, "bench", cancellationToken);
            await definitions.PublishAsync(OrgId, created.DefinitionId, null, cancellationToken);
        }

        var runtime = host.Services.GetRequiredService<IWorkflowRuntime>();
        var signals = host.Services.GetRequiredService<RuntimeSignals>();

        Console.WriteLine($"  warm-up {options.WarmupSeconds:0} s…");
        await RunLinearAsync(runtime, int.MaxValue, options.Concurrency, TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);

        Console.WriteLine($"  throughput: {options.Instances:N0} instances, {options.Concurrency} concurrent starters…");
        var (rate, startLatency, finished) = await RunLinearAsync(runtime, options.Instances, options.Concurrency, null, cancellationToken);

        Console.WriteLine($"  resume latency: {options.Resumes:N0} signals, one at a time…");
        var resume = await MeasureResumesAsync(runtime, signals, options.Resumes, cancellationToken);

        Console.WriteLine($"  timer lateness: {options.Timers:N0} timers due in the same second…");
        var lateness = await MeasureTimersAsync(runtime, signals, host.Services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<WorkflowDbContext>>(), options.Timers, cancellationToken);

        Console.WriteLine($"  memory: {options.MemoryInstances:N0} more finished instances…");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var (_, _, memoryFinished) = await RunLinearAsync(runtime, options.MemoryInstances, options.Concurrency, null, cancellationToken);
        var allocatedPerInstance = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)options.MemoryInstances;
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var workingSet = process.WorkingSet64;

        await host.StopAsync(CancellationToken.None);
        return new BenchResult(
            database.Kind == DatabaseKind.Postgres ? "PostgreSQL" : "SQLite",
            rate, startLatency, resume, lateness, allocatedPerInstance, workingSet, finished + memoryFinished);
    }

    private static async Task<(double Rate, LatencySummary Latency, int Finished)> RunLinearAsync(
        IWorkflowRuntime runtime, int count, int concurrency, TimeSpan? duration, CancellationToken cancellationToken)
    {
        var samples = new ConcurrentBag<long>();
        var finished = 0;
        var next = 0;
        var stopAt = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) <= count && Stopwatch.GetTimestamp() < stopAt)
            {
                var started = Stopwatch.GetTimestamp();
                var result = await runtime.StartAsync(new StartWorkflowRequest
                {
                    OrgId = OrgId, DefinitionId = "bench-linear", Input = new JsonObject { ["n"] = next },
                }, cancellationToken);
                samples.Add(Stopwatch.GetTimestamp() - started);
                if (result.Status != InstanceStatus.Finished)
                {
                    throw new InvalidOperationException($"Instance {result.InstanceId} ended {result.Status}, not Finished.");
                }

                Interlocked.Increment(ref finished);
            }
        }, cancellationToken)));
        clock.Stop();
        return (finished / clock.Elapsed.TotalSeconds, LatencySummary.FromTicks([.. samples]), finished);
    }

    private static async Task<LatencySummary> MeasureResumesAsync(IWorkflowRuntime runtime, RuntimeSignals signals, int count, CancellationToken cancellationToken)
    {
        var ids = new List<Guid>(count);
        for (var i = 0; i < count; i++)
        {
            ids.Add((await runtime.StartAsync(new StartWorkflowRequest { OrgId = OrgId, DefinitionId = "bench-signal" }, cancellationToken)).InstanceId);
        }

        var samples = new long[count];
        for (var i = 0; i < count; i++)
        {
            var idle = signals.WhenIdle(ids[i]);
            var started = Stopwatch.GetTimestamp();
            await runtime.DeliverAsync(OrgId, ids[i], new Stimulus("signal", "go", null, null), cancellationToken);
            await idle.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
            samples[i] = Stopwatch.GetTimestamp() - started;
        }

        return LatencySummary.FromTicks(samples);
    }

    private static async Task<LatencySummary> MeasureTimersAsync(
        IWorkflowRuntime runtime, RuntimeSignals signals, Microsoft.EntityFrameworkCore.IDbContextFactory<WorkflowDbContext> contexts, int count, CancellationToken cancellationToken)
    {
        // All timers fall due at the same whole second, far enough ahead for every instance to be started and suspended.
        var now = TimeProvider.System.GetUtcNow();
        var due = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero).AddSeconds(5 + count / 500);
        var until = due.ToString("O", CultureInfo.InvariantCulture);
        var ids = new List<Guid>(count);
        var waits = new List<Task>(count);
        for (var i = 0; i < count; i++)
        {
            var result = await runtime.StartAsync(new StartWorkflowRequest { OrgId = OrgId, DefinitionId = "bench-delay", Input = new JsonObject { ["until"] = until } }, cancellationToken);
            ids.Add(result.InstanceId);
            waits.Add(signals.WhenIdle(result.InstanceId));
        }

        if (TimeProvider.System.GetUtcNow() >= due)
        {
            throw new InvalidOperationException("Starting the timer instances took longer than the lead time; lower --timers.");
        }

        await Task.WhenAll(waits).WaitAsync(TimeSpan.FromMinutes(2), cancellationToken);

        // Lateness is read from the commit time the runtime stored (finished_at), not from when this program's
        // continuations happened to run: under load the thread pool delays those, not the timers.
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var finished = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(
            db.Instances.Where(i => ids.Contains(i.Id)).Select(i => i.FinishedAt), cancellationToken);
        return LatencySummary.FromTicks([.. finished.Select(f => (f!.Value - due).Ticks * Stopwatch.Frequency / TimeSpan.TicksPerSecond)]);
    }
}
