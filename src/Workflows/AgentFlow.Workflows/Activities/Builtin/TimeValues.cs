using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json.Nodes;
using System.Xml;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Parses the duration and date-time strings of timer inputs.</summary>
internal static class TimeValues
{
    /// <summary>
    /// Parses a positive ISO-8601 duration ("PT5M", "P1D") with the parser WorkflowDefinitionValidator uses
    /// for timeouts and retries, so a duration accepted in one place is accepted everywhere.
    /// </summary>
    public static bool TryParseDuration(string? value, out TimeSpan duration, [NotNullWhen(false)] out string? error)
    {
        duration = default;
        try
        {
            duration = XmlConvert.ToTimeSpan(value?.Trim() ?? "");
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            error = $"\"{value}\" is not an ISO-8601 duration (e.g. \"PT30M\", \"P1D\").";
            return false;
        }

        if (duration <= TimeSpan.Zero)
        {
            error = $"The duration \"{value}\" must be positive.";
            return false;
        }

        error = null;
        return true;
    }

    /// <summary>Parses an ISO-8601 date-time; one without an offset is taken as UTC (never the server's zone).</summary>
    public static bool TryParseDateTime(string? value, out DateTimeOffset dateTime, [NotNullWhen(false)] out string? error)
    {
        if (DateTimeOffset.TryParse(
                value?.Trim(),
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces,
                out dateTime))
        {
            error = null;
            return true;
        }

        error = $"\"{value}\" is not an ISO-8601 date-time (e.g. \"2026-03-01T09:00:00Z\").";
        return false;
    }

    /// <summary>The round-trip ("O") text of an instant in UTC, the form date-time outputs use.</summary>
    public static string Format(DateTimeOffset value) => value.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    /// <summary>The instant a trigger fired: the stimulus's <c>firedAt</c> when it carries one, else now.</summary>
    public static string FiredAt(ResumeEvent resumeEvent, TimeProvider timeProvider) =>
        resumeEvent.Payload is JsonObject payload
        && payload["firedAt"] is JsonValue firedAt
        && firedAt.TryGetValue<string>(out var text)
        && TryParseDateTime(text, out var parsed, out _)
            ? Format(parsed)
            : Format(timeProvider.GetUtcNow());
}
