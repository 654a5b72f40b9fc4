using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Activities.Builtin;

/// <summary>Sets a workflow variable to a value.</summary>
[Activity("core.set", Category = "Core", DisplayName = "Set variable", Icon = "variable",
    Description = "Sets a workflow variable to a value.")]
public sealed class SetVariableActivity : IActivity
{
    /// <summary>The variable to set.</summary>
    // Literal only: which variable is written must be visible in the definition, not computed at run time.
    [ActivityInput(Description = "The name of the variable to set (declared in the definition's variables).", Required = true, Syntaxes = [ExpressionSyntax.Literal])]
    public string Variable { get; set; } = "";

    /// <summary>The new value.</summary>
    [ActivityInput(Description = "The new value of the variable.", UiHint = "json")]
    public JsonNode? Value { get; set; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        if (string.IsNullOrWhiteSpace(Variable))
        {
            return ValueTask.FromResult(ActivityResult.Fail("The variable name is required."));
        }

        context.SetVariable(Variable, Value?.DeepClone());
        return ValueTask.FromResult(ActivityResult.Complete());
    }
}
