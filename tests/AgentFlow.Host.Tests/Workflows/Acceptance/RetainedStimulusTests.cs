using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 7: a stimulus that arrives before its bookmark is committed is retained and applied once the bookmark
/// exists; one whose bookmark never appears is dead-lettered after its time to live, not silently lost. The instance is
/// started on an API-only node whose first burst is capped before the wait, so the wait exists only once a worker runs.
/// </summary>
public abstract class RetainedStimulusTests(DatabaseProvider provider)
{
    /// <summary>Three steps before the wait: a burst capped at one step stops well before it.</summary>
    private const string Workflow = """
    {
      "schema": "wf/1", "definitionId": "late-wait", "name": "Late wait",
      "variables": [{"name": "step", "type": "number", "default": 0}, {"name": "received"}],
      "outputs": [{"name": "received", "from": {"var": "received"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "one", "type": "core.set", "inputs": {"variable": "step", "value": 1}},
        {"id": "two", "type": "core.set", "inputs": {"variable": "step", "value": 2}},
        {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "go"}, "outputs": {"payload": "received"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "one"}, {"from": "one", "to": "two"}, {"from": "two", "to": "wait"}, {"from": "wait", "to": "end"}]
    }
    """;

    [Fact]
    public async Task DeliverAsync_BeforeBookmarkExists_RetainedThenAppliedOnce()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var (instanceId, apiNode) = await StartCappedAsync(cluster, TimeSpan.FromMinutes(5));

        var accepted = await apiNode.SignalAsync(instanceId, "go", new JsonObject { ["n"] = 7 }, idempotencyKey: "early");

        Assert.True(accepted.Retained);
        Assert.False(accepted.Duplicate);
        Assert.Empty(await cluster.BookmarksAsync(instanceId));
        await cluster.StopAsync(apiNode);
        var worker = await cluster.StartNodeAsync("worker");
        var finished = await cluster.TickUntilStatusAsync(instanceId, InstanceStatus.Finished);
        Assert.Equal(7, finished.Output("received")!["n"]!.GetValue<int>());
        var journal = await cluster.JournalAsync(instanceId);
        Assert.Single(journal.At("wait", "suspended"));
        Assert.Single(journal.At("wait", "resumed"));
        Assert.Single(journal.At("end", "completed"));
        Assert.Empty(await cluster.WorkItemsAsync(instanceId));
        Assert.Equal(["signal:early"], (await cluster.ProcessedStimuliAsync(instanceId)).Select(p => p.StimulusId));
        Assert.True((await worker.SignalAsync(instanceId, "go", idempotencyKey: "early")).Duplicate);
    }

    [Fact]
    public async Task DeliverAsync_BookmarkNeverAppears_DeadLetteredAfterTimeToLive()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var timeToLive = TimeSpan.FromMinutes(1);
        var (instanceId, apiNode) = await StartCappedAsync(cluster, timeToLive);

        // The instance will wait for "go"; "stop" never gets a bookmark.
        var accepted = await apiNode.SignalAsync(instanceId, "stop", new JsonObject { ["why"] = "late" }, idempotencyKey: "never");

        Assert.True(accepted.Retained);
        await cluster.StopAsync(apiNode);
        var worker = await cluster.StartNodeAsync("worker");
        await cluster.TickUntilAsync(async () => (await cluster.JournalAsync(instanceId)).At("wait", "suspended").Count == 1);
        var retained = Assert.Single(await cluster.WorkItemsAsync(instanceId));
        Assert.Equal(accepted.WorkItemId, retained.Id);
        Assert.Null(retained.DeadLetteredAt);

        cluster.Clock.Advance(timeToLive);
        await cluster.TickUntilAsync(async () => (await cluster.WorkItemsAsync(instanceId)).Any(w => w.DeadLetteredAt is not null),
            () => "the expired stimulus to be dead-lettered");

        var dead = Assert.Single(await cluster.WorkItemsAsync(instanceId));
        Assert.Equal(accepted.WorkItemId, dead.Id);
        Assert.NotNull(dead.LastError);
        Assert.Contains("\"stop\"", dead.LastError, StringComparison.Ordinal);
        Assert.Contains("expired", dead.LastError, StringComparison.Ordinal);
        Assert.Contains("\"why\":\"late\"", dead.PayloadJson, StringComparison.Ordinal);
        var instance = await cluster.InstanceAsync(instanceId);
        Assert.Equal(InstanceStatus.Suspended, instance.Status);
        Assert.Empty((await cluster.JournalAsync(instanceId)).At("wait", "resumed"));
        Assert.Empty(await cluster.ProcessedStimuliAsync(instanceId));

        // The instance itself is unharmed: the stimulus it does wait for still completes it.
        await worker.SignalAsync(instanceId, "go", new JsonObject { ["n"] = 1 });
        await cluster.TickUntilStatusAsync(instanceId, InstanceStatus.Finished);
    }

    /// <summary>Starts an instance on an API-only node whose bursts stop after one step: it is left Running, before its wait.</summary>
    private static async Task<(Guid InstanceId, WorkflowNodeHost ApiNode)> StartCappedAsync(WorkflowCluster cluster, TimeSpan stimulusTimeToLive)
    {
        var apiNode = await cluster.StartNodeAsync("api", settings: new Dictionary<string, string?>
        {
            [AcceptanceSupport.RuntimeSetting("RunBackgroundServices")] = "false",
            [AcceptanceSupport.RuntimeSetting("MaxStepsPerBurst")] = "1",
            [AcceptanceSupport.RuntimeSetting("StimulusTimeToLive")] = stimulusTimeToLive.ToString(),
        });
        await apiNode.PublishAsync(Workflow);
        var started = await apiNode.StartAsync("late-wait");
        Assert.Equal(InstanceStatus.Running, started.Status);
        Assert.Empty((await cluster.JournalAsync(started.InstanceId)).At("wait", "suspended"));
        return (started.InstanceId, apiNode);
    }
}

public sealed class SqliteRetainedStimulusTests() : RetainedStimulusTests(DatabaseProvider.Sqlite);

public sealed class PostgresRetainedStimulusTests() : RetainedStimulusTests(DatabaseProvider.Postgres);
