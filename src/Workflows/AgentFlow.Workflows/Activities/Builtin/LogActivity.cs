using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Writes an entry to the instance journal.</summary>
[Activity("core.log", Category = "Core", DisplayName = "Log", Icon = "scroll-text",
    Description = "Writes a message (and optional data) to the instance journal.")]
public sealed class LogActivity : IActivity
{
    private static readonly string[] Levels = ["debug", "info", "warning", "error"];

    /// <summary>The message.</summary>
    [ActivityInput(Description = "The message to write.", UiHint = "multiline", Required = true)]
    public string Message { get; set; } = "";

    /// <summary>The severity.</summary>
    [ActivityInput(Description = "The severity: debug, info, warning or error.", UiHint = "select:debug,info,warning,error", Default = "\"info\"")]
    public string Level { get; set; } = "info";

    /// <summary>Structured data stored with the entry.</summary>
    [ActivityInput(Description = "Optional structured data stored with the entry.", UiHint = "json")]
    public JsonNode? Data { get; set; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var level = Level.Trim().ToLowerInvariant();
        if (!Levels.Contains(level, StringComparer.Ordinal))
        {
            return ValueTask.FromResult(ActivityResult.Fail($"Log level \"{Level}\" is not one of {string.Join(", ", Levels)}."));
        }

        context.Log(level, Message ?? "", Data?.DeepClone());
        return ValueTask.FromResult(ActivityResult.Complete());
    }
}
