using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 3: two nodes never run the same instance concurrently. 100 resumes of one instance arrive at once through
/// both nodes (PostgreSQL; SQLite supports one host, so there both halves go through the one node): every one is
/// applied, the bursts never interleave in the journal, and every commit moves <c>row_version</c> by exactly one.
/// </summary>
public abstract class ConcurrentResumeTests(DatabaseProvider provider)
{
    private const int Ticks = 100;

    [Fact]
    public async Task DeliverAsync_HundredConcurrentResumesThroughTwoNodes_AppliedOnceEachInNonOverlappingBursts()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        // 100 requests at once would take 100 connections per node; the server allows 100 in all (other tests run too).
        var settings = cluster.WithConnectionPoolCap(20);
        var nodeA = await cluster.StartNodeAsync("node-a", settings: settings);
        var nodeB = provider == DatabaseProvider.Postgres ? await cluster.StartNodeAsync("node-b", settings: settings) : nodeA;
        await nodeA.PublishAsync(TestWorkflows.Counter(Ticks));
        var started = await nodeA.StartAsync("counter");
        Assert.Equal(InstanceStatus.Suspended, started.Status);

        // All at once, alternately through both nodes' runtimes, each with its own idempotency key.
        var accepted = await Task.WhenAll(Enumerable.Range(0, Ticks).Select(i =>
            (i % 2 == 0 ? nodeA : nodeB).SignalAsync(started.InstanceId, "tick", idempotencyKey: $"tick-{i}")));

        Assert.All(accepted, a => Assert.False(a.Duplicate));

        // Done when nothing is queued any more (an item leaves the queue only in the commit that applies it, or as a no-op).
        await cluster.TickUntilAsync(async () => (await cluster.WorkItemsAsync(started.InstanceId)).Count == 0,
            () => "the queued resumes to be processed", timeout: TimeSpan.FromSeconds(60));

        var finished = await cluster.InstanceAsync(started.InstanceId);
        var applied = await cluster.ProcessedStimuliAsync(started.InstanceId);
        Assert.True(applied.Count == Ticks,
            $"{Ticks} distinct stimuli were accepted, {applied.Count} were applied and none is left queued: the others were dropped (instance {finished.Status}, row version {finished.RowVersion}).");
        Assert.Equal(InstanceStatus.Finished, finished.Status);
        Assert.Equal(Ticks, finished.Output("count")!.GetValue<int>());

        var journal = await cluster.JournalAsync(started.InstanceId);
        Assert.Equal(Ticks, journal.At("wait", "resumed").Count);
        Assert.Equal(Ticks, journal.At("add", "completed").Count);
        Assert.Single(journal.At("end", "completed"));

        // No overlapping bursts: the entries of one burst are contiguous in seq and bursts follow each other in seq order.
        Assert.Equal(Enumerable.Range(1, journal.Count).Select(i => (long)i), journal.Select(j => j.Seq));
        for (var i = 1; i < journal.Count; i++)
        {
            Assert.True(journal[i].Burst >= journal[i - 1].Burst,
                $"Entry {journal[i].Seq} of burst {journal[i].Burst} follows entry {journal[i - 1].Seq} of burst {journal[i - 1].Burst}.");
        }

        var runs = journal.Select((j, i) => (j.Burst, Index: i)).GroupBy(x => x.Burst).ToList();
        Assert.All(runs, run => Assert.Equal(run.Count() - 1, run.Max(x => x.Index) - run.Min(x => x.Index)));

        // row_version strictly increases by one per commit: the committed bursts are exactly 1..final row version
        // (one start plus one burst per tick; no commit without journal entries and none skipped).
        var bursts = journal.Select(j => j.Burst).Distinct().Order().ToList();
        Assert.Equal(Enumerable.Range(1, (int)finished.RowVersion).Select(i => (long)i), bursts);
        Assert.Equal(1 + Ticks, finished.RowVersion);
        Assert.All(journal, j => Assert.True(j.Worker is "node-a" or "node-b", $"Unexpected worker {j.Worker}."));
    }
}

public sealed class SqliteConcurrentResumeTests() : ConcurrentResumeTests(DatabaseProvider.Sqlite);

public sealed class PostgresConcurrentResumeTests() : ConcurrentResumeTests(DatabaseProvider.Postgres);
