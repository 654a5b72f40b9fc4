using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Activity;
using AgentFlow.LoadTests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.ActivityBench;

/// <summary>The fan-out figures of one event rate.</summary>
internal sealed record FanOutResult(
    int Rate, LatencySummary RecordToReceived, LatencySummary RecordToPublished, LatencySummary PublishedToReceived,
    long Received, long Expected, int ClientsCutOff, double ProcessCores, double MachineCores);

/// <summary>
/// The real Host (its whole pipeline, <c>WebApplicationFactory.UseKestrel</c>: Kestrel on a loopback port, real
/// sockets) in this process, with N clients holding <c>GET /api/engine/activity/stream</c> open over HTTP/1.1, one
/// connection each. No HTTP route records activity yet (the runtime hook is still to come), so the events are
/// recorded through the Host's own <see cref="IActivityRecorder"/>, at a paced rate, exactly as a route would.
/// Lag per event and client: the recorder's timestamp of the event → the client having read the frame's <c>id:</c>
/// line. An in-process hub subscriber splits it into record → committed (the writer publishes a batch right after
/// its commit) and published → received (the SSE pump: serialise, write, flush, socket, client).
/// </summary>
internal static class FanOutBenchmark
{
    public static async Task<IReadOnlyList<FanOutResult>> RunAsync(BenchmarkDatabase database, string dataDirectory, BenchOptions options, CancellationToken cancellationToken)
    {
        await using var factory = new BenchHostFactory(database, dataDirectory);
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        var recorder = factory.Services.GetRequiredService<IActivityRecorder>();
        var hub = factory.Services.GetRequiredService<ActivityHub>();
        var time = factory.Services.GetRequiredService<TimeProvider>();

        using var handler = new SocketsHttpHandler { PooledConnectionLifetime = Timeout.InfiniteTimeSpan, MaxConnectionsPerServer = int.MaxValue };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(address), Timeout = Timeout.InfiniteTimeSpan };
        var (token, orgId) = await SignInAsync(http, cancellationToken);

        Console.WriteLine($"  {options.Subscribers} SSE clients on {address}/api/engine/activity/stream…");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clients = Enumerable.Range(0, options.Subscribers).Select(_ => new StreamClient(time)).ToList();
        var reading = new List<Task>();
        // Ten at a time, as dashboards come and go: 100 cold requests at once each take a database connection to
        // resolve the same user (the credential cache does not merge concurrent misses), which exceeds PostgreSQL's
        // default max_connections of 100 on a server others use too. Connecting is not what is measured here.
        foreach (var group in clients.Chunk(10))
        {
            reading.AddRange(group.Select(c => c.RunAsync(http, token, stop.Token)));
            await Task.WhenAll(group.Select(c => c.Connected)).WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }

        var results = new List<FanOutResult>();
        foreach (var rate in options.Rates)
        {
            Console.WriteLine($"  {rate:N0} events/s: warm-up {options.WarmupSeconds:0} s, then {options.DurationSeconds:0} s measured…");
            await ProduceAsync(recorder, orgId, rate, TimeSpan.FromSeconds(options.WarmupSeconds), cancellationToken);
            await recorder.FlushAsync(cancellationToken);
            await Task.Delay(500, cancellationToken); // let the last warm-up frames arrive before the lists are reset
            foreach (var client in clients)
            {
                client.Take();
            }

            using var probe = new PublishProbe(hub, orgId, time);
            var cpuBefore = ProcessCpu();
            var machineBefore = MachineCpu.BusyTime();
            var clock = Stopwatch.StartNew();
            var produced = await ProduceAsync(recorder, orgId, rate, TimeSpan.FromSeconds(options.DurationSeconds), cancellationToken);
            await recorder.FlushAsync(cancellationToken);
            var lastId = await probe.WaitForAsync(produced, cancellationToken);
            var deadline = Stopwatch.GetTimestamp() + 10 * Stopwatch.Frequency;
            while (clients.Any(c => c.LastId < lastId && !c.Ended) && Stopwatch.GetTimestamp() < deadline)
            {
                await Task.Delay(10, cancellationToken);
            }

            clock.Stop();
            var cpu = (ProcessCpu() - cpuBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
            var machine = MachineCpu.BusyTime() - machineBefore is { } busy ? busy.TotalSeconds / clock.Elapsed.TotalSeconds : double.NaN;

            var published = probe.Published;
            var toReceived = new List<long>();
            var fromPublished = new List<long>();
            long received = 0;
            foreach (var client in clients)
            {
                foreach (var (id, at) in client.Take())
                {
                    if (published.TryGetValue(id, out var p))
                    {
                        received++;
                        toReceived.Add(at - p.RecordedTicks);
                        fromPublished.Add(at - p.PublishedTicks);
                    }
                }
            }

            var result = new FanOutResult(
                rate, Summary(toReceived), Summary(published.Values.Select(p => p.PublishedTicks - p.RecordedTicks)), Summary(fromPublished),
                received, (long)published.Count * clients.Count, clients.Count(c => c.Ended), cpu, machine);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    record → received p50 {result.RecordToReceived.P50:0.0} p99 {result.RecordToReceived.P99:0.0} max {result.RecordToReceived.Max:0.0} ms; published → received p50 {result.PublishedToReceived.P50:0.0} p99 {result.PublishedToReceived.P99:0.0} ms; {received:N0}/{result.Expected:N0} frames; {result.ClientsCutOff} cut off; {cpu:0.00} cores"));
            results.Add(result);
        }

        await stop.CancelAsync();
        await Task.WhenAll(reading);
        return results;
    }

