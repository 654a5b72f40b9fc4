namespace AgentFlow.Engine.Lifecycle;

/// <summary>
/// Does the deployment work behind the lifecycle routes. The Engine registers no implementation: the Host provides
/// one (the deploy-agent workflow over the deploy targets); while none is registered the lifecycle routes answer
/// 501 <c>DEPLOYMENT_UNAVAILABLE</c> and change nothing.
/// </summary>
/// <remarks>
/// <para>Contract. The API has already stored the operator's transition when a method is called (the agent is in
/// the state the trigger leads to: provisioning, stopped, starting, updating or destroying) and runs in a scope
/// acting for the agent's organisation. If a method throws, the API records <see cref="AgentTrigger.Fail"/> (actor
/// <see cref="AgentActors.System"/>, the error as the reason) and the request fails.</para>
/// <para><see cref="DeployAsync"/>, <see cref="RestartAsync"/> and <see cref="HotUpdateAsync"/> start the work and
/// may return before it is done; the orchestrator then reports progress by firing triggers through
/// <see cref="AgentLifecycleService.FireAsync"/> as <see cref="AgentActors.System"/> (Provisioned, Deployed,
/// Healthy, UpdateComplete, Degrade, Fail). A progress trigger refused with <see cref="InvalidTransitionException"/>
/// means an operator stopped or destroyed the agent meanwhile: the orchestrator must abandon that work.</para>
/// <para><see cref="StopAsync"/> and <see cref="DestroyAsync"/> return only once the agent's processes are stopped
/// (respectively its deployment removed), and succeed when there is nothing to stop or remove (a draft, an agent
/// never deployed, a second call). Destroy calls <see cref="StopAsync"/>, then <see cref="DestroyAsync"/>, then
/// deletes the agent; nothing is removed before both have returned.</para>
/// </remarks>
public interface IAgentDeploymentOrchestrator
{
    /// <summary>Starts deploying the agent's current configuration (state provisioning).</summary>
    Task DeployAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken);

    /// <summary>Stops the agent's processes, aborting a deployment or update in flight (state stopped, or destroying during a destroy).</summary>
    Task StopAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken);

    /// <summary>Starts restarting the agent's processes on its existing deployment (state starting).</summary>
    Task RestartAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken);

    /// <summary>Starts applying the agent's current configuration to the running agent (state updating).</summary>
    Task HotUpdateAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken);

    /// <summary>Removes the agent's deployment (state destroying; <see cref="StopAsync"/> has returned).</summary>
    Task DestroyAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken);
}
