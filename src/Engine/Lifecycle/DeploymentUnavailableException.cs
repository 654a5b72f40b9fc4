using AgentFlow.Engine.Errors;

namespace AgentFlow.Engine.Lifecycle;

/// <summary>No <see cref="IAgentDeploymentOrchestrator"/> is registered: lifecycle operations cannot run (501 <c>DEPLOYMENT_UNAVAILABLE</c>).</summary>
public sealed class DeploymentUnavailableException()
    : EngineException("Deployments are not available on this server: no deployment orchestrator is installed.")
{
    public const string ErrorCode = "DEPLOYMENT_UNAVAILABLE";

    public override string Code => ErrorCode;
}