    private static LatencySummary Summary(IEnumerable<long> timeSpanTicks) =>
        LatencySummary.FromTicks([.. timeSpanTicks.Select(t => t * Stopwatch.Frequency / TimeSpan.TicksPerSecond)]);

    private static async Task<(string Token, Guid OrgId)> SignInAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("/auth/login", new { email = BenchHostFactory.AdminEmail, password = BenchHostFactory.AdminPassword }, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        return (body.RootElement.GetProperty("token").GetString()!, body.RootElement.GetProperty("user").GetProperty("orgId").GetGuid());
    }

    /// <summary>
    /// Records <paramref name="rate"/> events a second for <paramref name="duration"/>, event i due at start + i/rate;
    /// when the timer wakes late the overdue events are recorded at once (so on average the rate holds).
    /// </summary>
    private static async Task<int> ProduceAsync(IActivityRecorder recorder, Guid orgId, int rate, TimeSpan duration, CancellationToken cancellationToken)
    {
        var total = (int)(rate * duration.TotalSeconds);
        var start = Stopwatch.GetTimestamp();
        for (var i = 0; i < total; i++)
        {
            var due = start + (long)i * Stopwatch.Frequency / rate;
            while (Stopwatch.GetTimestamp() < due)
            {
                await Task.Delay(1, cancellationToken);
            }

            var data = new Dictionary<string, object?> { ["toolId"] = "web_search", ["durationMs"] = 42, ["success"] = true, ["n"] = i };
            if (!recorder.Record(new ActivityEventInput(orgId, null, "bench_event", data, "bench-session")))
            {
                throw new InvalidOperationException("The recorder dropped an event: the paced rate is above what the writer sustains.");
            }
        }

        return total;
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    /// <summary>One SSE client: its own connection, reading lines, noting the arrival of every <c>id:</c> line.</summary>
    private sealed class StreamClient(TimeProvider time)
    {
        private readonly TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Lock _lock = new();
        private List<(long Id, long AtTicks)> _frames = [];
        private long _lastId;
        private volatile bool _ended;

        public Task Connected => _connected.Task;

        public long LastId => Interlocked.Read(ref _lastId);

        /// <summary>The server ended the stream (a client too slow is cut off) before the benchmark did.</summary>
        public bool Ended => _ended;

        public List<(long Id, long AtTicks)> Take()
        {
            lock (_lock)
            {
                var frames = _frames;
                _frames = [];
                return frames;
            }
        }

        public async Task RunAsync(HttpClient http, string token, CancellationToken cancellationToken)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/api/engine/activity/stream");
                request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                response.EnsureSuccessStatusCode();
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync(cancellationToken) is { } line)
                {
                    if (line.StartsWith("id: ", StringComparison.Ordinal))
                    {
                        var at = time.GetUtcNow().UtcTicks;
                        var id = long.Parse(line.AsSpan(4), NumberStyles.None, CultureInfo.InvariantCulture);
                        lock (_lock)
                        {
                            _frames.Add((id, at));
                        }

                        Interlocked.Exchange(ref _lastId, id);
                    }
                    else if (line.StartsWith(": connected", StringComparison.Ordinal))
                    {
                        _connected.TrySetResult();
                    }
                }

                _ended = true;
            }
            catch (Exception exception) when (exception is OperationCanceledException or IOException && cancellationToken.IsCancellationRequested)
            {
                // The benchmark is over.
            }
            catch (Exception exception)
            {
                _connected.TrySetException(exception);
                _ended = true;
            }
        }
    }

    /// <summary>
    /// A subscriber inside the Host: the writer hands it each event right after the batch committed, the same moment
    /// it hands it to the SSE streams. Maps ids to (recorded, published) times.
    /// </summary>
    private sealed class PublishProbe : IDisposable
    {
        private readonly ActivitySubscription _subscription;
        private readonly TimeProvider _time;
        private readonly Dictionary<long, (long RecordedTicks, long PublishedTicks)> _published = [];
        private readonly Lock _lock = new();
        private readonly Task _loop;

        public PublishProbe(ActivityHub hub, Guid orgId, TimeProvider time)
        {
            _subscription = hub.Subscribe(orgId, null, null).Subscription;
            _time = time;
            _loop = Task.Run(LoopAsync);
        }

        public IReadOnlyDictionary<long, (long RecordedTicks, long PublishedTicks)> Published
        {
            get
            {
                lock (_lock)
                {
                    return new Dictionary<long, (long, long)>(_published);
                }
            }
        }

        /// <summary>Waits until <paramref name="count"/> events were published; returns the largest id.</summary>
        public async Task<long> WaitForAsync(int count, CancellationToken cancellationToken)
        {
            var started = Stopwatch.GetTimestamp();
            while (true)
            {
                lock (_lock)
                {
                    if (_published.Count >= count)
                    {
                        return _published.Keys.Max();
                    }
                }

                if (Stopwatch.GetElapsedTime(started) > TimeSpan.FromMinutes(1) || _subscription.Overflowed)
                {
                    throw new InvalidOperationException($"Not all {count:N0} events were published (overflowed: {_subscription.Overflowed}).");
                }

                await Task.Delay(10, cancellationToken);
            }
        }

        public void Dispose()
        {
            _subscription.Dispose();
            _loop.Wait();
        }

        private async Task LoopAsync()
        {
            var reader = _subscription.Events;
            while (await reader.WaitToReadAsync())
            {
                var now = _time.GetUtcNow().UtcTicks;
                while (reader.TryRead(out var e))
                {
                    lock (_lock)
                    {
                        _published[e.Id] = (e.Timestamp.UtcTicks, now);
                    }
                }
            }
        }
    }
}

