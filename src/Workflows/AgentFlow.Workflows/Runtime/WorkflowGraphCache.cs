using System.Collections.Concurrent;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Graph;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// Compiled graphs by version id. A version's content is frozen once it is published (only the latest draft is ever
/// rewritten, and drafts never run), so a burst finds its graph here without reading the definition; the stored
/// content hash is kept with each entry so a re-saved draft is compiled afresh when it is started.
/// </summary>
public sealed class WorkflowGraphCache(WorkflowGraphCompiler compiler)
{
    private readonly ConcurrentDictionary<Guid, (string Hash, WorkflowGraph Graph)> _graphs = new();

    /// <summary>The graph of a version; reads the definition only when the version (with this hash, if given) is not cached.</summary>
    /// <exception cref="WorkflowNotFoundException">The version does not exist.</exception>
    /// <exception cref="InvalidOperationException">The stored definition no longer compiles (e.g. an activity's plugin was removed).</exception>
    public async Task<WorkflowGraph> GetAsync(WorkflowDbContext db, Guid versionId, string? expectedHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (_graphs.TryGetValue(versionId, out var cached) && (expectedHash is null || cached.Hash == expectedHash))
        {
            return cached.Graph;
        }

        var record = await db.Definitions.AsNoTracking().FirstOrDefaultAsync(d => d.Id == versionId, cancellationToken)
            ?? throw new WorkflowNotFoundException($"Workflow version {versionId} does not exist.");
        return Get(record);
    }

    public WorkflowGraph Get(WorkflowDefinitionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        if (_graphs.TryGetValue(record.Id, out var cached) && cached.Hash == record.ContentHash)
        {
            return cached.Graph;
        }

        var parsed = WorkflowDefinitionSerializer.Parse(record.ContentJson);
        var result = parsed.Document is null ? new GraphCompileResult(null, parsed.Problems) : compiler.Compile(parsed.Document);
        var graph = result.Graph ?? throw new InvalidOperationException(
            $"Workflow \"{record.DefinitionId}\" v{record.Version} no longer compiles: " +
            string.Join("; ", result.Problems.Select(p => $"{p.NodeId ?? p.Field}: {p.Message}")));
        _graphs[record.Id] = (record.ContentHash, graph);
        return graph;
    }
}
