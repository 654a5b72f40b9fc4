using System.Text.Json.Nodes;
using AgentFlow.Activities.Approvals;
using AgentFlow.Engine.Approvals;
using AgentFlow.Workflows.Runtime;

namespace AgentFlow.Host.Approvals;

/// <summary>Runs each approval request as an instance of the published <c>tool-approval</c> workflow.</summary>
internal sealed class ApprovalWorkflowLauncher(IWorkflowRuntime runtime, SystemWorkflows system) : IApprovalWorkflowLauncher
{
    public const string DefinitionId = "tool-approval";

    public async Task<Guid?> StartAsync(Guid orgId, Guid requestId, CancellationToken cancellationToken)
    {
        await system.EnsurePublishedAsync(orgId, DefinitionId, cancellationToken);
        var started = await runtime.StartAsync(new StartWorkflowRequest
        {
            OrgId = orgId,
            DefinitionId = DefinitionId,
            Input = new JsonObject { ["requestId"] = requestId.ToString(), ["orgId"] = orgId.ToString() },
            CorrelationId = requestId.ToString(),
            IdempotencyKey = "approval:" + requestId.ToString("N"),
        }, cancellationToken);
        return started.InstanceId;
    }

    public async Task NotifyDecidedAsync(Guid orgId, Guid instanceId, Guid requestId, CancellationToken cancellationToken) =>
        await runtime.DeliverAsync(orgId, instanceId,
            new Stimulus("signal", AwaitDecisionActivity.SignalKey(requestId), null, "approval-decided:" + requestId.ToString("N")), cancellationToken);
}
