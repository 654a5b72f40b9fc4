using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 13: parallel branches. A <c>join:"all"</c> waits for both approvals, across a restart, and runs once; a
/// <c>join:"race"</c> lets the first branch through and cancels the slower branches' waits and timers.
/// </summary>
public abstract class ParallelBranchTests(DatabaseProvider provider)
{
    private const string JoinAll = """
    {
      "schema": "wf/1", "definitionId": "join-all", "name": "Two approvals",
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "fork", "type": "core.fork", "inputs": {"branches": ["finance", "legal"]}},
        {"id": "finance", "type": "human.approval", "inputs": {"assignee": "finance", "subject": "Budget"}},
        {"id": "legal", "type": "human.approval", "inputs": {"assignee": "legal", "subject": "Contract"}},
        {"id": "join", "type": "core.join", "join": "all"},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "fork"},
        {"from": "fork", "on": "finance", "to": "finance"}, {"from": "fork", "on": "legal", "to": "legal"},
        {"from": "finance", "on": "Approved", "to": "join"}, {"from": "legal", "on": "Approved", "to": "join"},
        {"from": "join", "to": "end"}
      ]
    }
    """;

    /// <summary>Three branches race: an approval, an approval with a 2-hour timeout, a 1-hour delay. After the race, a wait keeps the instance alive.</summary>
    private const string JoinRace = """
    {
      "schema": "wf/1", "definitionId": "join-race", "name": "First answer wins",
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "fork", "type": "core.fork", "inputs": {"branches": ["fast", "slow", "timer"]}},
        {"id": "fast", "type": "human.approval", "inputs": {"assignee": "on-call", "subject": "Fast"}},
        {"id": "slow", "type": "human.approval", "inputs": {"assignee": "board", "subject": "Slow"}, "timeout": {"after": "PT2H", "outcome": "TimedOut"}},
        {"id": "delay", "type": "core.delay", "inputs": {"duration": "PT1H"}},
        {"id": "race", "type": "core.join", "join": "race"},
        {"id": "close", "type": "core.waitSignal", "inputs": {"name": "close"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "fork"},
        {"from": "fork", "on": "fast", "to": "fast"}, {"from": "fork", "on": "slow", "to": "slow"}, {"from": "fork", "on": "timer", "to": "delay"},
        {"from": "fast", "on": "Approved", "to": "race"},
        {"from": "slow", "on": "Approved", "to": "race"}, {"from": "slow", "on": "TimedOut", "to": "race"},
        {"from": "delay", "to": "race"},
        {"from": "race", "to": "close"}, {"from": "close", "to": "end"}
      ]
    }
    """;

    [Fact]
    public async Task JoinAll_BothApprovalsAcrossRestart_JoinCompletesOnce()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(JoinAll);
        var started = await node.StartAsync("join-all");
        Assert.Equal(InstanceStatus.Suspended, started.Status);
        Assert.Equal(["finance", "legal"], (await cluster.BookmarksAsync(started.InstanceId)).Select(b => b.NodeId).Order());

        await node.DecideAsync(started.InstanceId, "finance", "approved");
        await cluster.WaitUntilAsync(async () => (await cluster.JournalAsync(started.InstanceId)).At("finance", "completed").Count == 1);
        var halfway = await cluster.InstanceAsync(started.InstanceId);
        Assert.Equal(InstanceStatus.Suspended, halfway.Status);
        Assert.Empty((await cluster.JournalAsync(started.InstanceId)).At("join", "completed"));
        Assert.Equal("legal", Assert.Single(await cluster.BookmarksAsync(started.InstanceId)).NodeId);

        node = await cluster.RestartAsync(node);
        await node.DecideAsync(started.InstanceId, "legal", "approved");

        await cluster.WaitForStatusAsync(started.InstanceId, InstanceStatus.Finished);
        var journal = await cluster.JournalAsync(started.InstanceId);
        Assert.Single(journal.At("join", "completed"));
        Assert.Single(journal.At("end", "completed"));
        Assert.Single(journal.At("legal", "completed"));
        Assert.True(journal.At("join", "completed")[0].Seq > journal.At("legal", "completed")[0].Seq);
        Assert.Empty(await cluster.BookmarksAsync(started.InstanceId));
    }

    [Fact]
    public async Task JoinRace_FirstBranchWins_CancelsSlowerBranchesWaitsAndTimers()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(JoinRace);
        var started = await node.StartAsync("join-race");
        var waiting = await cluster.BookmarksAsync(started.InstanceId);
        Assert.Equal(["delay:timer", "fast:approval", "slow:approval", "slow:timeout"], waiting.Select(b => $"{b.NodeId}:{b.Kind}").Order());

        await node.DecideAsync(started.InstanceId, "fast", "approved");
        await cluster.WaitUntilAsync(async () => (await cluster.JournalAsync(started.InstanceId)).At("close", "suspended").Count == 1);

        var journal = await cluster.JournalAsync(started.InstanceId);
        Assert.Single(journal.At("race", "completed"));
        Assert.Single(journal.At("slow", "cancelled"));
        Assert.Single(journal.At("delay", "cancelled"));
        var remaining = await cluster.BookmarksAsync(started.InstanceId);
        Assert.Equal("close", Assert.Single(remaining).NodeId);
        Assert.DoesNotContain(remaining, b => b.DueAt is not null);

        // The cancelled timers never fire: past both due times the poller finds nothing, and the losing approval is gone.
        cluster.Clock.Advance(TimeSpan.FromHours(3));
        Assert.Equal(0, await node.Services.GetRequiredService<TimerPoller>().PollOnceAsync(CancellationToken.None));
        await Assert.ThrowsAsync<NoMatchingBookmarkException>(() => node.DecideAsync(started.InstanceId, "slow", "approved"));
        await node.SignalAsync(started.InstanceId, "close");
        await cluster.WaitForStatusAsync(started.InstanceId, InstanceStatus.Finished);

        journal = await cluster.JournalAsync(started.InstanceId);
        Assert.Single(journal.At("race", "completed"));
        Assert.Empty(journal.At("delay", "resumed"));
        Assert.Empty(journal.At("delay", "completed"));
        Assert.Empty(journal.At("slow", "completed"));
        Assert.Empty(await cluster.WorkItemsAsync(started.InstanceId));
    }
}

public sealed class SqliteParallelBranchTests() : ParallelBranchTests(DatabaseProvider.Sqlite);

public sealed class PostgresParallelBranchTests() : ParallelBranchTests(DatabaseProvider.Postgres);
