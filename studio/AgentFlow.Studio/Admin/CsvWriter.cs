using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentFlow.Studio.Api;

namespace AgentFlow.Studio.Admin;

/// <summary>
/// RFC 4180 CSV: fields separated by commas, records by CRLF; a field holding a comma, a double quote, CR or LF is
/// quoted and its quotes doubled. Spreadsheets open the result as is.
/// </summary>
internal static class CsvWriter
{
    public static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") < 0 ? value : "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    public static string Write(IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var text = new StringBuilder();
        AppendRecord(text, header);
        foreach (var row in rows)
        {
            AppendRecord(text, row);
        }

        return text.ToString();
    }

    private static void AppendRecord(StringBuilder text, IReadOnlyList<string?> fields)
    {
        for (var i = 0; i < fields.Count; i++)
        {
            if (i > 0)
            {
                text.Append(',');
            }

            text.Append(Field(fields[i]));
        }

        text.Append("\r\n");
    }
}

/// <summary>The audit log as CSV: one record per entry, details as compact JSON, times in ISO 8601 UTC.</summary>
internal static class AuditCsv
{
    public static readonly IReadOnlyList<string> Header = ["id", "timestamp", "actor", "actorName", "actorType", "action", "resource", "ip", "requestId", "details"];

    /// <summary>The header and one record per entry; <paramref name="names"/> gives actors' display names (user emails, key names) by id.</summary>
    public static string Write(IEnumerable<AuditEntryDto> entries, IReadOnlyDictionary<string, string>? names = null) =>
        CsvWriter.Write(Header, entries.Select(e => (IReadOnlyList<string?>)
        [
            e.Id.ToString(),
            e.Timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            e.Actor,
            names is not null && names.TryGetValue(e.Actor, out var name) ? name : null,
            e.ActorType,
            e.Action,
            e.Resource,
            e.Ip,
            e.RequestId,
            e.Details.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? null : e.Details.GetRawText(),
        ]));
}
