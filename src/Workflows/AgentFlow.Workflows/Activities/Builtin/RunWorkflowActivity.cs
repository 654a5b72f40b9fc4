using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Starts a child workflow instance and, by default, waits for it to finish.</summary>
[Activity("core.runWorkflow", Category = "Composition", DisplayName = "Run workflow", Icon = "workflow", Kind = ActivityKind.Job,
    Description = "Starts another workflow with an input. When waiting, continues through Done when the child finished and Failed when it faulted or was cancelled.")]
[ActivityOutcomes("Done", "Failed")]
public sealed class RunWorkflowActivity : IActivity
{
    /// <summary>The outbox message kind that starts the child.</summary>
    public const string MessageKind = "workflow.start";

    /// <summary>The definition to start.</summary>
    [ActivityInput(Description = "The definition id of the workflow to start.", Required = true)]
    public string DefinitionId { get; set; } = "";

    /// <summary>The child's input.</summary>
    [ActivityInput(Description = "The input of the child workflow.", UiHint = "json")]
    public JsonObject? Input { get; set; }

    /// <summary>Whether to wait for the child.</summary>
    [ActivityInput(Description = "Wait for the child workflow to finish (otherwise continue once it is queued).", Default = "true")]
    public bool WaitForCompletion { get; set; } = true;

    /// <summary>The child's output.</summary>
    [ActivityOutput(Description = "The output of the child workflow.")]
    public JsonNode? Output { get; }

    /// <summary>The child instance id.</summary>
    [ActivityOutput(Description = "The id of the child workflow instance.")]
    public string? ChildInstanceId { get; }

    /// <summary>How the child ended.</summary>
    [ActivityOutput(Description = "How the child ended: Finished, Faulted or Cancelled.")]
    public string? Status { get; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        if (string.IsNullOrWhiteSpace(DefinitionId))
        {
            return ValueTask.FromResult(ActivityResult.Fail("The definition id of the workflow to run is required."));
        }

        // The child key is the step's idempotency key: the dispatcher starts one child per key, however often it is delivered.
        context.Emit(new OutboxMessage(MessageKind, new JsonObject
        {
            ["definitionId"] = DefinitionId,
            ["input"] = Input?.DeepClone() ?? new JsonObject(),
            ["childKey"] = context.IdempotencyKey,
        }));
        return ValueTask.FromResult(WaitForCompletion
            ? ActivityResult.Suspend(new Wait(WaitKind.Child, context.IdempotencyKey))
            : ActivityResult.Complete());
    }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent)
    {
        var status = JsonFields.String(resumeEvent.Payload, "status");
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["output"] = (resumeEvent.Payload as JsonObject)?["output"]?.DeepClone(),
            ["childInstanceId"] = JsonFields.String(resumeEvent.Payload, "instanceId"),
            ["status"] = status,
        };
        var finished = string.Equals(status, "Finished", StringComparison.OrdinalIgnoreCase);
        return ValueTask.FromResult(ActivityResult.Complete(finished ? "Done" : "Failed", outputs));
    }
}
