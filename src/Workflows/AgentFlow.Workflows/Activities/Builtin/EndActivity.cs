using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Ends the workflow instance; the executor finishes the instance when a token reaches this node.</summary>
/// <remarks>It declares no outcomes, so the validator rejects edges leaving it.</remarks>
[Activity("core.end", Category = "Core", DisplayName = "End", Icon = "square",
    Description = "Ends the workflow instance, optionally with a result.")]
[ActivityOutcomes]
public sealed class EndActivity : IActivity
{
    /// <summary>The result of the instance.</summary>
    [ActivityInput(Description = "The result of the workflow instance (any JSON value).", UiHint = "json")]
    [ActivityOutput(Description = "The result the instance ended with.")]
    public JsonNode? Result { get; set; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) =>
        ValueTask.FromResult(ActivityResult.Complete(outputs: new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["result"] = Result?.DeepClone() }));
}
