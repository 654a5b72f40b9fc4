using System.Text.Json;
using System.Text.Json.Serialization;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Definitions;

/// <summary>The result of parsing a definition: a document, or the problems that prevented it.</summary>
/// <param name="Document">The parsed document, or null when parsing failed.</param>
/// <param name="Problems">Why parsing failed (empty on success).</param>
public sealed record DefinitionParseResult(WorkflowDefinitionDocument? Document, IReadOnlyList<ValidationProblem> Problems)
{
    /// <summary>Whether a document was produced.</summary>
    public bool Succeeded => Document is not null;
}

/// <summary>Reads and writes definitions in the "wf/1" JSON format.</summary>
public static class WorkflowDefinitionSerializer
{
    /// <summary>The options used for "wf/1": camelCase names and enums, nullable annotations respected.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    /// <summary>Parses JSON text; malformed JSON and wrong types are reported as problems, never thrown.</summary>
    /// <param name="json">The JSON text.</param>
    /// <returns>The document or the problems.</returns>
    public static DefinitionParseResult Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var document = JsonSerializer.Deserialize<WorkflowDefinitionDocument>(json, Options);
            if (document is null)
            {
                return Failed("$", "The definition must be a JSON object, not null.");
            }

            var nullEntry = FindNullEntry(document);
            return nullEntry is null
                ? new DefinitionParseResult(document, [])
                : Failed(nullEntry, "A list entry or map value must not be null.");
        }
        catch (JsonException ex)
        {
            // The serializer's message already names the path and position; keep the path as the field.
            return Failed(ex.Path ?? "$", ex.Message);
        }
        catch (NotSupportedException ex)
        {
            return Failed("$", ex.Message);
        }
    }

    /// <summary>Writes a document as "wf/1" JSON.</summary>
    /// <param name="document">The document.</param>
    /// <param name="indented">Whether to indent the output.</param>
    /// <returns>The JSON text.</returns>
    public static string Write(WorkflowDefinitionDocument document, bool indented = false)
    {
        ArgumentNullException.ThrowIfNull(document);
        return JsonSerializer.Serialize(document, indented ? IndentedOptions : Options);
    }

    private static readonly JsonSerializerOptions IndentedOptions = new(Options) { WriteIndented = true };

    // RespectNullableAnnotations covers properties but not collection elements: a null entry would reach the
    // validator as a null reference, so it is reported here as a wrong type.
    private static string? FindNullEntry(WorkflowDefinitionDocument document)
    {
        static string? InList<T>(IReadOnlyList<T> items, string path)
            where T : class
        {
            for (var i = 0; i < items.Count; i++)
            {
                if (items[i] is null)
                {
                    return $"{path}[{i}]";
                }
            }

            return null;
        }

        var found = InList(document.Inputs, "$.inputs") ?? InList(document.Variables, "$.variables")
            ?? InList(document.Outputs, "$.outputs") ?? InList(document.Triggers, "$.triggers")
            ?? InList(document.Nodes, "$.nodes") ?? InList(document.Edges, "$.edges");
        if (found is not null)
        {
            return found;
        }

        for (var i = 0; i < document.Nodes.Count; i++)
        {
            foreach (var (name, variable) in document.Nodes[i].Outputs)
            {
                if (variable is null)
                {
                    return $"$.nodes[{i}].outputs.{name}";
                }
            }
        }

        return null;
    }

    private static DefinitionParseResult Failed(string field, string message) =>
        new(null, [new ValidationProblem(null, field, message)]);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            RespectNullableAnnotations = true,
            // Numbers as strings are a wrong type in "wf/1", not a convenience.
            NumberHandling = JsonNumberHandling.Strict,
            AllowTrailingCommas = false,
            ReadCommentHandling = JsonCommentHandling.Disallow,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
