using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>
/// Reads a condition the way authors write it: a JSON boolean, "true"/"false" in any case (a Liquid template
/// renders a string), or a number (non-zero is true). JSON null is false.
/// </summary>
internal sealed class LenientBooleanConverter : JsonConverter<bool>
{
    public override bool HandleNull => true;

    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.True:
                return true;
            case JsonTokenType.False:
            case JsonTokenType.Null:
                return false;
            case JsonTokenType.Number:
                return reader.GetDouble() != 0;
            case JsonTokenType.String:
                var text = reader.GetString()?.Trim();
                if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }

                if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
                {
                    return false;
                }

                throw new JsonException($"The string \"{text}\" is not a boolean (expected \"true\" or \"false\").");
            default:
                throw new JsonException($"A JSON {reader.TokenType} is not a boolean.");
        }
    }

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}
