using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Expressions;

/// <summary>
/// An expression could not be evaluated (syntax error, limit exceeded, runtime error, missing variable).
/// The only exception an <see cref="IExpressionEvaluator"/> throws for a bad expression: the runtime turns it into an incident.
/// </summary>
public sealed class ExpressionException : Exception
{
    public ExpressionException()
    {
    }

    public ExpressionException(string message)
        : base(message)
    {
    }

    public ExpressionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ExpressionException(ExpressionSyntax syntax, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Syntax = syntax;
    }

    /// <summary>The syntax of the expression that failed.</summary>
    public ExpressionSyntax Syntax { get; }
}
