using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>§13.5 test 5: a stimulus with a repeated idempotency key is applied once; a decision for an approval that was already decided is rejected.</summary>
public abstract class StimulusIdempotencyTests(DatabaseProvider provider)
{
    /// <summary>An approval followed by another wait, so the instance is still suspended when a second decision comes.</summary>
    private const string ApprovalThenArchive = """
    {
      "schema": "wf/1", "definitionId": "approve-archive", "name": "Approve then archive",
      "variables": [{"name": "decision", "type": "string"}],
      "outputs": [{"name": "decision", "from": {"var": "decision"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "approve", "type": "human.approval", "inputs": {"assignee": "manager", "subject": "Expense"}, "outputs": {"decision": "decision"}},
        {"id": "archive", "type": "core.waitSignal", "inputs": {"name": "archive"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "approve"},
        {"from": "approve", "on": "Approved", "to": "archive"}, {"from": "approve", "on": "Rejected", "to": "archive"},
        {"from": "archive", "to": "end"}
      ]
    }
    """;

    [Fact]
    public async Task DeliverAsync_SameIdempotencyKeyTwice_AppliedOnce()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(TestWorkflows.Counter(2));
        var started = await node.StartAsync("counter");

        var first = await node.SignalAsync(started.InstanceId, "tick", idempotencyKey: "t1");
        var repeated = await node.SignalAsync(started.InstanceId, "tick", idempotencyKey: "t1");
        await cluster.TickUntilAsync(async () => (await cluster.InstanceAsync(started.InstanceId)).RowVersion == 2 && (await cluster.WorkItemsAsync(started.InstanceId)).Count == 0);
        var afterApplied = await node.SignalAsync(started.InstanceId, "tick", idempotencyKey: "t1");

        Assert.False(first.Duplicate);
        Assert.True(repeated.Duplicate);
        Assert.True(afterApplied.Duplicate);
        var instance = await cluster.InstanceAsync(started.InstanceId);
        Assert.Equal(InstanceStatus.Suspended, instance.Status);
        Assert.Equal(1, instance.Var("count")!.GetValue<int>());
        Assert.Single((await cluster.JournalAsync(started.InstanceId)).At("wait", "resumed"));
        Assert.Empty(await cluster.WorkItemsAsync(started.InstanceId));

        // A new key is a new stimulus.
        Assert.False((await node.SignalAsync(started.InstanceId, "tick", idempotencyKey: "t2")).Duplicate);
        var finished = await cluster.TickUntilStatusAsync(started.InstanceId, InstanceStatus.Finished);
        Assert.Equal(2, finished.Output("count")!.GetValue<int>());
        Assert.Equal(2, (await cluster.JournalAsync(started.InstanceId)).At("wait", "resumed").Count);
    }

    /// <summary>
    /// Two deliveries with one key race: both pass the duplicate check, the first inserts its work item, the second's
    /// insert conflicts on the key, and the worker applies (and deletes) the first item before the second looks again.
    /// The second is a duplicate all the same: it must say so, not fail.
    /// </summary>
    [Fact]
    public async Task DeliverAsync_SameKeyConcurrentlyWhileFirstIsApplied_SecondIsDuplicate()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var gate = new DuplicateInsertGate(":signal:same");
        var node = await cluster.StartNodeAsync(configure: s =>
        {
            s.AddSingleton<IWorkflowDbInterceptor>(gate);
            s.AddSingleton(gate.ClaimHold);
        });
        await node.PublishAsync(TestWorkflows.Counter(2));
        var started = await node.StartAsync("counter");
        gate.ReleaseFailureWhen = async () => (await cluster.ProcessedStimuliAsync(started.InstanceId)).Count == 1;

        var deliveries = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => CaptureAsync(node.SignalAsync(started.InstanceId, "tick", idempotencyKey: "same"))));

        Assert.True(gate.SecondFailed, "The interleaving did not happen: the second insert did not conflict.");
        Assert.All(deliveries, d => Assert.True(d.Error is null, $"A delivery of a duplicate failed: {d.Error}"));
        Assert.Single(deliveries, d => d.Accepted is { Duplicate: false });
        await cluster.TickUntilAsync(async () => (await cluster.WorkItemsAsync(started.InstanceId)).Count == 0);
        var instance = await cluster.InstanceAsync(started.InstanceId);
        Assert.Equal(1, instance.Var("count")!.GetValue<int>());
        Assert.Single((await cluster.JournalAsync(started.InstanceId)).At("wait", "resumed"));
    }

    [Fact]
    public async Task DecideAsync_ApprovalAlreadyDecided_ThrowsNoMatchingBookmark()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(ApprovalThenArchive);
        var started = await node.StartAsync("approve-archive");
        await node.DecideAsync(started.InstanceId, "approve", "approved", idempotencyKey: "decision-1");
        await cluster.TickUntilAsync(async () => (await cluster.JournalAsync(started.InstanceId)).At("archive", "suspended").Count == 1);

        await Assert.ThrowsAsync<NoMatchingBookmarkException>(() => node.DecideAsync(started.InstanceId, "approve", "rejected", idempotencyKey: "decision-2"));

        var instance = await cluster.InstanceAsync(started.InstanceId);
        Assert.Equal(InstanceStatus.Suspended, instance.Status);
        Assert.Equal("Approved", instance.Var("decision")!.GetValue<string>());
        var journal = await cluster.JournalAsync(started.InstanceId);
        Assert.Equal(["Approved"], Assert.Single(journal.At("approve", "completed")).Outcomes());
        Assert.Single(journal.At("approve", "resumed"));
        Assert.DoesNotContain(await cluster.WorkItemsAsync(started.InstanceId), w => w.IdempotencyKey.Contains("decision-2", StringComparison.Ordinal));

        // Once the instance finished, a decision is rejected the same way.
        await node.SignalAsync(started.InstanceId, "archive");
        await cluster.TickUntilStatusAsync(started.InstanceId, InstanceStatus.Finished);
        await Assert.ThrowsAsync<NoMatchingBookmarkException>(() => node.DecideAsync(started.InstanceId, "approve", "rejected", idempotencyKey: "decision-3"));
    }

    private static async Task<(StimulusAccepted? Accepted, Exception? Error)> CaptureAsync(Task<StimulusAccepted> delivery)
    {
        try
        {
            return (await delivery, null);
        }
        catch (Exception ex)
        {
            return (null, ex);
        }
    }
}

public sealed class SqliteStimulusIdempotencyTests() : StimulusIdempotencyTests(DatabaseProvider.Sqlite);

public sealed class PostgresStimulusIdempotencyTests() : StimulusIdempotencyTests(DatabaseProvider.Postgres);
