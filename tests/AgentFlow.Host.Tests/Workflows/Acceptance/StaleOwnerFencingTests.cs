using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 4: stale-owner fencing. Node A takes the lease and runs a burst with the runtime's own components, then
/// loses its lease (the clock passes its expiry) while node B applies a real signal and commits. A's commit must fail on
/// <c>row_version</c> and leave nothing behind: no journal rows, bookmarks, outbox rows, processed stimulus or version bump.
/// On PostgreSQL, A is a second (API-only) host; on SQLite, which supports one host, A is the same host's components
/// under another node name and B is that host's worker.
/// </summary>
public abstract class StaleOwnerFencingTests(DatabaseProvider provider)
{
    private const string Workflow = """
    {
      "schema": "wf/1", "definitionId": "fenced", "name": "Fenced",
      "variables": [{"name": "received"}],
      "outputs": [{"name": "received", "from": {"var": "received"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "go", "type": "core.waitSignal", "inputs": {"name": "go"}, "outputs": {"payload": "received"}},
        {"id": "effect", "type": "acc.emit", "inputs": {"value": {"js": "vars.received.from"}}},
        {"id": "next", "type": "core.waitSignal", "inputs": {"name": "next"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "go"}, {"from": "go", "to": "effect"}, {"from": "effect", "to": "next"}, {"from": "next", "to": "end"}]
    }
    """;

    [Fact]
    public async Task CommitAsync_StaleOwnerAfterAnotherNodeCommitted_ReturnsFalseAndWritesNothing()
    {
        var effects = new EffectRecorder();
        await using var cluster = await WorkflowCluster.CreateAsync(provider, effects.AddTo);
        var leaseDuration = TimeSpan.FromSeconds(30);
        cluster.Settings[AcceptanceSupport.RuntimeSetting("LeaseDuration")] = leaseDuration.ToString();

        WorkflowNodeHost nodeB;
        StaleOwner nodeA;
        if (provider == DatabaseProvider.Postgres)
        {
            // A runs no worker: its lease is held only by the burst simulated below.
            var hostA = await cluster.StartNodeAsync("node-a", settings: new Dictionary<string, string?> { [AcceptanceSupport.RuntimeSetting("RunBackgroundServices")] = "false" });
            nodeB = await cluster.StartNodeAsync("node-b");
            nodeA = StaleOwner.Of(hostA, nodeName: null, leaseDuration);
        }
        else
        {
            nodeB = await cluster.StartNodeAsync("node-b");
            nodeA = StaleOwner.Of(nodeB, nodeName: "node-a", leaseDuration);
        }

        await nodeB.PublishAsync(Workflow);
        var started = await nodeB.StartAsync("fenced");
        Assert.Equal(InstanceStatus.Suspended, started.Status);

        // Node A, mid-burst: lease taken, instance loaded, burst run in memory (not committed yet).
        await using var dbA = await nodeA.Contexts.CreateDbContextAsync();
        Assert.NotNull(await nodeA.Leases.TryAcquireAsync(dbA, started.InstanceId, CancellationToken.None));
        var snapshot = await dbA.Instances.AsNoTracking().SingleAsync(i => i.Id == started.InstanceId);
        Assert.StartsWith("node-a/", snapshot.LeaseOwner);
        var bookmark = await dbA.Bookmarks.AsNoTracking().SingleAsync(b => b.InstanceId == started.InstanceId && b.Kind == "signal");
        var graph = await nodeA.Graphs.GetAsync(dbA, snapshot.DefinitionVersionId, null, CancellationToken.None);
        var burstA = await nodeA.Executor.RunAsync(graph, snapshot.Id, InstanceState.Deserialize(snapshot.StateJson),
            new BurstTrigger.ResumeBookmark(bookmark, new JsonObject { ["from"] = "A" }));
        Assert.True(burstA.Applied);
        Assert.NotEmpty(burstA.Journal);
        Assert.Single(burstA.NewBookmarks);
        Assert.Single(burstA.Outbox);

        // While A's lease is valid, B's worker is turned away (it puts the item back for later: AvailableAt moves ahead of the clock).
        await nodeB.SignalAsync(started.InstanceId, "go", new JsonObject { ["from"] = "B" }, idempotencyKey: "from-b");
        await cluster.WaitUntilAsync(async () => (await cluster.WorkItemsAsync(started.InstanceId)).Any(w => w.AvailableAt > cluster.Clock.GetUtcNow()));
        Assert.Equal(1, (await cluster.InstanceAsync(started.InstanceId)).RowVersion);

        // A's lease expires; B applies the signal and commits.
        cluster.Clock.Advance(leaseDuration + TimeSpan.FromSeconds(1));
        await cluster.TickUntilAsync(async () => (await cluster.InstanceAsync(started.InstanceId)).RowVersion == 2);
        await cluster.TickUntilAsync(() => Task.FromResult(effects.Effects.Count == 1), () => "B's side effect to be dispatched");
        var before = await DatabaseStateAsync(cluster, started.InstanceId);

        // A commits with its stale snapshot: fenced.
        var committed = await nodeA.Committer.CommitAsync(dbA, snapshot, burstA,
            new CommitExtras(StimulusId: "signal:from-a"), CancellationToken.None);

        Assert.False(committed);
        var after = await DatabaseStateAsync(cluster, started.InstanceId);
        Assert.Equal(2, after.Instance.RowVersion);
        Assert.Equal("B", after.Instance.Var("received")?["from"]?.GetValue<string>());
        Assert.Null(after.Instance.LeaseOwner);
        Assert.Equal(before.Instance.StateJson, after.Instance.StateJson);
        Assert.Equal(before.Journal, after.Journal);
        Assert.DoesNotContain(after.Journal, j => j.Worker == "node-a");
        Assert.Equal(before.Bookmarks, after.Bookmarks);
        Assert.DoesNotContain(after.Bookmarks, b => burstA.NewBookmarks.Any(n => n.Id == b));
        Assert.Equal(before.Outbox, after.Outbox);
        Assert.DoesNotContain(after.Outbox, o => o.Contains("\"A\"", StringComparison.Ordinal));
        Assert.Equal(before.Stimuli, after.Stimuli);
        Assert.DoesNotContain("signal:from-a", after.Stimuli);
        Assert.Equal(["B"], effects.Effects.Select(e => e.Value!.GetValue<string>()));

        // The instance goes on from B's commit as if A had never run.
        await nodeB.SignalAsync(started.InstanceId, "next");
        var finished = await cluster.TickUntilStatusAsync(started.InstanceId, InstanceStatus.Finished);
        Assert.Equal("B", finished.Output("received")?["from"]?.GetValue<string>());
        Assert.Single((await cluster.JournalAsync(started.InstanceId)).At("effect", "completed"));
    }

