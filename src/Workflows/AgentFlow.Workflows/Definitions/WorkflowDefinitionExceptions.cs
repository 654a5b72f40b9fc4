using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Definitions;

/// <summary>A definition cannot be saved or published: it carries every problem found (the API answers 400 with one entry each).</summary>
public sealed class WorkflowDefinitionInvalidException(IReadOnlyList<ValidationProblem> problems)
    : Exception($"The workflow definition is invalid: {problems.Count(p => p.Severity == ValidationSeverity.Error)} error(s).")
{
    public IReadOnlyList<ValidationProblem> Problems { get; } = problems;
}

/// <summary>The operation conflicts with the stored state (the API answers 409 with <see cref="Code"/>).</summary>
/// <param name="code">Machine-readable reason, e.g. <c>CONFLICT</c>, <c>ROUTE_CONFLICT</c>, <c>HAS_INSTANCES</c>.</param>
/// <param name="message">What conflicts, for people.</param>
public sealed class WorkflowConflictException(string code, string message) : Exception(message)
{
    /// <summary>A concurrent change won (unique index, busy writer): retrying the request is safe.</summary>
    public const string Concurrent = "CONFLICT";

    /// <summary>An HTTP method and route is already served by another published workflow.</summary>
    public const string RouteConflict = "ROUTE_CONFLICT";

    /// <summary>Running or suspended instances still use the definition.</summary>
    public const string HasInstances = "HAS_INSTANCES";

    /// <summary>The version to publish is the published one already.</summary>
    public const string AlreadyPublished = "ALREADY_PUBLISHED";

    /// <summary>The operation needs a published version and there is none.</summary>
    public const string NotPublished = "NOT_PUBLISHED";

    public string Code { get; } = code;
}
