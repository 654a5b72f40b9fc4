using System.Globalization;
using System.Text.Json;
using AgentFlow.Plugins.Deployment;
using AgentFlow.Plugins.Skills;
using Microsoft.Extensions.Logging;

namespace AgentFlow.Deployers.Local;

/// <summary>
/// Runs an agent as a process on the server's machine: the bundled agent runtime (<c>agent-runtime/AgentFlow.AgentRuntime.dll</c>
/// next to the Host), started with <c>dotnet</c>, listening on a loopback port, its workspace and logs in the deployment's
/// working directory. The process outlives the Host: it is found again by pid and start time (never by a handle kept in
/// memory), so a restarted server still knows, stops and destroys what it started. docs/deployers.md.
/// </summary>
/// <remarks>One instance serves every deployment, concurrently: everything per deployment is in <see cref="DeployContext.State"/> and the marker file.</remarks>
public sealed partial class LocalDeployTarget : IDeployTarget
{
    internal const string RuntimePathKey = "runtimePath";
    internal const string PortKey = "port";
    internal const string DotnetPathKey = "dotnetPath";

    internal const string PidState = "pid";
    internal const string StartState = "processStart";
    internal const string PortState = "port";
    internal const string UrlState = "url";
    internal const string StoppedAtState = "stoppedAt";

    internal const string WorkspaceFolder = "workspace";
    internal const string LogsFolder = "logs";
    internal const string MarkerFile = "local-deployment.json";
    internal const string AgentKeyVariable = "AGENTFLOW_AGENT_KEY";

    private static readonly TimeSpan VerifyTimeout = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan GracefulStopTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private static readonly string[] CreatedFolders = [WorkspaceFolder, LogsFolder];

    private readonly ILogger<LocalDeployTarget> _logger;
    private readonly TimeProvider _time;

    /// <summary>Creates the target with what the host's plugin container offers.</summary>
    /// <param name="logger">The server-side log (the deployment's own progress goes to <see cref="DeployContext.Log"/>).</param>
    /// <param name="time">The clock.</param>
    public LocalDeployTarget(ILogger<LocalDeployTarget> logger, TimeProvider time)
    {
        _logger = logger;
        _time = time;
    }

    /// <inheritdoc />
    public string Id => "local";

    /// <inheritdoc />
    public string DisplayName => "Local process";

    /// <inheritdoc />
    public string Description =>
        "Runs the agent as a process on the server's machine (the bundled agent runtime, started with dotnet on a loopback port).";

    /// <inheritdoc />
    public IReadOnlyList<DeployConfigField> ConfigSchema { get; } =
    [
        new(RuntimePathKey, "Runtime path", ConfigFieldKind.Text, Required: false)
        {
            Description = "Path of AgentFlow.AgentRuntime.dll; empty for the runtime bundled with the server (agent-runtime/ next to it).",
        },
        new(PortKey, "Port", ConfigFieldKind.Number, Required: false)
        {
            Description = "The loopback port the agent listens on; 0 picks a free one.",
            DefaultValue = "0",
        },
        new(DotnetPathKey, "dotnet path", ConfigFieldKind.Text, Required: false)
        {
            Description = "The dotnet executable; empty for the one running the server (or dotnet on the PATH).",
        },
    ];

    /// <summary>The runtime bundled with the Host: <c>&lt;Host base directory&gt;/agent-runtime/AgentFlow.AgentRuntime.dll</c>.</summary>
    public static string DefaultRuntimePath => Path.Combine(AppContext.BaseDirectory, "agent-runtime", "AgentFlow.AgentRuntime.dll");

    /// <inheritdoc />
    public Task<IReadOnlyList<DeployProblem>> ValidateAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var problems = new List<DeployProblem>();
        var runtime = RuntimePath(context);
        if (!File.Exists(runtime))
        {
            problems.Add(new(RuntimePathKey, $"The agent runtime \"{runtime}\" does not exist; build or publish the server with its agent-runtime folder, or set runtimePath."));
        }

        if (!TryReadPort(context, out _))
        {
            problems.Add(new(PortKey, "The port must be a whole number from 0 (pick a free one) to 65535."));
        }

        var dotnet = DotnetPath(context);
        if (Path.IsPathRooted(dotnet) && !File.Exists(dotnet))
        {
            problems.Add(new(DotnetPathKey, $"\"{dotnet}\" does not exist."));
        }

        if (string.IsNullOrEmpty(context.WorkingDirectory))
        {
            problems.Add(new(null, "The deployment has no working directory."));
        }

