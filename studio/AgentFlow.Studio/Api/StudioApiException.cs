using System.Net;
using System.Text.Json;

namespace AgentFlow.Studio.Api;

/// <summary>An API call that did not succeed, carrying the API's <c>error</c>, <c>code</c> and <c>details</c>.</summary>
public sealed class StudioApiException(HttpStatusCode status, string code, string message, JsonElement? details)
    : Exception(message)
{
    public HttpStatusCode Status { get; } = status;

    public string Code { get; } = code;

    public JsonElement? Details { get; } = details;

    /// <summary>The validation messages of a 400, flattened to "field: message" lines.</summary>
    public IReadOnlyList<string> DetailLines()
    {
        if (Details is not { ValueKind: JsonValueKind.Object } details)
        {
            return [];
        }

        var lines = new List<string>();
        foreach (var property in details.EnumerateObject())
        {
            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                lines.AddRange(property.Value.EnumerateArray().Select(m => $"{property.Name}: {m}"));
            }
            else if (property.Value.ValueKind is JsonValueKind.String or JsonValueKind.Number)
            {
                lines.Add($"{property.Name}: {property.Value}");
            }
        }

        return lines;
    }
}
