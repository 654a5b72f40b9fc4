using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using AgentFlow.Client;

namespace AgentFlow.AgentRuntime;

/// <summary>The runtime's services and its HTTP surface: /health, /status, /tasks, /reload, /shutdown.</summary>
internal static partial class RuntimeEndpoints
{
    private const string KeyHeader = "X-API-Key";

    public static IServiceCollection AddAgentRuntime(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = RuntimeSettings.From(configuration);
        services.AddSingleton(settings);
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<WorkspaceStore>();
        services.AddHostedService<WorkspaceWatcher>();
        services.AddSingleton<RuntimeState>();
        services.AddHttpClient("agentflow");
        services.AddSingleton(sp =>
        {
            // No server or key: the runtime still starts (health, status, workspace), and every task fails with why.
            if (settings.ServerUrl is null || settings.AgentKey is null)
            {
                return new AgentTaskRunner(null, settings, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IHostApplicationLifetime>(),
                    sp.GetRequiredService<ILogger<AgentTaskRunner>>());
            }

            var http = sp.GetRequiredService<IHttpClientFactory>().CreateClient("agentflow");
            var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = settings.AgentKey, BaseAddress = settings.ServerUrl });
            return new AgentTaskRunner(hook, settings, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IHostApplicationLifetime>(),
                sp.GetRequiredService<ILogger<AgentTaskRunner>>());
        });
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.WriteIndented = false);
        return services;
    }

    public static void MapAgentRuntime(this WebApplication app)
    {
        var state = app.Services.GetRequiredService<RuntimeState>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("AgentFlow.AgentRuntime");
        var settings = app.Services.GetRequiredService<RuntimeSettings>();
        var serverUrl = settings.ServerUrl?.ToString() ?? "(not set)";
        app.Lifetime.ApplicationStarted.Register(() => LogStarted(logger, settings.AgentId, serverUrl, settings.WorkspaceDirectory));
        app.Lifetime.ApplicationStopping.Register(() =>
        {
            state.ShuttingDown = true;
            LogStopping(logger);
        });

        // Open: a health probe carries no secret and reveals nothing beyond "up".
        app.MapGet("/health", (RuntimeSettings s) => state.ShuttingDown
            ? Results.Json(new { status = "shutting-down", agentId = s.AgentId }, statusCode: StatusCodes.Status503ServiceUnavailable)
            : Results.Json(new { status = "healthy", agentId = s.AgentId }));

        app.MapGet("/status", (RuntimeSettings s, WorkspaceStore workspace, AgentTaskRunner runner, TimeProvider time) =>
        {
            var snapshot = workspace.Current;
            var (running, waiting) = runner.Active();
            return Results.Json(new
            {
                agentId = s.AgentId,
                status = state.ShuttingDown ? "shutting-down" : "running",
                startedAt = state.StartedAt,
                uptimeSeconds = (long)(time.GetUtcNow() - state.StartedAt).TotalSeconds,
                serverUrl = s.ServerUrl,
                workspace = new
                {
                    directory = s.WorkspaceDirectory,
                    version = snapshot.Version,
                    loadedAt = snapshot.LoadedAt,
                    files = snapshot.Files.Select(f => new { path = f.Path, size = f.Size, sha256 = f.Sha256 }),
                },
                tasks = new { running, completed = runner.CompletedCount, failed = runner.FailedCount, waitingForApproval = waiting },
                lastActivityAt = runner.LastActivityAt,
            });
        });

        app.MapPost("/tasks", async (HttpContext http, TaskRequest? request, bool? wait, AgentTaskRunner runner) =>
        {
            if (Unauthorized(http, settings) is { } refused)
            {
                return refused;
            }

            if (request is null || string.IsNullOrWhiteSpace(request.ToolId))
            {
                return Results.Json(new { error = "toolId is required", code = "VALIDATION_ERROR" }, statusCode: StatusCodes.Status400BadRequest);
            }

            ToolRisk? risk = null;
            if (!string.IsNullOrEmpty(request.RiskHint))
            {
                if (!Enum.TryParse<ToolRisk>(request.RiskHint, ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
                {
                    return Results.Json(new { error = "riskHint must be low, medium, high or critical", code = "VALIDATION_ERROR" }, statusCode: StatusCodes.Status400BadRequest);
                }

                risk = parsed;
            }

            var task = runner.Start(request.ToolId.Trim(), request.Arguments, risk);
            if (wait == true)
            {
                await task.Done.Task.WaitAsync(http.RequestAborted);
                return Results.Json(new { data = task.ToJson() });
            }

            return Results.Json(new { data = task.ToJson() }, statusCode: StatusCodes.Status202Accepted);
        });

        app.MapGet("/tasks/{id:guid}", (HttpContext http, Guid id, AgentTaskRunner runner) =>
            Unauthorized(http, settings) ?? (runner.Find(id) is { } task
                ? Results.Json(new { data = task.ToJson() })
                : Results.Json(new { error = "No such task", code = "NOT_FOUND" }, statusCode: StatusCodes.Status404NotFound)));

        app.MapPost("/reload", (HttpContext http, WorkspaceStore workspace) =>
        {
            if (Unauthorized(http, settings) is { } refused)
            {
                return refused;
            }

            var snapshot = workspace.Load();
            return Results.Json(new { data = new { version = snapshot.Version, files = snapshot.Files.Count } });
        });

        // The portable "SIGTERM": the Local deploy target uses a signal on Unix, this route where there is none (Windows).
        app.MapPost("/shutdown", (HttpContext http, IHostApplicationLifetime lifetime) =>
        {
            if (Unauthorized(http, settings) is { } refused)
            {
                return refused;
            }

            lifetime.StopApplication();
            return Results.Accepted();
        });
    }

    /// <summary>
    /// The control routes act with the agent's identity (tool calls), so they need the agent's key even on loopback:
    /// another local user must not drive the agent.
    /// </summary>
    private static IResult? Unauthorized(HttpContext http, RuntimeSettings settings)
    {
        var given = http.Request.Headers[KeyHeader].ToString();
        if (settings.AgentKey is null || given.Length == 0)
        {
            return Results.Json(new { error = "X-API-Key with the agent's key is required", code = "UNAUTHORIZED" }, statusCode: StatusCodes.Status401Unauthorized);
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(given), Encoding.UTF8.GetBytes(settings.AgentKey))
            ? null
            : Results.Json(new { error = "Wrong key", code = "FORBIDDEN" }, statusCode: StatusCodes.Status403Forbidden);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent runtime started: agent {AgentId}, server {ServerUrl}, workspace {Workspace}")]
    private static partial void LogStarted(ILogger logger, string agentId, string serverUrl, string workspace);

    [LoggerMessage(Level = LogLevel.Information, Message = "Agent runtime stopping")]
    private static partial void LogStopping(ILogger logger);
}

/// <summary>The body of <c>POST /tasks</c>.</summary>
internal sealed record TaskRequest(string? ToolId, JsonElement? Arguments, string? RiskHint);

/// <summary>Process-wide facts: when it started, whether it is stopping.</summary>
internal sealed class RuntimeState(TimeProvider time)
{
    public DateTimeOffset StartedAt { get; } = time.GetUtcNow();

    public volatile bool ShuttingDown;
}
