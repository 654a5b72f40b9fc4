using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>What a burst commit may change, as stored: compared before and after a failed commit.</summary>
public sealed record InstanceSnapshot(
    string StateJson,
    long RowVersion,
    InstanceStatus Status,
    string? SubStatus,
    int IncidentCount,
    IReadOnlyList<string> Bookmarks,
    IReadOnlyList<string> Outbox,
    IReadOnlyList<long> JournalSeqs,
    IReadOnlyList<string> WorkItems,
    IReadOnlyList<string> ProcessedStimuli,
    int Incidents)
{
    /// <summary>Asserts column by column (records compare lists by reference, and a field-wise failure says what moved).</summary>
    public void AssertUnchangedIn(InstanceSnapshot actual)
    {
        ArgumentNullException.ThrowIfNull(actual);
        Assert.Equal(StateJson, actual.StateJson);
        Assert.Equal(RowVersion, actual.RowVersion);
        Assert.Equal(Status, actual.Status);
        Assert.Equal(SubStatus, actual.SubStatus);
        Assert.Equal(IncidentCount, actual.IncidentCount);
        Assert.Equal(Bookmarks, actual.Bookmarks);
        Assert.Equal(Outbox, actual.Outbox);
        Assert.Equal(JournalSeqs, actual.JournalSeqs);
        Assert.Equal(WorkItems, actual.WorkItems);
        Assert.Equal(ProcessedStimuli, actual.ProcessedStimuli);
        Assert.Equal(Incidents, actual.Incidents);
    }
}

public static class WorkflowSnapshots
{
    /// <summary>
    /// The instance row's state columns, its bookmarks, outbox rows, journal, work items (identity only: a claim or release
    /// changes the lock and attempt columns outside any burst), processed stimuli and incidents.
    /// </summary>
    public static async Task<InstanceSnapshot> SnapshotAsync(this WorkflowCluster cluster, Guid instanceId)
    {
        await using var db = cluster.CreateDbContext();
        var instance = await db.Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId);
        var bookmarks = await db.Bookmarks.AsNoTracking().Where(b => b.InstanceId == instanceId).ToListAsync();
        var outbox = await db.Outbox.AsNoTracking().Where(o => o.InstanceId == instanceId).ToListAsync();
        var journal = await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).Select(j => j.Seq).ToListAsync();
        var items = await db.WorkItems.AsNoTracking().Where(w => w.InstanceId == instanceId).ToListAsync();
        var stimuli = await db.ProcessedStimuli.AsNoTracking().Where(p => p.InstanceId == instanceId).Select(p => p.StimulusId).ToListAsync();
        var incidents = await db.Incidents.AsNoTracking().CountAsync(i => i.InstanceId == instanceId);
        return new InstanceSnapshot(
            instance.StateJson, instance.RowVersion, instance.Status, instance.SubStatus, instance.IncidentCount,
            [.. bookmarks.Select(b => $"{b.Id}|{b.Kind}|{b.Key}|{b.DueAt:O}").Order(StringComparer.Ordinal)],
            [.. outbox.Select(o => $"{o.Id}|{o.Kind}|{o.PayloadJson}").Order(StringComparer.Ordinal)],
            [.. journal.Order()],
            [.. items.Select(w => $"{w.Id}|{w.Kind}|{w.IdempotencyKey}").Order(StringComparer.Ordinal)],
            [.. stimuli.Order(StringComparer.Ordinal)],
            incidents);
    }

    public static async Task<WorkItemRecord?> WorkItemAsync(this WorkflowCluster cluster, Guid workItemId)
    {
        await using var db = cluster.CreateDbContext();
        return await db.WorkItems.AsNoTracking().FirstOrDefaultAsync(w => w.Id == workItemId);
    }

    /// <summary>Waits until a work item failed and was put back (unlocked, with its error) by the worker that claimed it; fails at once if it was deleted.</summary>
    public static async Task<WorkItemRecord> WaitForFailedAttemptAsync(this WorkflowCluster cluster, Guid workItemId, int attempts = 1)
    {
        WorkItemRecord? item = null;
        await WorkflowClusterExtensions.WaitUntilAsync(
            async () =>
            {
                item = await cluster.WorkItemAsync(workItemId);
                if (item is null)
                {
                    // Only a commit deletes the claimed item: the burst that was meant to fail wrote (part of) its commit.
                    Assert.Fail($"Work item {workItemId} is gone: its burst committed (or partly committed) instead of failing.");
                }

                return item is { LastError: not null, LockedBy: null } && item.Attempts >= attempts;
            },
            describe: () => $"work item {workItemId} to fail {attempts} time(s) and be released (last: attempts {item?.Attempts}, locked by {item?.LockedBy}, error {item?.LastError})");
        return item!;
    }
}
