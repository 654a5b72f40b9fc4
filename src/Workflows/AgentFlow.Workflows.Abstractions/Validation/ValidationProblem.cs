namespace AgentFlow.Workflows.Validation;

/// <summary>How serious a validation problem is.</summary>
public enum ValidationSeverity
{
    /// <summary>The definition cannot be published.</summary>
    Error,

    /// <summary>The definition is accepted but probably not what the author meant.</summary>
    Warning,
}

/// <summary>One problem found in a workflow definition.</summary>
/// <param name="NodeId">The node the problem belongs to, if any.</param>
/// <param name="Field">The field path (e.g. "inputs.subject", "edges[2].on", "$.nodes[0].join").</param>
/// <param name="Message">What is wrong.</param>
/// <param name="Severity">Error or warning.</param>
public sealed record ValidationProblem(string? NodeId, string Field, string Message, ValidationSeverity Severity = ValidationSeverity.Error);
