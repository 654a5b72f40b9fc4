namespace AgentFlow.Engine.Errors;

/// <summary>Base of the domain errors the Host maps, in one place, to problem details.</summary>
public abstract class EngineException(string message) : Exception(message)
{
    /// <summary>Machine-readable code, e.g. <c>NOT_FOUND</c>.</summary>
    public abstract string Code { get; }
}

/// <summary>The addressed resource does not exist in the caller's organisation.</summary>
public sealed class ResourceNotFoundException(string resource, string id)
    : EngineException($"{resource} '{id}' was not found.")
{
    public string Resource { get; } = resource;
    public string Id { get; } = id;
    public override string Code => "NOT_FOUND";
}

/// <summary>The change would break a uniqueness rule (duplicate name, email, ...).</summary>
public sealed class ResourceConflictException(string message, string field, string code = "CONFLICT")
    : EngineException(message)
{
    public string Field { get; } = field;
    public override string Code { get; } = code;
}

/// <summary>One or more input fields are invalid.</summary>
public sealed class InputValidationException(IReadOnlyDictionary<string, string[]> errors)
    : EngineException("One or more fields are invalid.")
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
    public override string Code => "VALIDATION_ERROR";

    public static InputValidationException For(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });
}

/// <summary>The caller may not perform this operation, whatever the input (e.g. deleting oneself).</summary>
public sealed class OperationNotAllowedException(string code, string message)
    : EngineException(message)
{
    public override string Code { get; } = code;
}

/// <summary>
/// The organisation's plan does not allow this: a count at its limit, a feature or a deployment target the plan
/// lacks. <see cref="Details"/> names the limit, the plan and the numbers so a client can tell the user what to do.
/// </summary>
public sealed class PlanLimitExceededException(string message, IReadOnlyDictionary<string, object?> details)
    : EngineException(message)
{
    public IReadOnlyDictionary<string, object?> Details { get; } = details;
    public override string Code => "PLAN_LIMIT";
}
