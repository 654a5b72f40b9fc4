using System.Diagnostics.CodeAnalysis;
using System.Text.Json.Nodes;
using Cronos;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>
/// A cron schedule. As a trigger it starts an instance at every occurrence; reached mid-flow it waits for the
/// next occurrence.
/// </summary>
[Activity("core.cron", Category = "Timers", DisplayName = "Cron schedule", Icon = "calendar-clock", Kind = ActivityKind.Trigger,
    Description = "Fires on a cron schedule (5 fields, or 6 with seconds) in a time zone: starts the workflow as a trigger, or waits for the next occurrence mid-flow.")]
public sealed class CronActivity : IActivity
{
    /// <summary>The cron expression.</summary>
    [ActivityInput(Description = "The cron expression: minute hour day-of-month month day-of-week, optionally preceded by seconds (e.g. \"0 9 * * MON-FRI\").", Required = true, UiHint = "cron")]
    public string Expression { get; set; } = "";

    /// <summary>The IANA time zone the schedule is read in.</summary>
    [ActivityInput(Description = "The IANA time zone of the schedule (e.g. \"Europe/Paris\").", Default = "\"UTC\"", UiHint = "timezone")]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>When the schedule fired.</summary>
    [ActivityOutput(Description = "When the schedule fired (ISO-8601, UTC).")]
    public string? FiredAt { get; }

    /// <summary>
    /// The first occurrence of a schedule strictly after <paramref name="after"/>; the trigger scheduler uses the same
    /// rules as the activity so a schedule that validates here fires there.
    /// </summary>
    /// <param name="expression">A cron expression with 5 fields, 6 fields (leading seconds) or a macro such as "@daily".</param>
    /// <param name="timeZone">An IANA (or Windows) time zone id; "UTC" when empty.</param>
    /// <param name="after">The instant to search from.</param>
    /// <param name="next">The next occurrence.</param>
    /// <param name="error">Why there is none: a bad expression or time zone, or a schedule that never fires again.</param>
    /// <returns>Whether an occurrence was found.</returns>
    public static bool TryGetNextOccurrence(string? expression, string? timeZone, DateTimeOffset after, out DateTimeOffset next, [NotNullWhen(false)] out string? error)
    {
        next = default;
        var text = expression?.Trim() ?? "";
        if (text.Length == 0)
        {
            error = "A cron expression is required.";
            return false;
        }

        var fields = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var format = fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard;
        if (!text.StartsWith('@') && fields is not (5 or 6))
        {
            error = $"The cron expression \"{text}\" has {fields} fields; it needs 5 (minute hour day month weekday) or 6 (with leading seconds).";
            return false;
        }

        if (!CronExpression.TryParse(text, format, out var cron))
        {
            error = $"\"{text}\" is not a valid cron expression.";
            return false;
        }

        var zoneId = string.IsNullOrWhiteSpace(timeZone) ? "UTC" : timeZone.Trim();
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(zoneId, out var zone))
        {
            error = $"\"{zoneId}\" is not a known time zone (use an IANA id such as \"Europe/Paris\").";
            return false;
        }

        if (cron.GetNextOccurrence(after, zone) is not { } occurrence)
        {
            error = $"The cron expression \"{text}\" has no occurrence after {TimeValues.Format(after)}.";
            return false;
        }

        next = occurrence;
        error = null;
        return true;
    }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) => ValueTask.FromResult(
        TryGetNextOccurrence(Expression, TimeZone, context.TimeProvider.GetUtcNow(), out var next, out var error)
            ? ActivityResult.Suspend(new Wait(WaitKind.Timer, context.IdempotencyKey, DueAt: next))
            : ActivityResult.Fail(error));

    /// <inheritdoc />
    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        ValueTask.FromResult(ActivityResult.Complete(outputs: new Dictionary<string, JsonNode?>(StringComparer.Ordinal)
        {
            ["firedAt"] = TimeValues.FiredAt(resumeEvent, context.TimeProvider),
        }));
}
