using AgentFlow.Plugins.Skills;

namespace AgentFlow.Plugins.Deployment;

/// <summary>One setting of a deploy target, rendered by the Studio as a form field.</summary>
/// <param name="Key">The setting's key, camelCase (<c>image</c>, <c>apiToken</c>).</param>
/// <param name="Label">Display label.</param>
/// <param name="Kind">The kind of value; <see cref="ConfigFieldKind.Secret"/> values are stored encrypted and never shown again.</param>
/// <param name="Required">Whether a deployment cannot proceed without it.</param>
public sealed record DeployConfigField(string Key, string Label, ConfigFieldKind Kind, bool Required)
{
    /// <summary>Help text shown under the field.</summary>
    public string? Description { get; init; }

    /// <summary>The value used when none is given (never for secrets).</summary>
    public string? DefaultValue { get; init; }

    /// <summary>The allowed values of a <see cref="ConfigFieldKind.Select"/> field; empty for other kinds.</summary>
    public IReadOnlyList<ConfigOption> Options { get; init; } = [];
}

/// <summary>Something wrong with a deployment's settings or the target's prerequisites.</summary>
/// <param name="Field">The setting's key, or null for a problem of the target itself (engine unreachable).</param>
/// <param name="Message">What is wrong and how to fix it.</param>
public sealed record DeployProblem(string? Field, string Message);

/// <summary>The outcome of a deployment phase or operation.</summary>
/// <param name="Succeeded">Whether it did what it should.</param>
/// <param name="Message">A line for the user: what happened, or why it failed.</param>
public sealed record DeployStepResult(bool Succeeded, string Message)
{
    /// <summary>Values to remember for the next phases (merged into <see cref="DeployContext.State"/>; an empty value removes a key).</summary>
    public IReadOnlyDictionary<string, string> State { get; init; } = new Dictionary<string, string>();

    /// <summary>Whether trying again later may succeed (a busy engine, a network error), for a failed result.</summary>
    public bool Retryable { get; init; }

    /// <summary>A successful result.</summary>
    /// <param name="message">What was done.</param>
    /// <param name="state">Values to remember, or null.</param>
    /// <returns>The result.</returns>
    public static DeployStepResult Ok(string message, IReadOnlyDictionary<string, string>? state = null) =>
        new(true, message) { State = state ?? new Dictionary<string, string>() };

    /// <summary>A failed result.</summary>
    /// <param name="message">Why it failed.</param>
    /// <param name="retryable">Whether trying again later may succeed.</param>
    /// <returns>The result.</returns>
    public static DeployStepResult Failed(string message, bool retryable = false) =>
        new(false, message) { Retryable = retryable };
}

/// <summary>What a deploy target knows of a deployment.</summary>
/// <param name="State">Where the deployment is.</param>
/// <param name="Message">A line for the user.</param>
public sealed record DeploymentStatus(DeploymentState State, string Message)
{
    /// <summary>Where the agent answers (its base address), when it does.</summary>
    public Uri? Endpoint { get; init; }

    /// <summary>Target-specific details shown in the Studio (container id, region, uptime).</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();
}

/// <summary>Where a deployment is, as its target sees it.</summary>
public enum DeploymentState
{
    /// <summary>The target cannot tell (not reachable).</summary>
    Unknown = 0,

    /// <summary>Nothing exists on the target.</summary>
    NotDeployed = 1,

    /// <summary>Provisioned or starting, not answering yet.</summary>
    Starting = 2,

    /// <summary>Running.</summary>
    Running = 3,

    /// <summary>Provisioned and stopped.</summary>
    Stopped = 4,

    /// <summary>Exited or crashed.</summary>
    Failed = 5,
}
