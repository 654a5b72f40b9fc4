using System.Diagnostics;
using System.Net.Sockets;

namespace AgentFlow.LoadTests;

internal sealed record ScenarioResult(
    string Database,
    string Scenario,
    int Concurrency,
    int Count,
    int Errors,
    double ElapsedSeconds,
    LatencySummary Latency,
    double ServerCores,
    double ClientCores,
    double MachineCores,
    double? LoadAverage,
    string? FirstError)
{
    public double Throughput => ElapsedSeconds > 0 ? Count / ElapsedSeconds : 0;
}

/// <summary>
/// Closed-loop load: each worker sends its next request as soon as the previous one is answered. All workers run
/// a warm-up (discarded: JIT, connection set-up, caches), then a measured period of fixed length or a fixed number
/// of requests. A request counts in the phase in which it started; its latency runs from before sending to after
/// the whole body has been read.
/// </summary>
internal static class ScenarioRunner
{
    private const int WarmingUp = 0;
    private const int Measuring = 1;
    private const int Stopped = 2;

    public static async Task<ScenarioResult> RunAsync(
        string database, Scenario scenario, BenchmarkSettings settings, HostProcess host, IReadOnlyList<HttpClient> clients, CancellationToken cancellationToken)
    {
        var run = new RunState(settings.Requests);
        var workers = new Worker[settings.Concurrency];
        for (var i = 0; i < workers.Length; i++)
        {
            workers[i] = new Worker(scenario, clients[i], run);
        }

        var tasks = workers.Select(w => Task.Run(() => w.RunAsync(cancellationToken), cancellationToken)).ToArray();
        await Task.Delay(settings.Warmup, cancellationToken);

        using var self = Process.GetCurrentProcess();
        var serverCpu = host.CpuTime;
        var clientCpu = self.TotalProcessorTime;
        var machineCpu = MachineCpu.BusyTime();
        var started = Stopwatch.GetTimestamp();
        Volatile.Write(ref run.Phase, Measuring);
        if (settings.Requests is null)
        {
            // Wake up early if every worker stops on its own (e.g. cancelled).
            await Task.WhenAny(Task.Delay(settings.Duration, cancellationToken), Task.WhenAll(tasks));
            Volatile.Write(ref run.Phase, Stopped);
        }

        await Task.WhenAll(tasks);
        var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
        self.Refresh();
        var serverCores = (host.CpuTime - serverCpu).TotalSeconds / elapsed;
        var clientCores = (self.TotalProcessorTime - clientCpu).TotalSeconds / elapsed;
        var machineCores = MachineCpu.BusyTime() - machineCpu is { } busy ? busy.TotalSeconds / elapsed : double.NaN;

        var samples = workers.SelectMany(w => w.Latencies).ToArray();
        var errors = workers.Sum(w => w.Errors);
        var firstError = workers.Select(w => w.FirstError).FirstOrDefault(e => e is not null);
        return new ScenarioResult(database, scenario.Name, settings.Concurrency, samples.Length, errors, elapsed,
            LatencySummary.FromTicks(samples), serverCores, clientCores, machineCores, MachineCpu.LoadAverage(), firstError);
    }

    private sealed class RunState(int? requests)
    {
        public int Phase = WarmingUp;

        // With a fixed request count, workers take measured requests from this shared budget.
        public long Remaining = requests ?? long.MaxValue;

        public bool CountLimited { get; } = requests is not null;
    }

    private sealed class Worker(Scenario scenario, HttpClient client, RunState run)
    {
        // Each worker owns its list, so recording a latency needs no synchronisation.
        public List<long> Latencies { get; } = new(capacity: 4096);

        public int Errors { get; private set; }

        public string? FirstError { get; private set; }

        public async Task RunAsync(CancellationToken cancellationToken)
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                var phase = Volatile.Read(ref run.Phase);
                if (phase == Stopped)
                {
                    return;
                }

                var measured = phase == Measuring;
                if (measured && run.CountLimited && Interlocked.Decrement(ref run.Remaining) < 0)
                {
                    return;
                }

                var started = Stopwatch.GetTimestamp();
                string? error;
                try
                {
                    using var request = scenario.CreateRequest();
                    var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    if (response.StatusCode == scenario.ExpectedStatus && scenario.FollowUp is { } followUp)
                    {
                        using var next = await followUp(response, cancellationToken);
                        response.Dispose();
                        response = next is null
                            ? new HttpResponseMessage(System.Net.HttpStatusCode.UnprocessableEntity) { ReasonPhrase = "the first answer allowed no follow-up", Content = new StringContent("") }
                            : await client.SendAsync(next, HttpCompletionOption.ResponseContentRead, cancellationToken);
                    }

                    using var _ = response;
                    var elapsed = Stopwatch.GetTimestamp() - started;
                    if (response.StatusCode == scenario.ExpectedStatus)
                    {
                        if (measured)
                        {
                            Latencies.Add(elapsed);
                        }

                        continue;
                    }

                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    error = $"{(int)response.StatusCode} {response.ReasonPhrase}: {body[..Math.Min(body.Length, 300)]}";
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception exception) when (exception is HttpRequestException or SocketException or TaskCanceledException or IOException)
                {
                    error = $"{exception.GetType().Name}: {exception.Message}";
                }

                if (measured)
                {
                    Errors++;
                    FirstError ??= error;
                }
            }
        }
    }
}
