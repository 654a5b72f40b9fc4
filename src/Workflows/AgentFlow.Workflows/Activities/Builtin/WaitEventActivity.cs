using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Waits for a named platform event, optionally only the one carrying a correlation id.</summary>
[Activity("core.waitEvent", Category = "Events", DisplayName = "Wait for event", Icon = "radio", Kind = ActivityKind.Blocking,
    Description = "Waits until an event with this name (and correlation id, when given) is published, then continues with its payload.")]
public sealed class WaitEventActivity : IActivity
{
    /// <summary>The event name.</summary>
    [ActivityInput(Description = "The name of the event to wait for (e.g. \"invoice.paid\").", Required = true)]
    public string Name { get; set; } = "";

    /// <summary>Only an event with this correlation id matches.</summary>
    [ActivityInput(Description = "When given, only an event carrying this correlation id resumes the node.")]
    public string? CorrelationId { get; set; }

    /// <summary>The event payload.</summary>
    [ActivityOutput(Description = "The payload of the event.")]
    public JsonNode? Payload { get; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        if (string.IsNullOrWhiteSpace(Name))
        {
            return ValueTask.FromResult(ActivityResult.Fail("The event name is required."));
        }

        JsonObject? payload = string.IsNullOrEmpty(CorrelationId) ? null : new JsonObject { ["correlationId"] = CorrelationId };
        return ValueTask.FromResult(ActivityResult.Suspend(new Wait(WaitKind.Event, Name, payload)));
    }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        ValueTask.FromResult(ActivityResult.Complete(outputs: new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["payload"] = resumeEvent.Payload?.DeepClone(),
        }));
}
