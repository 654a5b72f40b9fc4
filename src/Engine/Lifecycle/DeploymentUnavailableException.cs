using AgentFlow.Engine.Errors;

namespace AgentFlow.Engine.Lifecycle;

/// <summary>No <see cref="IAgentDeploymentOrchestrator"/> is registered: lifecycle operations cannot run (501 <c>DEPLOYMENT_UNAVAILABLE</c>).</summary>
public sealed class DeploymentUnavailableException()
    : EngineException("Deployments are not available on this server: no deployment orchestrator is installed.")
{
    public const string ErrorCode = "DEPLOYMENT_UNAVAILABLE";

    public override string Code => ErrorCode;
}

/// <summary>
/// The deploy target could not do what was asked (stop, restart, hot update, destroy): 502 <c>DEPLOYMENT_FAILED</c> with
/// the target's message. The agent has been moved to <c>error</c> with that message as the reason.
/// </summary>
public sealed class DeploymentFailedException(string message)
    : EngineException(message)
{
    public const string ErrorCode = "DEPLOYMENT_FAILED";

    public override string Code => ErrorCode;
}
