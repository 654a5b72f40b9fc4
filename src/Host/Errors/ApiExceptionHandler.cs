using System.Text.Json;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Plugins;
using AgentFlow.Host.Endpoints.Workflows;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Runtime;
using Microsoft.AspNetCore.Diagnostics;

namespace AgentFlow.Host.Errors;

/// <summary>Maps exceptions to problem details, once, at the edge. Anything unexpected is a 500 with no internals.</summary>
internal sealed partial class ApiExceptionHandler(ILogger<ApiExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is OperationCanceledException && httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client went away: nobody is left to read a body.
            httpContext.Response.StatusCode = 499;
            return true;
        }

        var problem = exception switch
        {
            InputValidationException e => ApiProblem.Validation(e.Errors),
            ResourceNotFoundException e => ApiProblem.Create(StatusCodes.Status404NotFound, e.Code, e.Message, new { resource = e.Resource, id = e.Id }),
            ResourceConflictException e => ApiProblem.Create(StatusCodes.Status409Conflict, e.Code, e.Message, new { field = e.Field }),
            InvalidTransitionException e => ApiProblem.Create(StatusCodes.Status409Conflict, e.Code, e.Message, new
            {
                state = e.State,
                trigger = AgentTriggerNames.ToName(e.Trigger),
                allowed = e.Allowed.Select(AgentTriggerNames.ToName).ToList(),
            }),
            DeploymentUnavailableException e => ApiProblem.Create(StatusCodes.Status501NotImplemented, e.Code, e.Message),
            DeploymentFailedException e => ApiProblem.Create(StatusCodes.Status502BadGateway, e.Code, e.Message),
            OperationNotAllowedException e => ApiProblem.Create(StatusCodes.Status403Forbidden, e.Code, e.Message),
            PlanLimitExceededException e => ApiProblem.Create(StatusCodes.Status403Forbidden, e.Code, e.Message, e.Details),
            // Workflow errors: a definition's problems are a list (node id, field, message, severity), not a field map.
            WorkflowDefinitionInvalidException e => ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, e.Message,
                e.Problems.Select(WorkflowProblemResponse.From).ToList()),
            WorkflowInputException e => ApiProblem.Validation(e.Errors.ToDictionary(kv => kv.Key, kv => new[] { kv.Value }), e.Message),
            WorkflowNotFoundException e => ApiProblem.Create(StatusCodes.Status404NotFound, ErrorCodes.NotFound, e.Message),
            NoMatchingBookmarkException e => ApiProblem.Create(StatusCodes.Status404NotFound, ErrorCodes.NoMatchingBookmark, e.Message),
            WorkflowConflictException e => ApiProblem.Create(StatusCodes.Status409Conflict, e.Code, e.Message),
            WorkflowStateException e => ApiProblem.Create(StatusCodes.Status409Conflict, ErrorCodes.InvalidState, e.Message),
            PluginPackageException e when e.Code == PluginPackageInstaller.LoadFailed =>
                ApiProblem.Create(StatusCodes.Status422UnprocessableEntity, e.Code, e.Message, new { errors = e.Errors }),
            PluginPackageException e => ApiProblem.Create(StatusCodes.Status400BadRequest, e.Code, e.Message, new { }),
            BadHttpRequestException e => FromBadRequest(e),
            JsonException e => FromJson(e),
            _ => null,
        };

        if (problem is null)
        {
            LogUnhandled(logger, exception, httpContext.Request.Method, httpContext.Request.Path);
            problem = ApiProblem.Create(StatusCodes.Status500InternalServerError, ErrorCodes.InternalError,
                "An unexpected error occurred. Quote the request id when you report it.");
        }

        await ApiProblem.WriteAsync(httpContext, problem);
        return true;
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails FromBadRequest(BadHttpRequestException exception)
    {
        if (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge, "The request body is too large.");
        }

        if (exception.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return ApiProblem.Create(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType, "Send the body as application/json.");
        }

        if (exception.InnerException is JsonException json)
        {
            return FromJson(json);
        }

        // Minimal APIs say "Required parameter ... was not provided" for an empty body or a missing query value.
        return exception.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
            ? ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.MalformedJson, "The request body must be a JSON object.")
            : ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.ValidationError, "The request could not be read.", new Dictionary<string, string[]> { ["request"] = [exception.Message] });
    }

    private static Microsoft.AspNetCore.Mvc.ProblemDetails FromJson(JsonException exception)
    {
        var field = JsonPaths.ToField(exception.Path);
        var unknownField = exception.Message.Contains("could not be mapped", StringComparison.Ordinal);
        var wrongType = exception.Message.Contains("could not be converted", StringComparison.Ordinal);
        if (field is null || !(unknownField || wrongType))
        {
            return ApiProblem.Create(StatusCodes.Status400BadRequest, ErrorCodes.MalformedJson, "The request body is not valid JSON.",
                new { line = exception.LineNumber, position = exception.BytePositionInLine });
        }

        var message = unknownField
            ? $"The field '{field}' is not known."
            : $"The field '{field}' has the wrong type or format.";
        return ApiProblem.Validation(new Dictionary<string, string[]> { [field] = [message] });
    }

    [LoggerMessage(EventId = 3001, EventName = "UnhandledException", Level = LogLevel.Error, Message = "Unhandled exception on {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}

internal static class JsonPaths
{
    /// <summary><c>$.user.name</c> → <c>user.name</c>; <c>$['odd key']</c> → <c>odd key</c>; the root is no field.</summary>
    public static string? ToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Replace("['", string.Empty, StringComparison.Ordinal).Replace("']", string.Empty, StringComparison.Ordinal);
    }
}
