using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.Loader;
using System.Text.Json;
using AgentFlow.Plugins.Deployment;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Deployers;

/// <summary>
/// Loads the bundled Local deploy target from bin/…/plugins/AgentFlow.Deployers.Local (what the Host ships) and
/// creates it the way the plugin loader does. The runtime it starts is the bundled bin/…/agent-runtime.
/// </summary>
public sealed class LocalDeployTargetFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agentflow-local-target-tests", Guid.NewGuid().ToString("N"));
    private AssemblyLoadContext? _context;
    private ServiceProvider? _services;

    public IDeployTarget Target { get; private set; } = null!;

    public string Root => _root;

    public ValueTask InitializeAsync()
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "plugins", "AgentFlow.Deployers.Local");
        _context = new AssemblyLoadContext("local-target-test", isCollectible: true);
        var assembly = _context.LoadFromAssemblyPath(Path.Combine(folder, "AgentFlow.Deployers.Local.dll"));
        var type = assembly.GetType("AgentFlow.Deployers.Local.LocalDeployTarget", throwOnError: true)!;
        _services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).BuildServiceProvider();
        Target = (IDeployTarget)ActivatorUtilities.CreateInstance(_services, type);
        Directory.CreateDirectory(_root);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        _context?.Unload();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

/// <summary>The Local deploy target with real processes: every phase, crash detection, restart, hot update, stop, destroy.</summary>
public sealed class LocalDeployTargetTests(LocalDeployTargetFixture fixture) : IClassFixture<LocalDeployTargetFixture>, IAsyncDisposable
{
    private const string AgentKey = "ek_local_target_test";

