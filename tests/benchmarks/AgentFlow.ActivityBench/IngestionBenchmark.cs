using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using AgentFlow.LoadTests;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentFlow.ActivityBench;

/// <summary>The ingestion figures of one database.</summary>
internal sealed record IngestionResult(double EventsPerSecond, long Dropped, long Rows, LatencySummary CommitLag, double ProcessCores, double MachineCores);

/// <summary>
/// The Engine alone in this process (no HTTP, no Host): its activity recorder and single writer on a fresh database.
/// Producers record as fast as the writer commits, keeping at most <see cref="BenchOptions.Window"/> events recorded
/// but not yet committed. The window is below the queue's capacity, so nothing is dropped and the rate measured is one
/// the writer sustains; a producer that finds the window full waits a millisecond, as a real caller would not (it
/// would drop), which is why the figure is the writer's sustained capacity.
/// </summary>
internal static class IngestionBenchmark
{
    public static async Task<IngestionResult> RunAsync(BenchmarkDatabase database, string dataDirectory, BenchOptions options, CancellationToken cancellationToken)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.EntityFrameworkCore.Database.Command", LogLevel.None); // the history-table probe on a new database is not an error
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AgentFlow:Database:Provider"] = database.ProviderName,
            ["ConnectionStrings:AgentFlow"] = database.ConnectionString,
            ["AgentFlow:DataDirectory"] = dataDirectory,
            ["AgentFlow:Retention:Enabled"] = "false",
            // The probe below subscribes to every event to count commits; it must never be cut off for being slow.
            [$"{ActivityOptions.SectionName}:SubscriberQueueCapacity"] = "1000000",
        });
        builder.Services.AddAgentFlowEngine(builder.Configuration);
        using var host = builder.Build();

        Guid orgId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync(cancellationToken);
            orgId = (await scope.ServiceProvider.GetRequiredService<OrganizationProvisioner>().CreateAsync("Activity Bench", cancellationToken: cancellationToken)).Id;
        }

        await host.StartAsync(cancellationToken);
        var recorder = host.Services.GetRequiredService<IActivityRecorder>();
        var time = host.Services.GetRequiredService<TimeProvider>();
        var probe = new CommitProbe(host.Services.GetRequiredService<ActivityHub>(), orgId, time);

        Console.WriteLine($"  warm-up {options.WarmupSeconds:0} s…");
        var warm = new Run(recorder, probe, orgId, options.Window);
        await warm.ProduceAsync(int.MaxValue, options.Producers, TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
        await recorder.FlushAsync(cancellationToken);
        await probe.WaitForAsync(warm.Accepted, cancellationToken);

        Console.WriteLine($"  ingestion: {options.Events:N0} events, {options.Producers} producers…");
        probe.Measure();
        var run = new Run(recorder, probe, orgId, options.Window);
        var cpuBefore = ProcessCpu();
        var machineBefore = MachineCpu.BusyTime();
        var clock = Stopwatch.StartNew();
        await run.ProduceAsync(options.Events, options.Producers, null, cancellationToken);
        await recorder.FlushAsync(cancellationToken);
        clock.Stop();
        var cpu = (ProcessCpu() - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        var machine = MachineCpu.BusyTime() - machineBefore is { } busy ? busy.TotalSeconds / clock.Elapsed.TotalSeconds : double.NaN;
        await probe.WaitForAsync(warm.Accepted + run.Accepted, cancellationToken);

        long rows;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            rows = await scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>().ActivityEvents.IgnoreQueryFilters().LongCountAsync(cancellationToken);
        }

        await host.StopAsync(CancellationToken.None);
        probe.Dispose();
        var result = new IngestionResult(run.Accepted / clock.Elapsed.TotalSeconds, warm.Dropped + run.Dropped, rows, probe.Lags(), cpu, machine);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {result.EventsPerSecond:N0} events/s, {result.Dropped} dropped, {rows:N0} rows (warm-up {warm.Accepted:N0} + {run.Accepted:N0}), record → committed p50 {result.CommitLag.P50:0} ms p99 {result.CommitLag.P99:0} ms"));
        return result;
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>One batch of producers sharing a budget of events.</summary>
    private sealed class Run(IActivityRecorder recorder, CommitProbe probe, Guid orgId, int window)
    {
        private long _issued;
        private long _accepted;
        private long _dropped;

        public long Accepted => Interlocked.Read(ref _accepted);

        public long Dropped => Interlocked.Read(ref _dropped);

        public Task ProduceAsync(int count, int producers, TimeSpan? duration, CancellationToken cancellationToken)
        {
            var stopAt = duration is { } d ? Stopwatch.GetTimestamp() + (long)(d.TotalSeconds * Stopwatch.Frequency) : long.MaxValue;
            var baseline = probe.Committed;
            return Task.WhenAll(Enumerable.Range(0, producers).Select(p => Task.Run(async () =>
            {
                var session = "bench-session-" + p.ToString(CultureInfo.InvariantCulture);
                long n;
                while ((n = Interlocked.Increment(ref _issued)) <= count && Stopwatch.GetTimestamp() < stopAt)
                {
                    while (Accepted - (probe.Committed - baseline) >= window)
                    {
                        await Task.Delay(1, cancellationToken);
                    }

                    // A typical small payload, masked like any other (a tool-call-end shaped event).
                    var data = new Dictionary<string, object?> { ["toolId"] = "web_search", ["durationMs"] = 42, ["success"] = true, ["n"] = n };
                    if (recorder.Record(new ActivityEventInput(orgId, null, "bench_event", data, session)))
                    {
                        Interlocked.Increment(ref _accepted);
                    }
                    else
                    {
                        Interlocked.Increment(ref _dropped);
                    }
                }
            }, cancellationToken)));
        }
    }

    /// <summary>
    /// A subscriber of the hub, which the writer hands every event to right after its batch committed: it counts
    /// commits and measures record → committed from the event's own timestamp (taken by the recorder).
    /// </summary>
    private sealed class CommitProbe : IDisposable
    {
        private readonly ActivitySubscription _subscription;
        private readonly TimeProvider _time;
        private readonly Task _loop;
        private readonly ConcurrentQueue<long> _lags = new();
        private long _committed;
        private volatile bool _measuring;

        public CommitProbe(ActivityHub hub, Guid orgId, TimeProvider time)
        {
            _subscription = hub.Subscribe(orgId, null, null).Subscription;
            _time = time;
            _loop = Task.Run(LoopAsync);
        }

        public long Committed => Interlocked.Read(ref _committed);

        public void Measure() => _measuring = true;

        public async Task WaitForAsync(long count, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            while (Committed < count)
            {
                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(2) || _subscription.Overflowed)
                {
                    throw new InvalidOperationException($"Only {Committed:N0} of {count:N0} events were published (overflowed: {_subscription.Overflowed}).");
                }

                await Task.Delay(10, cancellationToken);
            }
        }

        public LatencySummary Lags() => LatencySummary.FromTicks([.. _lags.Select(t => t * Stopwatch.Frequency / TimeSpan.TicksPerSecond)]);

        public void Dispose() => _subscription.Dispose();

        private async Task LoopAsync()
        {
            var reader = _subscription.Events;
            while (await reader.WaitToReadAsync())
            {
                var now = _time.GetUtcNow();
                while (reader.TryRead(out var e))
                {
                    if (_measuring)
                    {
                        _lags.Enqueue((now - e.Timestamp).Ticks);
                    }

                    Interlocked.Increment(ref _committed);
                }
            }
        }
    }
}
