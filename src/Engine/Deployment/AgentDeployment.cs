using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Deployment;

/// <summary>
/// An agent's deployment on its target: what the target returned between phases (<see cref="State"/>: a process id,
/// a container id), where the agent answers, the key it was given, and its health. One row per agent, kept across
/// redeploys, so a server restart knows what runs where.
/// </summary>
public sealed class AgentDeployment : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid AgentId { get; set; }
    public required string Target { get; set; }

    /// <summary>The last phase or operation and how it ended (<c>deploy:started</c>, <c>verify:failed</c>, <c>stopped</c>…).</summary>
    public string Phase { get; set; } = "created";

    /// <summary>JSON object of the target's state values.</summary>
    public string State { get; set; } = "{}";

    public string? Endpoint { get; set; }

    /// <summary>The agent-bound API key the deployment runs with (revoked and replaced on every deploy).</summary>
    public Guid? ApiKeyId { get; set; }

    public Guid? WorkflowInstanceId { get; set; }

    /// <summary>The health-recovery workflow instance watching the deployment.</summary>
    public Guid? HealthInstanceId { get; set; }
    public string? LastError { get; set; }

    /// <summary>Who asked for the deployment (a user id).</summary>
    public string? DeployedBy { get; set; }

    /// <summary>healthy, degraded, unhealthy or unknown (the health workflow's view).</summary>
    public string Health { get; set; } = "unknown";

    public int ConsecutiveFailures { get; set; }

    /// <summary>JSON array of the times of automatic restarts (the last ten minutes' count limits them).</summary>
    public string Restarts { get; set; } = "[]";

    public DateTimeOffset? LastCheckAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
