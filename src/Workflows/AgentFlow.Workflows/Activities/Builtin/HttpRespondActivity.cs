using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>
/// Answers the HTTP request that started or resumed the current burst of steps. The runtime takes the
/// "http.response" message out of the outbox and writes it as the reply; it is never dispatched.
/// </summary>
[Activity("http.respond", Category = "HTTP", DisplayName = "HTTP response", Icon = "reply",
    Description = "Answers the HTTP request that triggered or resumed the workflow with a status, headers and a body.")]
public sealed class HttpRespondActivity : IActivity
{
    /// <summary>The outbox message kind of the reply.</summary>
    public const string MessageKind = "http.response";

    /// <summary>The status code.</summary>
    [ActivityInput(Description = "The HTTP status code.", Default = "200")]
    public int Status { get; set; } = 200;

    /// <summary>The body.</summary>
    [ActivityInput(Description = "The response body; objects and arrays are sent as JSON.", UiHint = "json")]
    public JsonNode? Body { get; set; }

    /// <summary>Extra response headers.</summary>
    [ActivityInput(Description = "Response headers by name.", UiHint = "keyValue")]
    public JsonObject? Headers { get; set; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        if (Status is < 100 or > 599)
        {
            return ValueTask.FromResult(ActivityResult.Fail($"{Status} is not an HTTP status code (100-599)."));
        }

        context.Emit(new OutboxMessage(MessageKind, new JsonObject
        {
            ["status"] = Status,
            ["headers"] = Headers?.DeepClone() ?? new JsonObject(),
            ["body"] = Body?.DeepClone(),
        }));
        return ValueTask.FromResult(ActivityResult.Complete());
    }
}
