using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Runs an external job (build, deploy, script...) and waits for it to report back.</summary>
[Activity("job.run", Category = "Jobs", DisplayName = "Run job", Icon = "cog", Kind = ActivityKind.Job,
    Description = "Runs a named job with arguments and waits for its result. Continues through Done with the job's outputs, or Failed with its error.")]
[ActivityOutcomes("Done", "Failed")]
[DynamicOutputs]
public sealed class RunJobActivity : IActivity
{
    /// <summary>The outbox message kind that starts the job.</summary>
    public const string MessageKind = "job";

    /// <summary>The job name.</summary>
    [ActivityInput(Description = "The name of the job to run.", Required = true)]
    public string Job { get; set; } = "";

    /// <summary>The job's arguments.</summary>
    [ActivityInput(Description = "The arguments of the job.", UiHint = "json")]
    public JsonNode? Args { get; set; }

    /// <summary>Why the job failed.</summary>
    [ActivityOutput(Description = "Why the job failed (Failed outcome only); the other outputs are whatever the job reports.")]
    public string? Error { get; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        if (string.IsNullOrWhiteSpace(Job))
        {
            return ValueTask.FromResult(ActivityResult.Fail("The job name is required."));
        }

        // A new key per attempt: the executor's retry of a failed job starts a new job run.
        var jobRequestId = context.IdempotencyKey;
        context.Emit(new OutboxMessage(MessageKind, new JsonObject
        {
            ["job"] = Job,
            ["args"] = Args?.DeepClone(),
            ["jobRequestId"] = jobRequestId,
        }));
        return ValueTask.FromResult(ActivityResult.Suspend(new Wait(WaitKind.Job, jobRequestId)));
    }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent)
    {
        var status = JsonFields.String(resumeEvent.Payload, "status");
        if (string.Equals(status, "succeeded", StringComparison.OrdinalIgnoreCase))
        {
            var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            if ((resumeEvent.Payload as JsonObject)?["outputs"] is JsonObject reported)
            {
                foreach (var (name, value) in reported)
                {
                    outputs[name] = value?.DeepClone();
                }
            }

            return ValueTask.FromResult(ActivityResult.Complete("Done", outputs));
        }

        if (!string.Equals(status, "failed", StringComparison.OrdinalIgnoreCase))
        {
            // Not the job failing but its report being malformed: an incident for an operator, not a Failed branch.
            return ValueTask.FromResult(ActivityResult.Fail($"Job \"{Job}\" reported the unknown status \"{status}\" (expected succeeded or failed)."));
        }

        var error = JsonFields.String(resumeEvent.Payload, "error");
        if (string.IsNullOrWhiteSpace(error))
        {
            error = $"Job \"{Job}\" failed.";
        }

        return ValueTask.FromResult(JsonFields.Boolean(resumeEvent.Payload, "transient")
            ? ActivityResult.Fail(error, transient: true)
            : ActivityResult.Complete("Failed", new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["error"] = error }));
    }
}
