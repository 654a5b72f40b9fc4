using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Asks a person to approve or reject, and waits for the decision.</summary>
[Activity("human.approval", Category = "Human", DisplayName = "Approval", Icon = "user-check", Kind = ActivityKind.Blocking,
    Description = "Asks an assignee for a decision and continues through Approved or Rejected.")]
[ActivityOutcomes(Approved, Rejected)]
public sealed class ApprovalActivity : IActivity
{
    /// <summary>The outcome (and decision output) of an approval.</summary>
    public const string Approved = "Approved";

    /// <summary>The outcome (and decision output) of a rejection.</summary>
    public const string Rejected = "Rejected";

    /// <summary>Who decides.</summary>
    [ActivityInput(Description = "Who decides: a user, a role or a group.")]
    public string? Assignee { get; set; }

    /// <summary>What is asked.</summary>
    [ActivityInput(Description = "A one-line summary of what is to be decided.")]
    public string? Subject { get; set; }

    /// <summary>The details.</summary>
    [ActivityInput(Description = "The details the decider needs.", UiHint = "multiline")]
    public string? Description { get; set; }

    /// <summary>The decision.</summary>
    [ActivityOutput(Description = "Approved or Rejected.")]
    public string? Decision { get; }

    /// <summary>The decider's comment.</summary>
    [ActivityOutput(Description = "The comment given with the decision.")]
    public string? Comment { get; }

    /// <summary>Who decided.</summary>
    [ActivityOutput(Description = "Who made the decision.")]
    public string? DecidedBy { get; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(ActivityResult.Suspend(ApprovalWait(context)));

    /// <inheritdoc />
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent)
    {
        var decision = JsonFields.String(resumeEvent.Payload, "decision")?.Trim();
        string outcome;
        if (string.Equals(decision, Approved, StringComparison.OrdinalIgnoreCase))
        {
            outcome = Approved;
        }
        else if (string.Equals(decision, Rejected, StringComparison.OrdinalIgnoreCase))
        {
            outcome = Rejected;
        }
        else
        {
            // A decision the activity does not understand decides nothing: the request stays open.
            return ValueTask.FromResult(ActivityResult.Suspend(ApprovalWait(context)));
        }

        return ValueTask.FromResult(ActivityResult.Complete(outcome, new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["decision"] = outcome,
            ["comment"] = JsonFields.String(resumeEvent.Payload, "comment"),
            ["decidedBy"] = JsonFields.String(resumeEvent.Payload, "decidedBy"),
        }));
    }

    private Wait ApprovalWait(ActivityContext context) => new(WaitKind.Approval, context.NodeId, new JsonObject
    {
        ["assignee"] = Assignee,
        ["subject"] = Subject,
        ["description"] = Description,
    });
}
