using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AgentFlow.LoadTests;

/// <summary>
/// The real Host, started as <c>dotnet AgentFlow.Host.dll --urls http://127.0.0.1:PORT</c> with its settings in
/// environment variables, exactly as an operator would run it. Killed on dispose, and when this program exits
/// by any route (Ctrl+C, an exception), so no server is left behind.
/// </summary>
internal sealed class HostProcess : IAsyncDisposable
{
    public const string AdminEmail = "bench-admin@example.com";
    public const string AdminPassword = "bench-password-1234";

    private const int KeptOutputLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly EventHandler _onProcessExit;
    private int _killed;

    private HostProcess(Process process, Uri baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
        _onProcessExit = (_, _) => Kill();
        AppDomain.CurrentDomain.ProcessExit += _onProcessExit;
    }

    public Uri BaseAddress { get; }

    /// <summary>The server's process id, e.g. for attaching dotnet-trace or dotnet-counters while it runs.</summary>
    public int ProcessId => _process.Id;

    /// <summary>CPU time the Host has used so far (all its threads), to tell how much of the machine it took.</summary>
    public TimeSpan CpuTime
    {
        get
        {
            _process.Refresh();
            return _process.TotalProcessorTime;
        }
    }

    public static HostProcess Start(string hostDll, BenchmarkDatabase database, string dataDirectory)
    {
        var port = FreePort();
        var baseAddress = new Uri($"http://127.0.0.1:{port}");
        var start = new ProcessStartInfo("dotnet")
        {
            // The Host's folder is its content root (appsettings.json), as in a deployment; state goes to dataDirectory.
            WorkingDirectory = Path.GetDirectoryName(hostDll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(hostDll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(baseAddress.ToString().TrimEnd('/'));

        var environment = start.Environment;
        environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        environment.Remove("DOTNET_ENVIRONMENT");
        environment["AgentFlow__Database__Provider"] = database.ProviderName;
        environment["ConnectionStrings__AgentFlow"] = database.ConnectionString;
        environment["AgentFlow__DataDirectory"] = dataDirectory;
        environment["AgentFlow__Bootstrap__AdminEmail"] = AdminEmail;
        environment["AgentFlow__Bootstrap__AdminPassword"] = AdminPassword;
        environment["AgentFlow__Bootstrap__CompanyName"] = "Benchmark Co";
        // The benchmark measures the server's work, not the limiter turning requests away (1,000,000 is the maximum allowed).
        environment["AgentFlow__RateLimit__PermitsPerMinute"] = "1000000";
        environment["AgentFlow__RateLimit__AuthPermitsPerMinute"] = "1000000";
        environment["AgentFlow__RateLimit__PerOrganization"] = "false";
        environment["Logging__LogLevel__Default"] = "Warning";

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var host = new HostProcess(process, baseAddress);
        process.OutputDataReceived += (_, e) => host.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => host.Keep(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start `dotnet`.");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>Polls <c>/ready</c> until it answers 200 (migrations done, bootstrap owner created).</summary>
    public async Task WaitUntilReadyAsync(HttpClient client, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(started) < timeout)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The Host exited with code {_process.ExitCode} before it was ready. Its output:\n{Output()}");
            }

            try
            {
                using var response = await client.GetAsync(new Uri(BaseAddress, "/ready"), cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, cancellationToken);
        }

        throw new TimeoutException($"The Host was not ready after {timeout.TotalSeconds:0} s. Its output:\n{Output()}");
    }

    /// <summary>The last lines the Host wrote (it logs warnings and errors only).</summary>
    public string Output() => string.Join('\n', _output);

    public async ValueTask DisposeAsync()
    {
        Kill();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Killed but not reaped in time; nothing more to do.
        }

        AppDomain.CurrentDomain.ProcessExit -= _onProcessExit;
        _process.Dispose();
    }

    private void Kill()
    {
        if (Interlocked.Exchange(ref _killed, 1) == 1)
        {
            return;
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptOutputLines && _output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
