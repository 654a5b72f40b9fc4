using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentFlow.Host.Endpoints.Health;

public sealed record HealthResponse(string Status, string Version, double Uptime);

public sealed record ReadyResponse(bool Ready, IReadOnlyDictionary<string, string> Checks);

/// <summary>Liveness and readiness, unauthenticated and not rate limited, for probes and load balancers.</summary>
internal static class HealthApi
{
    public static readonly string Version =
        typeof(HealthApi).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? typeof(HealthApi).Assembly.GetName().Version?.ToString() ?? "unknown";

    private static readonly DateTimeOffset ProcessStarted = new(System.Diagnostics.Process.GetCurrentProcess().StartTime.ToUniversalTime());

    public static IEndpointRouteBuilder MapHealthApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", GetHealth).WithName("Health").WithSummary("Liveness: the process answers, with its version and uptime").WithTags("Health").AllowAnonymous();
        routes.MapGet("/ready", GetReady).WithName("Ready").WithSummary("Readiness: 200 when the database answers, 503 otherwise").WithTags("Health").AllowAnonymous();
        return routes;
    }

    private static Ok<HealthResponse> GetHealth(TimeProvider time) =>
        TypedResults.Ok(new HealthResponse("ok", Version, Math.Round((time.GetUtcNow() - ProcessStarted).TotalSeconds, 1)));

    private static async Task<Results<Ok<ReadyResponse>, JsonHttpResult<ReadyResponse>>> GetReady(HealthCheckService health, CancellationToken cancellationToken)
    {
        var report = await health.CheckHealthAsync(cancellationToken);
        var checks = report.Entries.ToDictionary(e => e.Key, e => e.Value.Status == HealthStatus.Healthy ? "ok" : "unhealthy");
        var body = new ReadyResponse(report.Status == HealthStatus.Healthy, checks);
        return report.Status == HealthStatus.Healthy
            ? TypedResults.Ok(body)
            : TypedResults.Json(body, statusCode: StatusCodes.Status503ServiceUnavailable);
    }
}

