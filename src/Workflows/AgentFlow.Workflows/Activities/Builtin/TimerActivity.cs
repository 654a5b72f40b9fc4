using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>
/// A one-shot timer. As a trigger it starts an instance at <see cref="At"/> (or after <see cref="Interval"/>);
/// reached mid-flow it waits like a delay.
/// </summary>
[Activity("core.timer", Category = "Timers", DisplayName = "Timer", Icon = "clock", Kind = ActivityKind.Trigger,
    Description = "Fires once at a date-time or after an interval: starts the workflow as a trigger, or waits mid-flow.")]
public sealed class TimerActivity : IActivity
{
    /// <summary>When to fire.</summary>
    [ActivityInput(Description = "When to fire, as an ISO-8601 date-time (UTC when no offset is given). Give this or interval.", UiHint = "datetime")]
    public string? At { get; set; }

    /// <summary>How long after arrival to fire.</summary>
    [ActivityInput(Description = "How long to wait before firing, as an ISO-8601 duration (e.g. \"PT1H\"). Give this or at.", UiHint = "duration")]
    public string? Interval { get; set; }

    /// <summary>When the timer fired.</summary>
    [ActivityOutput(Description = "When the timer fired (ISO-8601, UTC).")]
    public string? FiredAt { get; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(
        TryGetDueAt(context.TimeProvider, out var dueAt, out var error)
            ? ActivityResult.Suspend(new Wait(WaitKind.Timer, context.IdempotencyKey, DueAt: dueAt))
            : ActivityResult.Fail(error));

    /// <inheritdoc />
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        ValueTask.FromResult(ActivityResult.Complete(outputs: new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["firedAt"] = TimeValues.FiredAt(resumeEvent, context.TimeProvider),
        }));

    private bool TryGetDueAt(TimeProvider timeProvider, out DateTimeOffset dueAt, [NotNullWhen(false)] out string? error)
    {
        dueAt = default;
        var hasAt = !string.IsNullOrWhiteSpace(At);
        var hasInterval = !string.IsNullOrWhiteSpace(Interval);
        if (hasAt && hasInterval)
        {
            error = "A timer takes either an at date-time or an interval, not both.";
            return false;
        }

        if (hasAt)
        {
            return TimeValues.TryParseDateTime(At, out dueAt, out error);
        }

        if (hasInterval)
        {
            if (!TimeValues.TryParseDuration(Interval, out var interval, out error))
            {
                return false;
            }

            dueAt = timeProvider.GetUtcNow() + interval;
            return true;
        }

        error = "A timer needs an at date-time or an interval (e.g. \"PT1H\").";
        return false;
    }
}