/// <summary>The Host as deployed (Production), configured like the load benchmark's child process, served by Kestrel.</summary>
internal sealed class BenchHostFactory(BenchmarkDatabase database, string dataDirectory) : WebApplicationFactory<global::Program>
{
    public const string AdminEmail = "bench-admin@example.com";
    public const string AdminPassword = "bench-password-1234";

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Production");
        builder.UseSetting("AgentFlow:Database:Provider", database.ProviderName);
        builder.UseSetting("ConnectionStrings:AgentFlow", database.ConnectionString);
        builder.UseSetting("AgentFlow:DataDirectory", dataDirectory);
        builder.UseSetting("AgentFlow:Bootstrap:AdminEmail", AdminEmail);
        builder.UseSetting("AgentFlow:Bootstrap:AdminPassword", AdminPassword);
        builder.UseSetting("AgentFlow:Bootstrap:CompanyName", "Benchmark Co");
        builder.UseSetting("AgentFlow:RateLimit:PermitsPerMinute", "1000000");
        builder.UseSetting("AgentFlow:RateLimit:AuthPermitsPerMinute", "1000000");
        builder.UseSetting("AgentFlow:Retention:Enabled", "false");
        builder.UseSetting("AgentFlow:Workflows:SeedDirectory", Path.Combine(dataDirectory, "no-seed-workflows"));
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
    }
}
