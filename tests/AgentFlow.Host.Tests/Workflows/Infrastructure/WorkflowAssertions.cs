using System.Text.Json.Nodes;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>Reads the cluster's database directly and waits for the runtime's background work.</summary>
public static class WorkflowClusterExtensions
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(20);

    public static async Task<WorkflowInstanceRecord> InstanceAsync(this WorkflowCluster cluster, Guid instanceId)
    {
        await using var db = cluster.CreateDbContext();
        return await db.Instances.AsNoTracking().SingleAsync(i => i.Id == instanceId);
    }

    public static async Task<IReadOnlyList<JournalRecord>> JournalAsync(this WorkflowCluster cluster, Guid instanceId)
    {
        await using var db = cluster.CreateDbContext();
        return await db.Journal.AsNoTracking().Where(j => j.InstanceId == instanceId).OrderBy(j => j.Seq).ToListAsync();
    }

    public static async Task<IReadOnlyList<BookmarkRecord>> BookmarksAsync(this WorkflowCluster cluster, Guid instanceId)
    {
        await using var db = cluster.CreateDbContext();
        return await db.Bookmarks.AsNoTracking().Where(b => b.InstanceId == instanceId).ToListAsync();
    }

    /// <summary>Journal entries of one event at one node, e.g. the "completed" entries of "approve".</summary>
    public static IReadOnlyList<JournalRecord> At(this IReadOnlyList<JournalRecord> journal, string nodeId, string @event) =>
        [.. journal.Where(j => j.NodeId == nodeId && j.Event == @event)];

    public static IReadOnlyList<string> Outcomes(this JournalRecord entry) =>
        JsonNode.Parse(entry.DataJson ?? "{}")?["outcomes"]?.AsArray().Select(o => o!.GetValue<string>()).ToList() ?? [];

    /// <summary>Waits until the instance has the status (and no queued work), or fails with what it last saw.</summary>
    public static async Task<WorkflowInstanceRecord> WaitForStatusAsync(this WorkflowCluster cluster, Guid instanceId, InstanceStatus status, TimeSpan? timeout = null)
    {
        WorkflowInstanceRecord? last = null;
        await WaitUntilAsync(async () =>
        {
            last = await cluster.InstanceAsync(instanceId);
            return last.Status == status;
        }, timeout, () => $"instance {instanceId} to be {status} (last: {last?.Status} {last?.SubStatus})");
        return last!;
    }

    public static Task WaitUntilAsync(this WorkflowCluster cluster, Func<Task<bool>> condition, TimeSpan? timeout = null) =>
        WaitUntilAsync(condition, timeout, null);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null, Func<string>? describe = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"Timed out waiting for {describe?.Invoke() ?? "a condition"}.");
            }

            await Task.Delay(20);
        }
    }
}