        context.Log.Info(problems.Count == 0 ? $"Local target: configuration is valid (runtime {runtime})." : $"Local target: {problems.Count} problem(s) found.");
        return Task.FromResult<IReadOnlyList<DeployProblem>>(problems);
    }

    /// <inheritdoc />
    public Task<DeployStepResult> ProvisionAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = Root(context);
        Directory.CreateDirectory(Path.Combine(root, WorkspaceFolder));
        Directory.CreateDirectory(Path.Combine(root, LogsFolder));
        var marker = Marker.Read(root);
        if (marker is null)
        {
            new Marker(context.DeploymentId, 0, null, 0).Write(root);
        }
        else if (marker.DeploymentId != context.DeploymentId)
        {
            return Task.FromResult(DeployStepResult.Failed($"{root} belongs to another deployment ({marker.DeploymentId})."));
        }

        context.Log.Info($"Provisioned {root} (workspace/, logs/).");
        LogPhase(_logger, "provision", context.DeploymentId, root);
        return Task.FromResult(DeployStepResult.Ok($"Folders ready in {root}."));
    }

    /// <inheritdoc />
    public Task<DeployStepResult> ConfigureAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = Root(context);
        var workspace = Path.Combine(root, WorkspaceFolder);
        if (WorkspaceWriter.Check(workspace, context.Workspace) is { } problem)
        {
            return Task.FromResult(DeployStepResult.Failed(problem));
        }

        if (!Directory.Exists(workspace))
        {
            return Task.FromResult(DeployStepResult.Failed($"{root} is not provisioned; run the provision phase first."));
        }

        var (written, removed) = WorkspaceWriter.Write(workspace, context.Workspace);
        context.Log.Info($"Workspace: {context.Workspace.Count} file(s), {written} written, {removed} removed.");
        LogPhase(_logger, "configure", context.DeploymentId, root);
        return Task.FromResult(DeployStepResult.Ok($"Workspace written ({context.Workspace.Count} file(s))."));
    }

    /// <inheritdoc />
    public Task<DeployStepResult> DeployAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = Root(context);
        if (!Directory.Exists(Path.Combine(root, WorkspaceFolder)))
        {
            return Task.FromResult(DeployStepResult.Failed($"{root} is not provisioned; run the provision phase first."));
        }

        // Idempotent: the process this deployment started (recorded in State or, after a crash before State was saved,
        // in the marker file) is kept, never doubled.
        if (Running(context) is { } running)
        {
            context.Log.Info($"The agent runtime already runs (pid {running.Pid}) at {UrlOf(running.Port)}.");
            return Task.FromResult(DeployStepResult.Ok($"Already running at {UrlOf(running.Port)}.", StateOf(running)));
        }

        var runtime = RuntimePath(context);
        if (!File.Exists(runtime))
        {
            return Task.FromResult(DeployStepResult.Failed($"The agent runtime \"{runtime}\" does not exist."));
        }

        if (!TryReadPort(context, out var port))
        {
            return Task.FromResult(DeployStepResult.Failed("The port must be a whole number from 0 to 65535."));
        }

        // Port 0: keep the one used before (a restart keeps the agent's address), else pick a free one.
        if (port == 0)
        {
            port = int.TryParse(context.State.GetValueOrDefault(PortState), NumberStyles.None, CultureInfo.InvariantCulture, out var previous) && previous is > 0 and <= 65535
                ? previous
                : LocalProcess.FreeLoopbackPort();
        }

        var environment = new Dictionary<string, string>(context.Environment, StringComparer.Ordinal)
        {
            ["AGENTFLOW_WORKSPACE"] = Path.Combine(root, WorkspaceFolder),
            ["ASPNETCORE_URLS"] = UrlOf(port),
        };
        var logs = Path.Combine(root, LogsFolder);
        Directory.CreateDirectory(logs);
        var dotnet = DotnetPath(context);
        var (pid, start) = LocalProcess.Start(dotnet, runtime, root, Path.Combine(logs, "stdout.log"), Path.Combine(logs, "stderr.log"), environment);
        var started = new Marker(context.DeploymentId, pid, start, port);
        started.Write(root);
        context.Log.Info($"Started the agent runtime (pid {pid}) on {UrlOf(port)}; logs in {logs}.");
        LogStarted(_logger, context.DeploymentId, pid, port);
        var state = StateOf(started);
        state[StoppedAtState] = "";
        return Task.FromResult(DeployStepResult.Ok($"Started (pid {pid}) at {UrlOf(port)}.", state));
    }

    /// <inheritdoc />
    public async Task<DeployStepResult> VerifyAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Recorded(context) is not { } process)
        {
            return DeployStepResult.Failed("The agent runtime was not started; run the deploy phase first.");
        }

        using var http = new HttpClient { Timeout = ProbeTimeout };
        var deadline = _time.GetUtcNow() + VerifyTimeout;
        context.Log.Info($"Waiting for {UrlOf(process.Port)}/health (up to {VerifyTimeout.TotalSeconds:0} s).");
        while (true)
        {
            if (!LocalProcess.IsAlive(process.Pid, process.StartMark!))
            {
                return DeployStepResult.Failed($"The agent runtime (pid {process.Pid}) exited. {LastLines(Path.Combine(Root(context), LogsFolder, "stderr.log"))}".TrimEnd());
            }

            if (await IsHealthyAsync(http, process.Port, cancellationToken))
            {
                context.Log.Info($"The agent answers at {UrlOf(process.Port)}.");
                return DeployStepResult.Ok($"Healthy at {UrlOf(process.Port)}.");
            }

            if (_time.GetUtcNow() >= deadline)
            {
                return DeployStepResult.Failed($"The agent runtime (pid {process.Pid}) did not answer {UrlOf(process.Port)}/health within {VerifyTimeout.TotalSeconds:0} s.", retryable: true);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), _time, cancellationToken);
        }
    }

    /// <inheritdoc />
    public async Task<DeploymentStatus> GetStatusAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (Recorded(context) is not { } process)
        {
            return context.State.ContainsKey(StoppedAtState) && Directory.Exists(Path.Combine(Root(context), WorkspaceFolder))
                ? new DeploymentStatus(DeploymentState.Stopped, "Stopped.")
                : new DeploymentStatus(DeploymentState.NotDeployed, "Not started.");
        }

        var details = new Dictionary<string, string>
        {
            [PidState] = process.Pid.ToString(CultureInfo.InvariantCulture),
            [PortState] = process.Port.ToString(CultureInfo.InvariantCulture),
            ["logs"] = Path.Combine(Root(context), LogsFolder),
        };
        if (!LocalProcess.IsAlive(process.Pid, process.StartMark!))
        {
            return new DeploymentStatus(DeploymentState.Failed, $"The agent runtime (pid {process.Pid}) is not running.") { Details = details };
        }

        using var http = new HttpClient { Timeout = ProbeTimeout };
        var endpoint = new Uri(UrlOf(process.Port) + "/");
        return await IsHealthyAsync(http, process.Port, cancellationToken)
            ? new DeploymentStatus(DeploymentState.Running, $"Running (pid {process.Pid}).") { Endpoint = endpoint, Details = details }
            : new DeploymentStatus(DeploymentState.Starting, $"The process (pid {process.Pid}) runs but its health check does not answer yet.") { Endpoint = endpoint, Details = details };
    }

    /// <inheritdoc />
    public async Task<DeployStepResult> StopAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = Root(context);
        var stopped = new Dictionary<string, string>
        {
            [PidState] = "",
            [StartState] = "",
            [UrlState] = "",
            [StoppedAtState] = _time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture),
        };
        if (Recorded(context) is not { } process || !LocalProcess.IsAlive(process.Pid, process.StartMark!))
        {
            ClearMarkerProcess(context, root);
            context.Log.Info("The agent runtime is not running.");
            return DeployStepResult.Ok("Not running.", stopped);
        }

        // Graceful first (the runtime finishes what it can and reports), then the whole tree after the grace period.
        var signalled = await LocalProcess.SignalTerminateAsync(process.Pid, cancellationToken)
                        || await PostShutdownAsync(process.Port, context.Environment.GetValueOrDefault(AgentKeyVariable), cancellationToken);
        context.Log.Info(signalled ? $"Asked the agent runtime (pid {process.Pid}) to stop." : $"Could not ask the agent runtime (pid {process.Pid}) to stop; killing it.");
        var deadline = _time.GetUtcNow() + GracefulStopTimeout;
        while (signalled && LocalProcess.IsAlive(process.Pid, process.StartMark!) && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), _time, cancellationToken);
        }

        if (LocalProcess.IsAlive(process.Pid, process.StartMark!))
        {
            context.Log.Warning($"The agent runtime (pid {process.Pid}) did not stop within {GracefulStopTimeout.TotalSeconds:0} s; killed.");
            LocalProcess.Kill(process.Pid, process.StartMark!);
        }

        ClearMarkerProcess(context, root);
        LogStopped(_logger, context.DeploymentId, process.Pid);
        return DeployStepResult.Ok($"Stopped (pid {process.Pid}).", stopped);
    }

    /// <inheritdoc />
    public async Task<DeployStepResult> RestartAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stop = await StopAsync(context, cancellationToken);
        if (!stop.Succeeded)
        {
            return stop;
        }

        var afterStop = Merge(context, stop.State);
        var deploy = await DeployAsync(afterStop, cancellationToken);
        if (!deploy.Succeeded)
        {
            return deploy with { State = CombineUpdates(stop.State, deploy.State) };
        }

        var verify = await VerifyAsync(Merge(afterStop, deploy.State), cancellationToken);
        var state = CombineUpdates(stop.State, deploy.State);
        return verify.Succeeded ? DeployStepResult.Ok($"Restarted: {deploy.Message}", state) : verify with { State = state };
    }

    /// <inheritdoc />
    public async Task<DeployStepResult> HotUpdateAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var configured = await ConfigureAsync(context, cancellationToken);
        if (!configured.Succeeded)
        {
            return configured;
        }

        if (Recorded(context) is not { } process || !LocalProcess.IsAlive(process.Pid, process.StartMark!))
        {
            context.Log.Info("The agent runtime is not running: the new workspace applies at its next start.");
            return DeployStepResult.Ok("Workspace written; applied at the next start.");
        }

        if (context.Environment.GetValueOrDefault(AgentKeyVariable) is not { Length: > 0 } key)
        {
            // The server keeps no copy of the agent's key: the runtime watches its workspace and reloads on its own.
            context.Log.Info("Workspace rewritten; the agent runtime reloads it when it sees the change.");
            return DeployStepResult.Ok("Workspace updated; the runtime reloads it on change.");
        }

        using var http = new HttpClient { Timeout = ProbeTimeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{UrlOf(process.Port)}/reload"));
        request.Headers.Add("X-API-Key", key);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return DeployStepResult.Failed($"The agent runtime refused the reload ({(int)response.StatusCode}).");
            }
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return DeployStepResult.Failed($"The agent runtime did not answer the reload: {e.Message}", retryable: true);
        }

        context.Log.Info("The agent runtime reloaded its workspace.");
        return DeployStepResult.Ok("Workspace updated and reloaded.");
    }

    /// <inheritdoc />
    public async Task<DeployStepResult> DestroyAsync(DeployContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var stop = await StopAsync(context, cancellationToken);
        var root = Root(context);
        if (Marker.Read(root) is { } marker && marker.DeploymentId != context.DeploymentId)
        {
            return DeployStepResult.Failed($"{root} belongs to another deployment ({marker.DeploymentId}); nothing removed.");
        }

        // Only what Provision created: the working directory itself belongs to the server.
        foreach (var folder in CreatedFolders)
        {
            var path = Path.Combine(root, folder);
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }

        if (File.Exists(Path.Combine(root, MarkerFile)))
        {
            File.Delete(Path.Combine(root, MarkerFile));
        }

        context.Log.Info($"Removed the agent's folders from {root}.");
        var state = new Dictionary<string, string>(stop.State) { [PortState] = "", [StoppedAtState] = "" };
        return DeployStepResult.Ok("Destroyed.", state);
    }

    private static string Root(DeployContext context) => Path.GetFullPath(context.WorkingDirectory);

    private static string UrlOf(int port) => $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";

    private static string RuntimePath(DeployContext context) =>
        context.Config.GetValueOrDefault(RuntimePathKey) is { Length: > 0 } path ? Path.GetFullPath(path.Trim()) : DefaultRuntimePath;

    /// <summary>The dotnet that runs the Host (same runtime version), else the one on the PATH.</summary>
    private static string DotnetPath(DeployContext context)
    {
        if (context.Config.GetValueOrDefault(DotnetPathKey) is { Length: > 0 } configured)
        {
            return configured.Trim();
        }

        var self = Environment.ProcessPath;
        return self is not null && Path.GetFileNameWithoutExtension(self).Equals("dotnet", StringComparison.OrdinalIgnoreCase) ? self : "dotnet";
    }

    private static bool TryReadPort(DeployContext context, out int port)
    {
        var text = context.Config.GetValueOrDefault(PortKey);
        if (string.IsNullOrWhiteSpace(text))
        {
            port = 0;
            return true;
        }

        return int.TryParse(text.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out port) && port <= 65535;
    }

    /// <summary>The process recorded for the deployment: State first, else the marker file (a crash before State was saved).</summary>
    private static Marker? Recorded(DeployContext context)
    {
        if (int.TryParse(context.State.GetValueOrDefault(PidState), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) && pid > 0
            && context.State.GetValueOrDefault(StartState) is { Length: > 0 } start
            && int.TryParse(context.State.GetValueOrDefault(PortState), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return new Marker(context.DeploymentId, pid, start, port);
        }

        return Marker.Read(Root(context)) is { Pid: > 0, StartMark: not null } marker && marker.DeploymentId == context.DeploymentId ? marker : null;
    }

    private static Marker? Running(DeployContext context) =>
        Recorded(context) is { } process && LocalProcess.IsAlive(process.Pid, process.StartMark!) ? process : null;

    private static Dictionary<string, string> StateOf(Marker process) => new()
    {
        [PidState] = process.Pid.ToString(CultureInfo.InvariantCulture),
        [StartState] = process.StartMark ?? "",
        [PortState] = process.Port.ToString(CultureInfo.InvariantCulture),
        [UrlState] = UrlOf(process.Port),
    };

    private static void ClearMarkerProcess(DeployContext context, string root)
    {
        if (Marker.Read(root) is { } marker && marker.DeploymentId == context.DeploymentId)
        {
            (marker with { Pid = 0, StartMark = null }).Write(root);
        }
    }

    private static async Task<bool> IsHealthyAsync(HttpClient http, int port, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync(new Uri($"{UrlOf(port)}/health"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static async Task<bool> PostShutdownAsync(int port, string? agentKey, CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = ProbeTimeout };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"{UrlOf(port)}/shutdown"));
        request.Headers.Add("X-API-Key", agentKey ?? "");
        try
        {
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private static string LastLines(string file)
    {
        try
        {
            return File.Exists(file) ? "stderr: " + string.Join(" | ", File.ReadLines(file).TakeLast(5)) : "";
        }
        catch (IOException)
        {
            return "";
        }
    }

    /// <summary>The context as the next phase sees it: State updates merged the way the server does (an empty value removes the key).</summary>
    private static DeployContext Merge(DeployContext context, IReadOnlyDictionary<string, string> updates)
    {
        var merged = new Dictionary<string, string>(context.State);
        foreach (var (key, value) in updates)
        {
            if (value.Length == 0)
            {
                merged.Remove(key);
            }
            else
            {
                merged[key] = value;
            }
        }

        return context with { State = merged };
    }

    /// <summary>Two successive State updates as one (the later wins; empty values kept, they are removals for the server).</summary>
    private static Dictionary<string, string> CombineUpdates(IReadOnlyDictionary<string, string> first, IReadOnlyDictionary<string, string> second)
    {
        var combined = new Dictionary<string, string>(first);
        foreach (var (key, value) in second)
        {
            combined[key] = value;
        }

        return combined;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Local target: {Phase} of deployment {DeploymentId} in {Directory}")]
    private static partial void LogPhase(ILogger logger, string phase, Guid deploymentId, string directory);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local target: deployment {DeploymentId} started pid {Pid} on port {Port}")]
    private static partial void LogStarted(ILogger logger, Guid deploymentId, int pid, int port);

    [LoggerMessage(Level = LogLevel.Information, Message = "Local target: deployment {DeploymentId} stopped pid {Pid}")]
    private static partial void LogStopped(ILogger logger, Guid deploymentId, int pid);

    /// <summary>
    /// local-deployment.json in the working directory: which deployment owns the folders and which process it started,
    /// so a phase interrupted before the server saved State still finds (and never doubles) the process.
    /// </summary>
    private sealed record Marker(Guid DeploymentId, int Pid, string? StartMark, int Port)
    {
        private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

        public static Marker? Read(string root)
        {
            var path = Path.Combine(root, MarkerFile);
            try
            {
                return File.Exists(path) ? JsonSerializer.Deserialize<Marker>(File.ReadAllText(path), Json) : null;
            }
            catch (JsonException)
            {
                return null;
            }
        }

        public void Write(string root)
        {
            var path = Path.Combine(root, MarkerFile);
            var temporary = path + ".tmp";
            File.WriteAllText(temporary, JsonSerializer.Serialize(this, Json));
            File.Move(temporary, path, overwrite: true);
        }
    }
}
