using System.Text.Json.Serialization;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Chooses the True or False branch.</summary>
[Activity("core.if", Category = "Flow", DisplayName = "If", Icon = "git-branch",
    Description = "Continues through True or False depending on a condition.")]
[ActivityOutcomes("True", "False")]
public sealed class IfActivity : IActivity
{
    /// <summary>The condition.</summary>
    [ActivityInput(Description = "The condition: a boolean, \"true\"/\"false\", or a number (non-zero is true).", Required = true)]
    [JsonConverter(typeof(LenientBooleanConverter))]
    public bool Condition { get; set; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context) =>
        ValueTask.FromResult(ActivityResult.Complete(Condition ? "True" : "False"));
}