    private static async Task<DatabaseState> DatabaseStateAsync(WorkflowCluster cluster, Guid instanceId)
    {
        var journal = await cluster.JournalAsync(instanceId);
        return new DatabaseState(
            await cluster.InstanceAsync(instanceId),
            [.. journal.Select(j => (j.Seq, j.Burst, j.Worker, j.NodeId, j.Event, j.DataJson))],
            [.. (await cluster.BookmarksAsync(instanceId)).Select(b => b.Id).Order()],
            [.. (await cluster.OutboxAsync(instanceId)).Select(o => $"{o.Id} {o.Kind} {o.PayloadJson}")],
            [.. (await cluster.ProcessedStimuliAsync(instanceId)).Select(p => p.StimulusId).Order()]);
    }

    private sealed record DatabaseState(
        WorkflowInstanceRecord Instance,
        IReadOnlyList<(long Seq, long Burst, string? Worker, string? NodeId, string Event, string? DataJson)> Journal,
        IReadOnlyList<Guid> Bookmarks,
        IReadOnlyList<string> Outbox,
        IReadOnlyList<string> Stimuli);

    /// <summary>The components a node uses to run a burst, under the node's name or (one host on SQLite) another one.</summary>
    private sealed record StaleOwner(IDbContextFactory<WorkflowDbContext> Contexts, InstanceLeases Leases, WorkflowGraphCache Graphs, StepExecutor Executor, BurstCommitter Committer)
    {
        public static StaleOwner Of(WorkflowNodeHost host, string? nodeName, TimeSpan leaseDuration)
        {
            var services = host.Services;
            if (nodeName is null)
            {
                return new StaleOwner(
                    services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>(), services.GetRequiredService<InstanceLeases>(),
                    services.GetRequiredService<WorkflowGraphCache>(), services.GetRequiredService<StepExecutor>(), services.GetRequiredService<BurstCommitter>());
            }

            var options = Microsoft.Extensions.Options.Options.Create(new WorkflowRuntimeOptions { NodeName = nodeName, LeaseDuration = leaseDuration });
            var node = new WorkflowNode(options);
            var clock = services.GetRequiredService<TimeProvider>();
            return new StaleOwner(
                services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>(), new InstanceLeases(node, clock, options),
                services.GetRequiredService<WorkflowGraphCache>(), services.GetRequiredService<StepExecutor>(), new BurstCommitter(node, clock));
        }
    }
}

public sealed class SqliteStaleOwnerFencingTests() : StaleOwnerFencingTests(DatabaseProvider.Sqlite);

public sealed class PostgresStaleOwnerFencingTests() : StaleOwnerFencingTests(DatabaseProvider.Postgres);
