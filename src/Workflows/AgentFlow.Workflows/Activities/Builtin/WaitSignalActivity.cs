using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Waits for a named signal sent to this instance.</summary>
[Activity("core.waitSignal", Category = "Events", DisplayName = "Wait for signal", Icon = "bell", Kind = ActivityKind.Blocking,
    Description = "Waits until a signal with this name is sent to the instance, then continues with its payload.")]
public sealed class WaitSignalActivity : IActivity
{
    /// <summary>The signal name.</summary>
    [ActivityInput(Description = "The name of the signal to wait for (e.g. \"documents-received\").", Required = true)]
    public string Name { get; set; } = "";

    /// <summary>The signal payload.</summary>
    [ActivityOutput(Description = "The payload sent with the signal.")]
    public JsonNode? Payload { get; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(
        string.IsNullOrWhiteSpace(Name)
            ? ActivityResult.Fail("The signal name is required.")
            : ActivityResult.Suspend(new Wait(WaitKind.Signal, Name)));

    /// <inheritdoc />
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        ValueTask.FromResult(ActivityResult.Complete(outputs: new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["payload"] = resumeEvent.Payload?.DeepClone(),
        }));
}
