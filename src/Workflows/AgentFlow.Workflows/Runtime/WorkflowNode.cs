using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Runtime;

/// <summary>This process's identity in leases, locks and the journal; unique per process so two hosts never share one.</summary>
public sealed class WorkflowNode(IOptions<WorkflowRuntimeOptions> options)
{
    public string Name { get; } = string.IsNullOrWhiteSpace(options.Value.NodeName)
        ? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}"
        : options.Value.NodeName;
}
