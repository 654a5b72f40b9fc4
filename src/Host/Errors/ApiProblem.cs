using Microsoft.AspNetCore.Mvc;

namespace AgentFlow.Host.Errors;

/// <summary>
/// Builds the one error shape of the API: RFC 9457 problem details that also carry the reference system's
/// <c>error</c> (human message), <c>code</c> (machine code) and <c>details</c> (code-specific object).
/// </summary>
internal static class ApiProblem
{
    public static ProblemDetails Create(int status, string code, string message, object? details = null, string? title = null)
    {
        var problem = new ProblemDetails
        {
            Status = status,
            Title = title ?? ReasonPhrase(status),
            Detail = message,
            Type = $"https://agentflow.dev/problems/{code.ToLowerInvariant().Replace('_', '-')}",
        };
        problem.Extensions["error"] = message;
        problem.Extensions["code"] = code;
        problem.Extensions["details"] = details ?? new Dictionary<string, object?>();
        return problem;
    }

    public static ProblemDetails Validation(IReadOnlyDictionary<string, string[]> errors, string? message = null) =>
        Create(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, message ?? "One or more fields are invalid.", errors);

    /// <summary>Writes the problem with the framework's writer, so request id and content type are uniform.</summary>
    public static async Task WriteAsync(HttpContext context, ProblemDetails problem)
    {
        context.Response.StatusCode = problem.Status ?? StatusCodes.Status500InternalServerError;
        var writer = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        if (!await writer.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }))
        {
            // The framework's writer declines when Accept names no JSON type (an EventSource sends
            // text/event-stream): the error is still owed, in the one shape the API has.
            problem.Extensions.TryAdd("requestId", context.TraceIdentifier);
            await context.Response.WriteAsJsonAsync(problem, typeof(ProblemDetails), options: null, contentType: "application/problem+json");
        }
    }

    private static string ReasonPhrase(int status) => Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status);
}

internal static class ErrorCodes
{
    public const string ValidationError = "VALIDATION_ERROR";
    public const string MalformedJson = "MALFORMED_JSON";
    public const string AuthenticationRequired = "AUTHENTICATION_REQUIRED";
    public const string InvalidToken = "INVALID_TOKEN";
    public const string InvalidApiKey = "INVALID_API_KEY";
    public const string InvalidCredentials = "INVALID_CREDENTIALS";
    public const string InsufficientPermissions = "INSUFFICIENT_PERMISSIONS";
    public const string CsrfTokenInvalid = "CSRF_TOKEN_INVALID";
    public const string NotFound = "NOT_FOUND";
    public const string NoMatchingBookmark = "NO_MATCHING_BOOKMARK";
    public const string InvalidState = "INVALID_STATE";
    public const string MethodNotAllowed = "METHOD_NOT_ALLOWED";
    public const string PayloadTooLarge = "PAYLOAD_TOO_LARGE";
    public const string UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE";
    public const string RateLimited = "RATE_LIMITED";
    public const string NotImplemented = "NOT_IMPLEMENTED";
    public const string InternalError = "INTERNAL_ERROR";
    public const string ServiceUnavailable = "SERVICE_UNAVAILABLE";
}
