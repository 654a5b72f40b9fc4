using System.Diagnostics.CodeAnalysis;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Pauses the token for a duration or until a point in time (a durable timer wait).</summary>
[Activity("core.delay", Category = "Timers", DisplayName = "Delay", Icon = "timer", Kind = ActivityKind.Blocking,
    Description = "Waits for a duration (ISO-8601, e.g. PT5M) or until a date-time, then continues through Done.")]
public sealed class DelayActivity : IActivity
{
    /// <summary>How long to wait.</summary>
    [ActivityInput(Description = "How long to wait, as an ISO-8601 duration (e.g. \"PT5M\", \"P1D\"). Give this or until.", UiHint = "duration")]
    public string? Duration { get; set; }

    /// <summary>When to continue.</summary>
    [ActivityInput(Description = "When to continue, as an ISO-8601 date-time (UTC when no offset is given). Give this or duration.", UiHint = "datetime")]
    public string? Until { get; set; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(
        TryGetDueAt(context.TimeProvider, out var dueAt, out var error)
            // A past instant still suspends: the timer service fires overdue timers at once, so there is one path.
            ? ActivityResult.Suspend(new Wait(WaitKind.Timer, context.IdempotencyKey, DueAt: dueAt))
            : ActivityResult.Fail(error));

    private bool TryGetDueAt(TimeProvider timeProvider, out DateTimeOffset dueAt, [NotNullWhen(false)] out string? error)
    {
        dueAt = default;
        var hasDuration = !string.IsNullOrWhiteSpace(Duration);
        var hasUntil = !string.IsNullOrWhiteSpace(Until);
        if (hasDuration && hasUntil)
        {
            error = "A delay takes either a duration or an until date-time, not both.";
            return false;
        }

        if (hasDuration)
        {
            if (!TimeValues.TryParseDuration(Duration, out var duration, out error))
            {
                return false;
            }

            dueAt = timeProvider.GetUtcNow() + duration;
            return true;
        }

        if (hasUntil)
        {
            return TimeValues.TryParseDateTime(Until, out dueAt, out error);
        }

        error = "A delay needs a duration (e.g. \"PT5M\") or an until date-time.";
        return false;
    }
}
