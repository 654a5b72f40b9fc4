using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Reads fields of resume payloads, which come from dispatchers and people and are not trusted to be well-formed.</summary>
internal static class JsonFields
{
    /// <summary>The string value of a property, or null when it is absent or not a string.</summary>
    public static string? String(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String
            ? value.GetValue<string>()
            : null;

    /// <summary>The boolean value of a property, or false when it is absent or not a boolean.</summary>
    public static bool Boolean(JsonNode? node, string name) =>
        node is JsonObject obj && obj[name] is JsonValue value && value.GetValueKind() == JsonValueKind.True;
}
