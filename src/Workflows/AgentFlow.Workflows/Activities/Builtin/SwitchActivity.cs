using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Continues through the outcome named like the first case equal to the value, else through Default.</summary>
[Activity("core.switch", Category = "Flow", DisplayName = "Switch", Icon = "split",
    Description = "Compares a value with a list of cases and continues through the first matching case, or Default.")]
[ActivityOutcomes(DefaultOutcome)]
[DynamicOutcomes]
public sealed class SwitchActivity : IActivity
{
    /// <summary>The outcome taken when no case matches.</summary>
    public const string DefaultOutcome = "Default";

    /// <summary>The value to compare.</summary>
    [ActivityInput(Description = "The value to compare; a string is compared as is, anything else as its JSON text (e.g. 42, true).")]
    public JsonNode? Value { get; set; }

    /// <summary>The cases; each is also the name of an outcome.</summary>
    [ActivityInput(Description = "The cases, in order; each case is also an outcome of the node.", Required = true, UiHint = "list")]
    public List<string> Cases { get; set; } = [];

    /// <summary>The matched case.</summary>
    [ActivityOutput(Description = "The case that matched, or null when the Default outcome was taken.")]
    public string? Matched { get; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var text = TextOf(Value);
        var matched = Cases.FirstOrDefault(c => string.Equals(c, text, StringComparison.Ordinal));
        var outputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["matched"] = matched };
        return ValueTask.FromResult(string.IsNullOrWhiteSpace(matched)
            ? ActivityResult.Complete(DefaultOutcome, outputs)
            : ActivityResult.Complete(matched, outputs));
    }

    private static string TextOf(JsonNode? value) =>
        value is JsonValue scalar && scalar.GetValueKind() == JsonValueKind.String
            ? scalar.GetValue<string>()
            : value?.ToJsonString() ?? "null";
}
