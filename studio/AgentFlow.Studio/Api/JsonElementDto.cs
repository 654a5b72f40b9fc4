using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentFlow.Studio.Api;

/// <summary>An item read only for a list's count: any JSON object.</summary>
[JsonConverter(typeof(JsonElementDtoConverter))]
public sealed record JsonElementDto(JsonElement Value);

internal sealed class JsonElementDtoConverter : JsonConverter<JsonElementDto>
{
    public override JsonElementDto Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        new(JsonElement.ParseValue(ref reader));

    public override void Write(Utf8JsonWriter writer, JsonElementDto value, JsonSerializerOptions options) => value.Value.WriteTo(writer);
}
