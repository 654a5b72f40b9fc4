using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Graph;

/// <summary>
/// Content hash of a definition: SHA-256 over a canonical JSON form (object properties sorted ordinally,
/// no whitespace), so re-saving the same definition with other formatting or key order keeps its hash.
/// Array order is content (nodes, edges, triggers are ordered) and does change the hash.
/// </summary>
public static class WorkflowDefinitionHasher
{
    /// <summary>The hash of a parsed definition, as lower-case hex.</summary>
    public static string ComputeHash(WorkflowDefinitionDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(Canonicalize(document))));
    }

    /// <summary>The canonical JSON text of a definition (the bytes that are hashed).</summary>
    public static string Canonicalize(WorkflowDefinitionDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        using var buffer = new MemoryStream();
        // Going through the serializer normalises defaults (a missing edge "on" and an explicit "Done" hash alike).
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteCanonical(JsonNode.Parse(WorkflowDefinitionSerializer.Write(document)), writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void WriteCanonical(JsonNode? node, Utf8JsonWriter writer)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(name);
                    WriteCanonical(value, writer);
                }

                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                {
                    WriteCanonical(item, writer);
                }

                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }
}
