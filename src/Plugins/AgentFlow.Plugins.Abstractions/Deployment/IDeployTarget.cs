namespace AgentFlow.Plugins.Deployment;

/// <summary>
/// Where an agent runs: a local process, a Docker container, a machine over SSH, a cloud service. The
/// <c>deploy-agent</c> workflow calls the phases in order (validate, provision, configure, deploy, verify); the
/// lifecycle and health workflows call status, stop, restart, hot update and destroy.
/// </summary>
/// <remarks>
/// <para>One instance serves every deployment of its kind, concurrently: keep per-deployment data in
/// <see cref="DeployContext.State"/> (returned through <see cref="DeployStepResult.State"/>), never in fields, because
/// the server may restart between two phases and a plugin may be replaced by a newer version in between.</para>
/// <para>Phases should be idempotent: a phase interrupted by a crash is run again.</para>
/// <para>Throwing is allowed and is treated as a failed phase with the exception's message.</para>
/// </remarks>
public interface IDeployTarget
{
    /// <summary>Unique target id, lower-case kebab-case (<c>local</c>, <c>docker</c>, <c>fly</c>).</summary>
    string Id { get; }

    /// <summary>Display name.</summary>
    string DisplayName { get; }

    /// <summary>One or two sentences: where the agent runs and what the target needs.</summary>
    string Description { get; }

    /// <summary>The settings a deployment on this target takes, rendered by the Studio as a form.</summary>
    IReadOnlyList<DeployConfigField> ConfigSchema { get; }

    /// <summary>Checks the configuration and the target's prerequisites (reachable engine, credentials) before anything is created.</summary>
    /// <param name="context">The deployment.</param>
    /// <param name="cancellationToken">Cancels the check.</param>
    /// <returns>The problems found; empty when the deployment can proceed.</returns>
    Task<IReadOnlyList<DeployProblem>> ValidateAsync(DeployContext context, CancellationToken cancellationToken);

    /// <summary>Creates what the agent runs on (a directory, a container, an app).</summary>
    /// <param name="context">The deployment.</param>
    /// <param name="cancellationToken">Cancels the phase.</param>
    /// <returns>The phase's outcome.</returns>
    Task<DeployStepResult> ProvisionAsync(DeployContext context, CancellationToken cancellationToken);

    /// <summary>Writes the agent's workspace and settings to what was provisioned.</summary>
    /// <param name="context">The deployment, with <see cref="DeployContext.Workspace"/> and <see cref="DeployContext.Environment"/>.</param>
    /// <param name="cancellationToken">Cancels the phase.</param>
    /// <returns>The phase's outcome.</returns>
    Task<DeployStepResult> ConfigureAsync(DeployContext context, CancellationToken cancellationToken);

    /// <summary>Starts the agent.</summary>
    /// <param name="context">The deployment.</param>
    /// <param name="cancellationToken">Cancels the phase.</param>
    /// <returns>The phase's outcome.</returns>
    Task<DeployStepResult> DeployAsync(DeployContext context, CancellationToken cancellationToken);

    /// <summary>Checks that the started agent answers (its health endpoint).</summary>
    /// <param name="context">The deployment.</param>
    /// <param name="cancellationToken">Cancels the phase.</param>
    /// <returns>The phase's outcome.</returns>
    Task<DeployStepResult> VerifyAsync(DeployContext context, CancellationToken cancellationToken);

    /// <summary>What the target knows of the deployment now.</summary>
    /// <param name="context">The deployment.</param>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The status.</returns>
    Task<DeploymentStatus> GetStatusAsync(DeployContext context, CancellationToken cancellationToken);

    /// <summary>Stops the agent, keeping what was provisioned.</summary>
    /// <param name="context">The deployment.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    Task<DeployStepResult> StopAsync(DeployContext context, CancellationToken cancellationToken);

    /// <summary>Stops and starts the agent.</summary>
    /// <param name="context">The deployment.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    Task<DeployStepResult> RestartAsync(DeployContext context, CancellationToken cancellationToken);

    /// <summary>Applies a new workspace or configuration to the running agent without a full redeploy.</summary>
    /// <param name="context">The deployment, with the new <see cref="DeployContext.Workspace"/>.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome; a target that cannot update in place restarts the agent.</returns>
    Task<DeployStepResult> HotUpdateAsync(DeployContext context, CancellationToken cancellationToken);

    /// <summary>Stops the agent and removes everything that was provisioned.</summary>
    /// <param name="context">The deployment.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns>The outcome.</returns>
    Task<DeployStepResult> DestroyAsync(DeployContext context, CancellationToken cancellationToken);
}
