using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Workflows.Runtime;

/// <summary>Filters of the instance list.</summary>
public sealed record InstanceFilter(string? DefinitionId = null, InstanceStatus? Status = null, string? CorrelationId = null, int Limit = 50, int Offset = 0);

/// <summary>An instance in a list.</summary>
public sealed record InstanceSummary(
    Guid Id, string DefinitionId, int Version, InstanceStatus Status, string? SubStatus, string? CorrelationId, Guid? ParentInstanceId,
    int IncidentCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt);

/// <summary>What one token waits for.</summary>
public sealed record InstanceWait(Guid Id, Guid TokenId, string NodeId, string Kind, string Key, JsonNode? Payload, DateTimeOffset? DueAt, DateTimeOffset CreatedAt);

/// <summary>An incident of an instance.</summary>
public sealed record InstanceIncident(Guid Id, Guid InstanceId, string NodeId, Guid? TokenId, DateTimeOffset At, string Message, int Attempt, DateTimeOffset? ResolvedAt);

/// <summary>One journal entry.</summary>
public sealed record InstanceJournalEntry(long Seq, DateTimeOffset At, string? NodeId, Guid? TokenId, string Event, JsonNode? Data, long Burst, string? Worker);

/// <summary>An instance with its state, waits and open incidents.</summary>
public sealed record InstanceDetail(
    InstanceSummary Instance, JsonObject Input, JsonObject Variables, JsonObject? Output, JsonNode? Result, string? Error,
    IReadOnlyList<TokenState> Tokens, IReadOnlyList<InstanceWait> Waits, IReadOnlyList<InstanceIncident> Incidents, long RowVersion);

/// <summary>A decision a person owes: the approval a waiting <c>human.approval</c> node asks for.</summary>
public sealed record HumanTask(
    Guid Id, Guid InstanceId, string DefinitionId, string NodeId, string? Assignee, string? Subject, string? Description, DateTimeOffset CreatedAt, DateTimeOffset? DueAt);

/// <summary>Read side of instances for the API and the Studio; every query is scoped to one organisation.</summary>
public sealed class WorkflowInstanceQueries(IDbContextFactory<WorkflowDbContext> contexts)
{
    public const int MaxLimit = 200;

    public async Task<WorkflowPage<InstanceSummary>> ListAsync(Guid orgId, InstanceFilter filter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Instances.AsNoTracking().Where(i => i.OrgId == orgId);
        if (filter.DefinitionId is { } definitionId)
        {
            query = query.Where(i => i.DefinitionId == definitionId);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(i => i.Status == status);
        }

        if (filter.CorrelationId is { } correlationId)
        {
            query = query.Where(i => i.CorrelationId == correlationId);
        }

        var limit = Math.Clamp(filter.Limit, 1, MaxLimit);
        var offset = Math.Max(0, filter.Offset);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(i => i.CreatedAt).ThenByDescending(i => i.Id).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        return new WorkflowPage<InstanceSummary>([.. rows.Select(Summary)], total, limit, offset);
    }

    /// <exception cref="WorkflowNotFoundException">No such instance in the organisation.</exception>
    public async Task<InstanceDetail> GetAsync(Guid orgId, Guid instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var instance = await db.Instances.AsNoTracking().FirstOrDefaultAsync(i => i.Id == instanceId && i.OrgId == orgId, cancellationToken)
            ?? throw new WorkflowNotFoundException($"Workflow instance {instanceId} does not exist.");
        var waits = await db.Bookmarks.AsNoTracking().Where(b => b.InstanceId == instanceId).OrderBy(b => b.CreatedAt).ToListAsync(cancellationToken);
        var incidents = await db.Incidents.AsNoTracking().Where(i => i.InstanceId == instanceId).OrderBy(i => i.At).ToListAsync(cancellationToken);
        var state = InstanceState.Deserialize(instance.StateJson);
        return new InstanceDetail(
            Summary(instance), state.Input, state.Vars, state.Output, state.Result, state.Error, state.Tokens,
            [.. waits.Select(b => new InstanceWait(b.Id, b.TokenId, b.NodeId, b.Kind, b.Key, b.PayloadJson is null ? null : JsonNode.Parse(b.PayloadJson), b.DueAt, b.CreatedAt))],
            [.. incidents.Select(Incident)],
            instance.RowVersion);
    }

