using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>
/// Sends an HTTP request through the outbox (so it happens once the step is committed) and, by default, waits
/// for the dispatcher to report the response.
/// </summary>
[Activity("http.request", Category = "HTTP", DisplayName = "HTTP request", Icon = "send", Kind = ActivityKind.Job,
    Description = "Calls an HTTP endpoint. Continues through Done on a 2xx response and through Failed otherwise.")]
[ActivityOutcomes("Done", "Failed")]
public sealed class HttpRequestActivity : IActivity
{
    /// <summary>The outbox message kind of the request.</summary>
    public const string MessageKind = "http";

    /// <summary>The absolute URL.</summary>
    [ActivityInput(Description = "The absolute http or https URL to call.", Required = true)]
    public string Url { get; set; } = "";

    /// <summary>The HTTP method.</summary>
    [ActivityInput(Description = "The HTTP method.", Default = "\"GET\"", UiHint = "select:GET,POST,PUT,PATCH,DELETE")]
    public string Method { get; set; } = "GET";

    /// <summary>Request headers.</summary>
    [ActivityInput(Description = "Request headers by name.", UiHint = "keyValue")]
    public JsonObject? Headers { get; set; }

    /// <summary>The request body.</summary>
    [ActivityInput(Description = "The request body; objects and arrays are sent as JSON.", UiHint = "json")]
    public JsonNode? Body { get; set; }

    /// <summary>Whether to wait for the response.</summary>
    [ActivityInput(Description = "Wait for the response (otherwise continue as soon as the request is queued).", Default = "true")]
    public bool WaitForResponse { get; set; } = true;

    /// <summary>The response status.</summary>
    [ActivityOutput(Description = "The response status code.")]
    public int? StatusCode { get; }

    /// <summary>The response body.</summary>
    [ActivityOutput(Name = "body", Description = "The response body (parsed JSON when the response was JSON).")]
    public JsonNode? ResponseBody { get; }

    /// <summary>The response headers.</summary>
    [ActivityOutput(Name = "headers", Description = "The response headers.")]
    public JsonObject? ResponseHeaders { get; }

    /// <summary>Why the request failed.</summary>
    [ActivityOutput(Description = "Why the request failed (no response, or a non-2xx status).")]
    public string? Error { get; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        if (!Uri.TryCreate(Url?.Trim(), UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return ValueTask.FromResult(ActivityResult.Fail($"\"{Url}\" is not an absolute http or https URL."));
        }

        var method = Method?.Trim().ToUpperInvariant() ?? "";
        if (method.Length == 0 || !method.All(char.IsAsciiLetterUpper))
        {
            return ValueTask.FromResult(ActivityResult.Fail($"\"{Method}\" is not an HTTP method."));
        }

        var payload = new JsonObject
        {
            ["url"] = url.AbsoluteUri,
            ["method"] = method,
            ["headers"] = Headers?.DeepClone() ?? new JsonObject(),
            ["body"] = Body?.DeepClone(),
        };
        if (WaitForResponse)
        {
            // The key changes with every attempt, so a retried step never picks up the previous attempt's response.
            payload["responseKey"] = context.IdempotencyKey;
        }

        context.Emit(new OutboxMessage(MessageKind, payload));
        return ValueTask.FromResult(WaitForResponse
            ? ActivityResult.Suspend(new Wait(WaitKind.Job, context.IdempotencyKey))
            : ActivityResult.Complete());
    }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent)
    {
        var response = resumeEvent.Payload as JsonObject;
        var statusCode = response?["statusCode"] is JsonValue status && status.GetValueKind() == JsonValueKind.Number
            && status.TryGetValue<int>(out var code) ? code : (int?)null;
        var error = response?["error"] is JsonValue e && e.GetValueKind() == JsonValueKind.String ? e.GetValue<string>() : null;
        if (error is null && statusCode is null)
        {
            error = "The request produced no response.";
        }
        else if (error is null && statusCode is not (>= 200 and <= 299))
        {
            error = string.Create(CultureInfo.InvariantCulture, $"The server answered with status {statusCode}.");
        }

        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["statusCode"] = statusCode,
            ["body"] = response?["body"]?.DeepClone(),
            ["headers"] = response?["headers"]?.DeepClone(),
            ["error"] = error,
        };
        return ValueTask.FromResult(ActivityResult.Complete(error is null ? "Done" : "Failed", outputs));
    }
}
