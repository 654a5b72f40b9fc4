using System.Diagnostics;

namespace AgentFlow.Host.Middleware;

/// <summary>One structured line per request: method, path, status, duration, request id, client.</summary>
internal sealed partial class RequestLoggingMiddleware(RequestDelegate next, ILogger<RequestLoggingMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context);
        }
        finally
        {
            var status = context.Response.StatusCode;
            var level = status >= 500 ? LogLevel.Error : status >= 400 ? LogLevel.Warning : LogLevel.Information;
            if (logger.IsEnabled(level))
            {
                var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                var client = context.Connection.RemoteIpAddress?.ToString();
                var path = context.Request.Path.Value ?? "/";
                LogRequest(logger, level, context.Request.Method, path, status, elapsed, context.TraceIdentifier, client);
            }
        }
    }

    [LoggerMessage(EventId = 4001, EventName = "HttpRequest", Message = "{Method} {Path} {StatusCode} {ElapsedMs:0.0}ms req={RequestId} client={ClientIp}")]
    private static partial void LogRequest(ILogger logger, LogLevel level, string method, string path, int statusCode, double elapsedMs, string requestId, string? clientIp);
}
