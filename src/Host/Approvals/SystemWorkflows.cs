using System.Collections.Concurrent;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Runtime;

namespace AgentFlow.Host.Approvals;

/// <summary>
/// The workflows the platform itself runs (<c>tool-approval</c>, later <c>deploy-agent</c> and <c>health-recovery</c>):
/// they must be published in every organisation whatever the seed folder says. When one is missing it is imported from
/// the copy shipped next to the Host (<c>workflows/</c>) and published; an administrator's newer version is kept.
/// </summary>
internal sealed class SystemWorkflows(WorkflowDefinitionService definitions)
{
    private readonly ConcurrentDictionary<(Guid OrgId, string DefinitionId), byte> _present = new();

    public static string Directory => Path.Combine(AppContext.BaseDirectory, "workflows");

    public async Task EnsurePublishedAsync(Guid orgId, string definitionId, CancellationToken cancellationToken)
    {
        if (_present.ContainsKey((orgId, definitionId)))
        {
            return;
        }

        try
        {
            await definitions.GetAsync(orgId, definitionId, cancellationToken: cancellationToken);
        }
        catch (WorkflowNotFoundException)
        {
            var path = Path.Combine(Directory, definitionId + ".json");
            var file = new WorkflowImportFile(Path.GetFileName(path), await File.ReadAllBytesAsync(path, cancellationToken));
            var result = (await definitions.ImportAsync(orgId, [file], publish: true, WorkflowSeeder.CreatedBy, cancellationToken))[0];
            if (result.Outcome is WorkflowImportOutcomes.Invalid or WorkflowImportOutcomes.Failed)
            {
                throw new InvalidOperationException($"The system workflow {definitionId} could not be imported: {result.Error ?? string.Join("; ", result.Problems.Select(p => p.Message))}");
            }
        }

        _present.TryAdd((orgId, definitionId), 0);
    }
}