    private readonly IDeployTarget _target = fixture.Target;
    private readonly List<Deployment> _deployments = [];
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };

    [Fact]
    public void Schema_DescribesRuntimePathPortAndDotnetPath()
    {
        Assert.Equal("local", _target.Id);
        Assert.Equal(["runtimePath", "port", "dotnetPath"], _target.ConfigSchema.Select(f => f.Key));
        Assert.All(_target.ConfigSchema, f => Assert.False(f.Required));
    }

    [Fact]
    public async Task Deploy_AllPhases_StartsARuntimeThatAnswersHealthAndStatus()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        var deployment = NewDeployment();

        // Act
        var problems = await _target.ValidateAsync(deployment.Context, ct);
        await deployment.RunAsync(_target.ProvisionAsync, ct);
        await deployment.RunAsync(_target.ConfigureAsync, ct);
        await deployment.RunAsync(_target.DeployAsync, ct);
        await deployment.RunAsync(_target.VerifyAsync, ct);
        var status = await _target.GetStatusAsync(deployment.Context, ct);

        // Assert
        Assert.Empty(problems);
        Assert.Equal(DeploymentState.Running, status.State);
        Assert.Equal(new Uri(deployment.Context.State["url"] + "/"), status.Endpoint);
        using var health = await _http.GetAsync(new Uri(status.Endpoint!, "health"), ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("healthy", (await health.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("status").GetString());
        var runtime = await _http.GetFromJsonAsync<JsonElement>(new Uri(status.Endpoint!, "status"), ct);
        Assert.Equal(deployment.Context.AgentId.ToString(), runtime.GetProperty("agentId").GetString());
        Assert.Equal(["AGENTS.md", "skills/weather.md"], Files(runtime));
        Assert.Equal(0, runtime.GetProperty("tasks").GetProperty("running").GetInt32());
        Assert.True(runtime.TryGetProperty("startedAt", out _));
        Assert.True(File.Exists(Path.Combine(deployment.Context.WorkingDirectory, "logs", "stdout.log")));
        Assert.Contains(deployment.Logs, l => l.Contains("Started the agent runtime", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Deploy_Twice_KeepsTheSameProcess()
    {
        var ct = TestContext.Current.CancellationToken;
        var deployment = await StartedAsync(ct);
        var pid = deployment.Context.State["pid"];

        var again = await _target.DeployAsync(deployment.Context, ct);
        // A deploy interrupted before the server saved State: the marker file still finds the process.
        var withoutState = await _target.DeployAsync(deployment.Context with { State = new Dictionary<string, string>() }, ct);

        Assert.True(again.Succeeded);
        Assert.Equal(pid, again.State["pid"]);
        Assert.True(withoutState.Succeeded);
        Assert.Equal(pid, withoutState.State["pid"]);
        Assert.Single(RuntimeProcessesIn(deployment.Context.WorkingDirectory));
    }

    [Fact]
    public async Task GetStatus_ProcessKilled_ReportsFailedAndRestartRunsItAgain()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        var deployment = await StartedAsync(ct);
        var pid = int.Parse(deployment.Context.State["pid"], System.Globalization.CultureInfo.InvariantCulture);
        using (var process = Process.GetProcessById(pid))
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(ct);
        }

        // Act
        var afterKill = await _target.GetStatusAsync(deployment.Context, ct);
        var restart = await deployment.RunAsync(_target.RestartAsync, ct);
        var afterRestart = await _target.GetStatusAsync(deployment.Context, ct);

        // Assert
        Assert.Equal(DeploymentState.Failed, afterKill.State);
        Assert.True(restart.Succeeded, restart.Message);
        Assert.NotEqual(pid.ToString(System.Globalization.CultureInfo.InvariantCulture), deployment.Context.State["pid"]);
        Assert.Equal(DeploymentState.Running, afterRestart.State);
        using var health = await _http.GetAsync(new Uri(afterRestart.Endpoint!, "health"), ct);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task HotUpdate_ChangedWorkspace_RuntimeReloadsIt()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        var deployment = await StartedAsync(ct);
        var url = new Uri(deployment.Context.State["url"] + "/");
        var before = await _http.GetFromJsonAsync<JsonElement>(new Uri(url, "status"), ct);
        deployment.Context = deployment.Context with
        {
            Workspace = new Dictionary<string, string> { ["AGENTS.md"] = "# Agent v2", ["skills/search.md"] = "search" },
        };

        // Act
        var update = await deployment.RunAsync(_target.HotUpdateAsync, ct);
        var after = await _http.GetFromJsonAsync<JsonElement>(new Uri(url, "status"), ct);

        // Assert
        Assert.True(update.Succeeded, update.Message);
        Assert.Equal(["AGENTS.md", "skills/search.md"], Files(after));
        Assert.NotEqual(Sha(before, "AGENTS.md"), Sha(after, "AGENTS.md"));
        Assert.True(after.GetProperty("workspace").GetProperty("version").GetInt32() > before.GetProperty("workspace").GetProperty("version").GetInt32());
        Assert.Equal("# Agent v2", await File.ReadAllTextAsync(Path.Combine(deployment.Context.WorkingDirectory, "workspace", "AGENTS.md"), ct));
        Assert.False(File.Exists(Path.Combine(deployment.Context.WorkingDirectory, "workspace", "skills", "weather.md")));
    }

    [Fact]
    public async Task Stop_RunningAgent_StopsGracefullyAndClosesThePort()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        var deployment = await StartedAsync(ct);
        var pid = int.Parse(deployment.Context.State["pid"], System.Globalization.CultureInfo.InvariantCulture);
        var port = int.Parse(deployment.Context.State["port"], System.Globalization.CultureInfo.InvariantCulture);

        // Act
        var stop = await deployment.RunAsync(_target.StopAsync, ct);
        var status = await _target.GetStatusAsync(deployment.Context, ct);
        var stopAgain = await deployment.RunAsync(_target.StopAsync, ct);

        // Assert
        Assert.True(stop.Succeeded, stop.Message);
        Assert.Equal(DeploymentState.Stopped, status.State);
        Assert.True(stopAgain.Succeeded);
        Assert.False(IsRunning(pid));
        Assert.False(await PortAcceptsAsync(port, ct));
        // SIGTERM, not a kill: the runtime logged its own shutdown.
        Assert.Contains("Agent runtime stopping", await File.ReadAllTextAsync(Path.Combine(deployment.Context.WorkingDirectory, "logs", "stdout.log"), ct), StringComparison.Ordinal);
        Assert.DoesNotContain(deployment.Logs, l => l.Contains("killed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Destroy_RunningAgent_StopsItAndRemovesItsFolders()
    {
        var ct = TestContext.Current.CancellationToken;
        var deployment = await StartedAsync(ct);
        var pid = int.Parse(deployment.Context.State["pid"], System.Globalization.CultureInfo.InvariantCulture);
        var directory = deployment.Context.WorkingDirectory;

        var destroy = await deployment.RunAsync(_target.DestroyAsync, ct);
        var status = await _target.GetStatusAsync(deployment.Context, ct);
        var destroyAgain = await deployment.RunAsync(_target.DestroyAsync, ct);

        Assert.True(destroy.Succeeded, destroy.Message);
        Assert.True(destroyAgain.Succeeded, destroyAgain.Message);
        Assert.False(IsRunning(pid));
        Assert.False(Directory.Exists(Path.Combine(directory, "workspace")));
        Assert.False(Directory.Exists(Path.Combine(directory, "logs")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(directory));
        Assert.Equal(DeploymentState.NotDeployed, status.State);
    }

    [Fact]
    public async Task GetStatus_NeverStarted_IsNotDeployed()
    {
        var deployment = NewDeployment();

        var status = await _target.GetStatusAsync(deployment.Context, TestContext.Current.CancellationToken);

        Assert.Equal(DeploymentState.NotDeployed, status.State);
        Assert.Null(status.Endpoint);
    }

    [Fact]
    public async Task Validate_MissingRuntimeAndBadPort_ReportsBothFields()
    {
        var deployment = NewDeployment();
        var context = deployment.Context with
        {
            Config = new Dictionary<string, string> { ["runtimePath"] = Path.Combine(fixture.Root, "missing", "AgentFlow.AgentRuntime.dll"), ["port"] = "70000" },
        };

        var problems = await _target.ValidateAsync(context, TestContext.Current.CancellationToken);

        Assert.Equal(["port", "runtimePath"], problems.Select(p => p.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Configure_PathEscapingTheWorkspace_FailsAndWritesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        var deployment = NewDeployment();
        await deployment.RunAsync(_target.ProvisionAsync, ct);
        deployment.Context = deployment.Context with
        {
            Workspace = new Dictionary<string, string> { ["AGENTS.md"] = "# Agent", ["../outside.md"] = "escape" },
        };

        var configure = await _target.ConfigureAsync(deployment.Context, ct);

        Assert.False(configure.Succeeded);
        Assert.Contains("../outside.md", configure.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(deployment.Context.WorkingDirectory, "outside.md")));
        Assert.False(File.Exists(Path.Combine(deployment.Context.WorkingDirectory, "workspace", "AGENTS.md")));
    }

    [Fact]
    public async Task RuntimeTasks_WithoutTheAgentKey_AreRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var deployment = await StartedAsync(ct);
        var url = new Uri(deployment.Context.State["url"] + "/");

        using var anonymous = await _http.PostAsJsonAsync(new Uri(url, "tasks"), new { toolId = "web_search" }, ct);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "reload"));
        request.Headers.Add("X-API-Key", "ek_wrong");
        using var wrongKey = await _http.SendAsync(request, ct);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, wrongKey.StatusCode);
    }

    [Fact]
    public async Task RuntimeTask_ApprovalRequiredThenApproved_RunsThroughTheHookAndReportsCompletion()
    {
        // Arrange: a fake of the server's hook routes (EnterpriseHookApprovalTests documents the shapes): the first ask
        // opens an approval, the wait answers approved, the second ask (with the approval id) allows, the completion is recorded.
        var ct = TestContext.Current.CancellationToken;
        var approvalId = Guid.NewGuid();
        var toolCallId = Guid.NewGuid();
        var asks = new System.Collections.Concurrent.ConcurrentQueue<JsonElement>();
        var completions = new System.Collections.Concurrent.ConcurrentQueue<(Guid Id, JsonElement Body, string Key)>();
        await using var server = await Client.EnterpriseHookApprovalTests.StartServerAsync(app =>
        {
            app.MapPost("/api/engine/runtime/tool-calls", (JsonElement body) =>
            {
                asks.Enqueue(body.Clone());
                return body.TryGetProperty("approvalId", out _)
                    ? Microsoft.AspNetCore.Http.Results.Json(new { data = new { allowed = true, requiresApproval = false, reason = "approved", toolCallId } })
                    : Microsoft.AspNetCore.Http.Results.Json(new { data = new { allowed = false, requiresApproval = true, reason = "needs approval", approvalId } });
            });
            app.MapGet("/api/engine/approvals/{id:guid}/wait", (Guid id) => Microsoft.AspNetCore.Http.Results.Json(new { data = new { id, status = "approved" } }));
            app.MapPost("/api/engine/runtime/tool-calls/{id:guid}/complete", (Guid id, JsonElement body, Microsoft.AspNetCore.Http.HttpRequest request) =>
            {
                completions.Enqueue((id, body.Clone(), request.Headers["X-API-Key"].ToString()));
                return Microsoft.AspNetCore.Http.Results.Json(new { data = new { id } });
            });
        });
        var deployment = await StartedAsync(ct, server.Address);
        var url = new Uri(deployment.Context.State["url"] + "/");

        // Act
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "tasks?wait=true"))
        {
            Content = JsonContent.Create(new { toolId = "agenticmail_send", arguments = new { to = "a@example.com" } }),
        };
        request.Headers.Add("X-API-Key", AgentKey);
        using var response = await _http.SendAsync(request, ct);
        var task = (await response.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("data");
        var status = await _http.GetFromJsonAsync<JsonElement>(new Uri(url, "status"), ct);

        // Assert
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("completed", task.GetProperty("status").GetString());
        Assert.Equal(toolCallId, task.GetProperty("toolCallId").GetGuid());
        Assert.Equal(approvalId, task.GetProperty("approvalId").GetGuid());
        Assert.Equal(2, asks.Count);
        Assert.Equal(approvalId, asks.Last().GetProperty("approvalId").GetGuid());
        var completion = Assert.Single(completions);
        Assert.Equal(toolCallId, completion.Id);
        Assert.True(completion.Body.GetProperty("success").GetBoolean());
        Assert.Equal(AgentKey, completion.Key);
        Assert.Equal(1, status.GetProperty("tasks").GetProperty("completed").GetInt32());
        Assert.NotEqual(JsonValueKind.Null, status.GetProperty("lastActivityAt").ValueKind);
    }

    [Fact]
    public async Task RuntimeTask_ApprovalDenied_FailsWithTheReasonAndNeverRuns()
    {
        // Arrange: the approval stays pending for the first wait, then is denied; the task is polled through GET /tasks/{id}.
        var ct = TestContext.Current.CancellationToken;
        var approvalId = Guid.NewGuid();
        var waits = 0;
        var completions = 0;
        await using var server = await Client.EnterpriseHookApprovalTests.StartServerAsync(app =>
        {
            app.MapPost("/api/engine/runtime/tool-calls", () =>
                Microsoft.AspNetCore.Http.Results.Json(new { data = new { allowed = false, requiresApproval = true, reason = "needs approval", approvalId } }));
            app.MapGet("/api/engine/approvals/{id:guid}/wait", (Guid id) => Interlocked.Increment(ref waits) == 1
                ? Microsoft.AspNetCore.Http.Results.Json(new { data = new { id, status = "pending" } })
                : Microsoft.AspNetCore.Http.Results.Json(new { data = new { id, status = "denied", reason = "not this one" } }));
            app.MapPost("/api/engine/runtime/tool-calls/{id:guid}/complete", () =>
            {
                Interlocked.Increment(ref completions);
                return Microsoft.AspNetCore.Http.Results.Ok();
            });
        });
        var deployment = await StartedAsync(ct, server.Address);
        var url = new Uri(deployment.Context.State["url"] + "/");
        using var start = new HttpRequestMessage(HttpMethod.Post, new Uri(url, "tasks")) { Content = JsonContent.Create(new { toolId = "exec", riskHint = "critical" }) };
        start.Headers.Add("X-API-Key", AgentKey);

        // Act
        using var accepted = await _http.SendAsync(start, ct);
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("data").GetProperty("id").GetGuid();
        JsonElement task;
        var polls = 0;
        do
        {
            Assert.True(++polls < 300, "the task did not finish within 30 s");
            await Task.Delay(100, ct);
            using var poll = new HttpRequestMessage(HttpMethod.Get, new Uri(url, $"tasks/{id}"));
            poll.Headers.Add("X-API-Key", AgentKey);
            using var polled = await _http.SendAsync(poll, ct);
            task = (await polled.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("data");
        }
        while (task.GetProperty("status").GetString() is "running" or "waitingForApproval");

        // Assert
        Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        Assert.Equal("failed", task.GetProperty("status").GetString());
        Assert.Equal("Approval denied: not this one", task.GetProperty("error").GetString());
        Assert.Equal(0, completions);
    }

    public async ValueTask DisposeAsync()
    {
        // No orphans: every process a test started is stopped (Destroy), and killed if that failed.
        foreach (var deployment in _deployments)
        {
            try
            {
                await _target.DestroyAsync(deployment.Context, CancellationToken.None);
            }
            catch (IOException)
            {
            }

            foreach (var pid in deployment.Pids.Where(IsRunning))
            {
                using var process = Process.GetProcessById(pid);
                process.Kill(entireProcessTree: true);
            }
        }

        _http.Dispose();
    }

    private Deployment NewDeployment(Uri? serverUrl = null)
    {
        var directory = Path.Combine(fixture.Root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        var agentId = Guid.NewGuid();
        var deployment = new Deployment(new DeployContext(Guid.NewGuid(), agentId, Guid.NewGuid(), "test-agent")
        {
            WorkingDirectory = directory,
            Workspace = new Dictionary<string, string> { ["AGENTS.md"] = "# Agent", ["skills/weather.md"] = "weather" },
            // A server that is not there: the runtime must start without reaching it.
            Environment = new Dictionary<string, string>
            {
                ["AGENTFLOW_SERVER_URL"] = serverUrl?.ToString() ?? "http://127.0.0.1:9/",
                ["AGENTFLOW_AGENT_ID"] = agentId.ToString(),
                ["AGENTFLOW_AGENT_KEY"] = AgentKey,
            },
        });
        _deployments.Add(deployment);
        return deployment;
    }

    private async Task<Deployment> StartedAsync(CancellationToken ct, Uri? serverUrl = null)
    {
        var deployment = NewDeployment(serverUrl);
        Assert.True((await deployment.RunAsync(_target.ProvisionAsync, ct)).Succeeded);
        Assert.True((await deployment.RunAsync(_target.ConfigureAsync, ct)).Succeeded);
        var deploy = await deployment.RunAsync(_target.DeployAsync, ct);
        Assert.True(deploy.Succeeded, deploy.Message);
        var verify = await deployment.RunAsync(_target.VerifyAsync, ct);
        Assert.True(verify.Succeeded, verify.Message);
        return deployment;
    }

    private static string[] Files(JsonElement status) =>
        [.. status.GetProperty("workspace").GetProperty("files").EnumerateArray().Select(f => f.GetProperty("path").GetString()!)];

    private static string? Sha(JsonElement status, string path) =>
        status.GetProperty("workspace").GetProperty("files").EnumerateArray().Single(f => f.GetProperty("path").GetString() == path).GetProperty("sha256").GetString();

    private static bool IsRunning(int pid)
    {
        // A zombie (killed, not yet reaped by this process) counts as gone, as it does for the target.
        if (OperatingSystem.IsLinux())
        {
            var stat = $"/proc/{pid}/stat";
            return File.Exists(stat) && File.ReadAllText(stat) is var text && text[(text.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>The live runtime processes whose workspace is in <paramref name="directory"/> (Linux: their environment).</summary>
    private static List<int> RuntimeProcessesIn(string directory)
    {
        var found = new List<int>();
        if (!OperatingSystem.IsLinux())
        {
            return found;
        }

        var needle = "AGENTFLOW_WORKSPACE=" + Path.Combine(directory, "workspace") + "\0";
        foreach (var proc in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(proc), out var pid) && IsRunning(pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(proc, "environ")).Contains(needle, StringComparison.Ordinal))
                    {
                        found.Add(pid);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Gone or not ours.
                }
            }
        }

        return found;
    }

    private static async Task<bool> PortAcceptsAsync(int port, CancellationToken ct)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port, ct);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>One deployment's context, carried from phase to phase the way the server does (State merged, empty values removed).</summary>
    private sealed class Deployment(DeployContext context)
    {
        private readonly RecordingLog _log = new();

        public DeployContext Context { get; set; } = context;

        public HashSet<int> Pids { get; } = [];

        public IReadOnlyList<string> Logs => _log.Lines;

        public async Task<DeployStepResult> RunAsync(Func<DeployContext, CancellationToken, Task<DeployStepResult>> phase, CancellationToken ct)
        {
            var result = await phase(Context with { Log = _log }, ct);
            var state = new Dictionary<string, string>(Context.State);
            foreach (var (key, value) in result.State)
            {
                if (value.Length == 0)
                {
                    state.Remove(key);
                }
                else
                {
                    state[key] = value;
                }
            }

            Context = Context with { State = state, Log = _log };
            if (state.TryGetValue("pid", out var pid))
            {
                Pids.Add(int.Parse(pid, System.Globalization.CultureInfo.InvariantCulture));
            }

            return result;
        }
    }

    private sealed class RecordingLog : IDeployLog
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void Info(string message)
        {
            lock (_lines)
            {
                _lines.Add(message);
            }
        }

        public void Warning(string message)
        {
            lock (_lines)
            {
                _lines.Add("warning: " + message);
            }
        }
    }
}
