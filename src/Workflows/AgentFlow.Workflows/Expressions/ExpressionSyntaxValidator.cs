using System.Diagnostics.CodeAnalysis;
using Acornima;
using Fluid;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Validation;
using Jint;

namespace AgentFlow.Workflows.Expressions;

/// <summary>
/// Parses the <c>js</c> and <c>liquid</c> expressions of a definition without running them, so a syntax error is
/// reported to the author when the definition is saved instead of becoming an incident at run time.
/// Uses the parsers the <see cref="IExpressionEvaluator"/> uses, so what passes here parses there.
/// </summary>
public static class ExpressionSyntaxValidator
{
    /// <summary>Checks every node input and workflow output of a definition.</summary>
    /// <param name="document">The definition.</param>
    /// <returns>One error per expression that does not parse (field "inputs.&lt;name&gt;" or "outputs[i].from").</returns>
    public static IReadOnlyList<ValidationProblem> Validate(WorkflowDefinitionDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<ValidationProblem>();
        foreach (var node in document.Nodes)
        {
            foreach (var (name, expression) in node.Inputs)
            {
                if (!TryParse(expression, out var error))
                {
                    problems.Add(new(node.Id, $"inputs.{name}", error));
                }
            }
        }

        for (var i = 0; i < document.Outputs.Count; i++)
        {
            if (document.Outputs[i].From is { } from && !TryParse(from, out var error))
            {
                problems.Add(new(null, $"outputs[{i}].from", error));
            }
        }

        return problems;
    }

    /// <summary>Parses one expression; literals and variable references always pass.</summary>
    /// <param name="expression">The expression.</param>
    /// <param name="error">"JavaScript syntax error: …" or "Liquid syntax error: …" when it does not parse.</param>
    /// <returns>Whether the expression parses.</returns>
    public static bool TryParse(ValueExpression expression, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(expression);
        error = expression.Syntax switch
        {
            ExpressionSyntax.Js => CheckJavaScript(expression.Text ?? ""),
            ExpressionSyntax.Liquid => CheckLiquid(expression.Text ?? ""),
            _ => null,
        };
        return error is null;
    }

    private static string? CheckJavaScript(string code)
    {
        try
        {
            // The evaluator prepares scripts the same way; preparing only parses, nothing runs.
            Engine.PrepareScript(code);
            return null;
        }
        catch (ScriptPreparationException ex) when (ex.InnerException is ParseErrorException parse)
        {
            return Describe(parse);
        }
        catch (ParseErrorException ex)
        {
            return Describe(ex);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Validation reports, it never throws: whatever the parser chokes on (nesting limits, insufficient
            // stack) is the author's problem. The innermost message says what; the wrappers only say "could not prepare".
            return $"JavaScript syntax error: {Innermost(ex).Message}";
        }
    }

    private static string Describe(ParseErrorException ex) =>
        $"JavaScript syntax error: {ex.Description} (line {ex.LineNumber}, column {ex.Column}).";

    private static Exception Innermost(Exception ex)
    {
        while (ex.InnerException is { } inner)
        {
            ex = inner;
        }

        return ex;
    }

    private static string? CheckLiquid(string template)
    {
        if (!LiquidNestingGuard.IsSafe(template, out var depthError))
        {
            return $"Liquid syntax error: {depthError}";
        }

        try
        {
            return ExpressionEvaluator.LiquidParser.TryParse(template, out _, out var error)
                ? null
                : $"Liquid syntax error: {error}";
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return $"Liquid syntax error: {ex.Message}";
        }
    }
}