    /// <exception cref="WorkflowNotFoundException">No such instance in the organisation.</exception>
    public async Task<IReadOnlyList<InstanceJournalEntry>> JournalAsync(Guid orgId, Guid instanceId, long afterSeq, int limit, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (!await db.Instances.AnyAsync(i => i.Id == instanceId && i.OrgId == orgId, cancellationToken))
        {
            throw new WorkflowNotFoundException($"Workflow instance {instanceId} does not exist.");
        }

        var rows = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId && j.Seq > afterSeq)
            .OrderBy(j => j.Seq).Take(Math.Clamp(limit, 1, 1000)).ToListAsync(cancellationToken);
        return [.. rows.Select(j => new InstanceJournalEntry(j.Seq, j.At, j.NodeId, j.TokenId, j.Event, j.DataJson is null ? null : JsonNode.Parse(j.DataJson), j.Burst, j.Worker))];
    }

    /// <summary>Open incidents of the organisation, newest first.</summary>
    public async Task<WorkflowPage<InstanceIncident>> OpenIncidentsAsync(Guid orgId, int limit, int offset, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Incidents.AsNoTracking().Where(i => i.OrgId == orgId && i.ResolvedAt == null);
        var take = Math.Clamp(limit, 1, MaxLimit);
        var skip = Math.Max(0, offset);
        var total = await query.CountAsync(cancellationToken);
        var rows = await query.OrderByDescending(i => i.At).ThenByDescending(i => i.Id).Skip(skip).Take(take).ToListAsync(cancellationToken);
        return new WorkflowPage<InstanceIncident>([.. rows.Select(Incident)], total, take, skip);
    }

    /// <summary>
    /// Open human tasks (the §13.3 <c>human_tasks</c> view): approval bookmarks with the assignee and subject their node
    /// asked with, and the due time of the node's timeout if it has one; oldest first, optionally for one assignee.
    /// </summary>
    public async Task<WorkflowPage<HumanTask>> HumanTasksAsync(Guid orgId, string? assignee, int limit, int offset, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var approvals = await db.Bookmarks.AsNoTracking()
            .Where(b => b.OrgId == orgId && b.Kind == "approval")
            .Join(db.Instances.AsNoTracking(), b => b.InstanceId, i => i.Id, (b, i) => new { Bookmark = b, i.DefinitionId })
            .OrderBy(x => x.Bookmark.CreatedAt).ThenBy(x => x.Bookmark.Id)
            .ToListAsync(cancellationToken);
        var tokens = approvals.Select(a => a.Bookmark.TokenId).ToList();
        var timeouts = await db.Bookmarks.AsNoTracking()
            .Where(b => b.OrgId == orgId && b.Kind == BookmarkKinds.Timeout && tokens.Contains(b.TokenId))
            .Select(b => new { b.TokenId, b.DueAt }).ToListAsync(cancellationToken);
        var tasks = approvals.Select(a =>
        {
            var payload = a.Bookmark.PayloadJson is null ? null : JsonNode.Parse(a.Bookmark.PayloadJson) as JsonObject;
            return new HumanTask(
                a.Bookmark.Id, a.Bookmark.InstanceId, a.DefinitionId, a.Bookmark.NodeId,
                Text(payload, "assignee"), Text(payload, "subject"), Text(payload, "description"), a.Bookmark.CreatedAt,
                timeouts.FirstOrDefault(t => t.TokenId == a.Bookmark.TokenId)?.DueAt);
        }).Where(t => assignee is null || string.Equals(t.Assignee, assignee, StringComparison.OrdinalIgnoreCase)).ToList();
        var take = Math.Clamp(limit, 1, MaxLimit);
        var skip = Math.Max(0, offset);
        return new WorkflowPage<HumanTask>([.. tasks.Skip(skip).Take(take)], tasks.Count, take, skip);
    }

    private static string? Text(JsonObject? payload, string name) =>
        payload?[name] is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static InstanceSummary Summary(WorkflowInstanceRecord i) => new(
        i.Id, i.DefinitionId, i.DefinitionVersion, i.Status, i.SubStatus, i.CorrelationId, i.ParentInstanceId, i.IncidentCount, i.CreatedAt, i.UpdatedAt, i.FinishedAt);

    private static InstanceIncident Incident(IncidentRecord i) => new(i.Id, i.InstanceId, i.NodeId, i.TokenId, i.At, i.Message, i.Attempt, i.ResolvedAt);
}
