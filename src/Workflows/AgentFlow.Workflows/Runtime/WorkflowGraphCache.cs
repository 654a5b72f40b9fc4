using System.Collections.Concurrent;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Graph;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// Compiled graphs by version id. A version's content never changes once an instance runs on it (drafts are never
/// started), so an entry never goes stale; a draft saved again gets a new hash and is compiled afresh.
/// </summary>
public sealed class WorkflowGraphCache(WorkflowGraphCompiler compiler)
{
    private readonly ConcurrentDictionary<(Guid VersionId, string Hash), WorkflowGraph> _graphs = new();

    /// <exception cref="WorkflowNotFoundException">The version does not exist.</exception>
    /// <exception cref="InvalidOperationException">The stored definition no longer compiles (e.g. an activity's plugin was removed).</exception>
    public async Task<(WorkflowDefinitionRecord Record, WorkflowGraph Graph)> GetAsync(WorkflowDbContext db, Guid versionId, CancellationToken cancellationToken)
    {
        var record = await db.Definitions.AsNoTracking().FirstOrDefaultAsync(d => d.Id == versionId, cancellationToken)
            ?? throw new WorkflowNotFoundException($"Workflow version {versionId} does not exist.");
        return (record, Get(record));
    }

    public WorkflowGraph Get(WorkflowDefinitionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return _graphs.GetOrAdd((record.Id, record.ContentHash), static (_, state) =>
        {
            var (r, c) = state;
            var parsed = WorkflowDefinitionSerializer.Parse(r.ContentJson);
            var result = parsed.Document is null
                ? new GraphCompileResult(null, parsed.Problems)
                : c.Compile(parsed.Document);
            return result.Graph ?? throw new InvalidOperationException(
                $"Workflow \"{r.DefinitionId}\" v{r.Version} no longer compiles: " +
                string.Join("; ", result.Problems.Select(p => $"{p.NodeId ?? p.Field}: {p.Message}")));
        }, (record, compiler));
    }
}
