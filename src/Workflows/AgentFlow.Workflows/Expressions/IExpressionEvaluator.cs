using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Expressions;

/// <summary>What an expression can see: the workflow's <c>input</c> and its variables (<c>vars</c>).</summary>
/// <param name="Input">The workflow input object.</param>
/// <param name="Vars">The workflow variables object.</param>
public sealed record ExpressionScope(JsonObject Input, JsonObject Vars)
{
    /// <summary>A scope with no input and no variables.</summary>
    public static ExpressionScope Empty => new([], []);
}

/// <summary>Evaluates <see cref="ValueExpression"/>s to JSON values.</summary>
public interface IExpressionEvaluator
{
    /// <summary>
    /// Evaluates an expression. The result is a fresh JSON node (null is JSON null) the caller may keep or change.
    /// </summary>
    /// <exception cref="ExpressionException">The expression is invalid, exceeded a limit or failed at run time.</exception>
    /// <exception cref="OperationCanceledException">The token was cancelled.</exception>
    JsonNode? Evaluate(ValueExpression expression, ExpressionScope scope, CancellationToken cancellationToken = default);
}
