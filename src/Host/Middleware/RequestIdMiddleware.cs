using System.Text.RegularExpressions;

namespace AgentFlow.Host.Middleware;

/// <summary>
/// Every response carries <c>X-Request-Id</c>: the caller's, when it is a sane token, else a new one. The id is
/// also the request's trace identifier, so logs and problem details quote the same value.
/// </summary>
internal sealed partial class RequestIdMiddleware(RequestDelegate next)
{
    public const string HeaderName = "X-Request-Id";

    public Task InvokeAsync(HttpContext context)
    {
        var incoming = context.Request.Headers[HeaderName].ToString();
        var requestId = SafeId().IsMatch(incoming) ? incoming : Guid.CreateVersion7().ToString("N");
        context.TraceIdentifier = requestId;
        context.Response.OnStarting(() =>
        {
            context.Response.Headers[HeaderName] = requestId;
            return Task.CompletedTask;
        });
        return next(context);
    }

    // Echoing arbitrary input into headers and logs invites injection; accept only short plain tokens.
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$", RegexOptions.CultureInvariant)]
    private static partial Regex SafeId();
}
