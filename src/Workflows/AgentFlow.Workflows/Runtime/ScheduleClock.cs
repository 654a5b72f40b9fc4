using System.Xml;
using AgentFlow.Workflows.Persistence;
using Cronos;

namespace AgentFlow.Workflows.Runtime;

/// <summary>When cron, one-shot and interval schedules fire next.</summary>
public static class ScheduleClock
{
    /// <summary>The first fire time after <paramref name="after"/>, or null when the schedule is used up or invalid.</summary>
    public static DateTimeOffset? Next(string kind, string expression, string timeZone, DateTimeOffset after)
    {
        ArgumentNullException.ThrowIfNull(expression);
        try
        {
            switch (kind)
            {
                case "cron":
                    var fields = expression.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                    var cron = CronExpression.Parse(expression, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
                    var zone = string.IsNullOrWhiteSpace(timeZone) ? TimeZoneInfo.Utc : TimeZoneInfo.FindSystemTimeZoneById(timeZone);
                    return cron.GetNextOccurrence(after, zone)?.ToUniversalTime();
                case "at":
                    var at = DateTimeOffset.Parse(expression, System.Globalization.CultureInfo.InvariantCulture);
                    return at > after ? at.ToUniversalTime() : null;
                case "interval":
                    var interval = XmlConvert.ToTimeSpan(expression);
                    return interval <= TimeSpan.Zero ? null : after + interval;
                default:
                    return null;
            }
        }
        catch (Exception ex) when (ex is FormatException or CronFormatException or TimeZoneNotFoundException or InvalidTimeZoneException or OverflowException)
        {
            return null;
        }
    }

    /// <summary>
    /// After a fire due at <paramref name="fireAt"/> is taken at <paramref name="now"/>: the next fire strictly after now.
    /// Missed fires during downtime collapse into the one being taken (one catch-up, then on schedule).
    /// </summary>
    public static DateTimeOffset? NextAfterFire(WorkflowScheduleRecord schedule, DateTimeOffset fireAt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        if (schedule.Kind == "at")
        {
            return null;
        }

        var from = fireAt > now ? fireAt : now;
        return Next(schedule.Kind, schedule.Expression, schedule.TimeZone, from);
    }
}
