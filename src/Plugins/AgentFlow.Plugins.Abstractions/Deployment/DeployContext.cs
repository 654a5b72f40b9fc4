namespace AgentFlow.Plugins.Deployment;

/// <summary>One deployment of one agent, as a deploy target sees it during a phase.</summary>
/// <param name="DeploymentId">The deployment's id, stable across its phases and restarts of the server.</param>
/// <param name="AgentId">The agent.</param>
/// <param name="OrganizationId">The agent's organisation.</param>
/// <param name="AgentName">The agent's name (for labels and log lines).</param>
public sealed record DeployContext(Guid DeploymentId, Guid AgentId, Guid OrganizationId, string AgentName)
{
    /// <summary>The deployment's settings by <see cref="DeployConfigField.Key"/>, checked against the schema, secrets in clear.</summary>
    public IReadOnlyDictionary<string, string> Config { get; init; } = new Dictionary<string, string>();

    /// <summary>What earlier phases returned in <see cref="DeployStepResult.State"/> (a process id, a container id...).</summary>
    public IReadOnlyDictionary<string, string> State { get; init; } = new Dictionary<string, string>();

    /// <summary>The agent's generated workspace: relative file path → content.</summary>
    public IReadOnlyDictionary<string, string> Workspace { get; init; } = new Dictionary<string, string>();

    /// <summary>Environment variables the agent process needs (server address, its API key, its id).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>A directory the target may use for this deployment's files on the server; it exists.</summary>
    public string WorkingDirectory { get; init; } = "";

    /// <summary>Progress lines shown live in the activity stream and kept in the deployment's journal.</summary>
    public IDeployLog Log { get; init; } = NullDeployLog.Instance;
}

/// <summary>Where a deploy target reports progress.</summary>
public interface IDeployLog
{
    /// <summary>Reports a step of progress (<c>Pulling image agentflow/runtime:1.2</c>).</summary>
    /// <param name="message">One line, no secrets.</param>
    void Info(string message);

    /// <summary>Reports something that did not stop the phase but deserves attention.</summary>
    /// <param name="message">One line, no secrets.</param>
    void Warning(string message);
}

/// <summary>A log that drops everything.</summary>
public sealed class NullDeployLog : IDeployLog
{
    /// <summary>The instance.</summary>
    public static NullDeployLog Instance { get; } = new();

    private NullDeployLog()
    {
    }

    /// <inheritdoc />
    public void Info(string message)
    {
    }

    /// <inheritdoc />
    public void Warning(string message)
    {
    }
}
