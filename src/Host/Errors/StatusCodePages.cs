using Microsoft.AspNetCore.Diagnostics;

namespace AgentFlow.Host.Errors;

/// <summary>Gives bodiless error statuses (unknown route, wrong method, ...) the same problem shape as every other error.</summary>
internal static class StatusCodePages
{
    public static Task WriteAsync(StatusCodeContext context)
    {
        var http = context.HttpContext;
        var status = http.Response.StatusCode;
        var problem = status switch
        {
            StatusCodes.Status404NotFound => ApiProblem.Create(status, ErrorCodes.NotFound, $"No resource at {http.Request.Path}.", new { path = http.Request.Path.Value }),
            StatusCodes.Status405MethodNotAllowed => ApiProblem.Create(status, ErrorCodes.MethodNotAllowed, $"{http.Request.Method} is not allowed on {http.Request.Path}.", new { method = http.Request.Method }),
            StatusCodes.Status413PayloadTooLarge => ApiProblem.Create(status, ErrorCodes.PayloadTooLarge, "The request body is too large."),
            StatusCodes.Status415UnsupportedMediaType => ApiProblem.Create(status, ErrorCodes.UnsupportedMediaType, "Send the body as application/json."),
            _ => ApiProblem.Create(status, status >= 500 ? ErrorCodes.InternalError : "HTTP_" + status, Microsoft.AspNetCore.WebUtilities.ReasonPhrases.GetReasonPhrase(status)),
        };
        return ApiProblem.WriteAsync(http, problem);
    }
}
