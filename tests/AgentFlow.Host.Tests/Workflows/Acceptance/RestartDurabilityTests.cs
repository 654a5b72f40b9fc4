using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>§13.5 tests 1 and 2: waits and timers survive a real restart (host disposed, a new one on the same database).</summary>
public abstract class RestartDurabilityTests(DatabaseProvider provider)
{
    [Fact]
    public async Task ApprovalWait_SurvivesRestart_CompletesWithDecisionOutput()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(TestWorkflows.Approval);
        var started = await node.StartAsync("approval");
        Assert.Equal(InstanceStatus.Suspended, started.Status);

        node = await cluster.RestartAsync(node);
        await node.DecideAsync(started.InstanceId, "approve", "approved");

        var finished = await cluster.WaitForStatusAsync(started.InstanceId, InstanceStatus.Finished);
        Assert.Equal("Approved", JsonNode.Parse(finished.StateJson)!["output"]!["decision"]!.GetValue<string>());
        Assert.Empty(await cluster.BookmarksAsync(started.InstanceId));
    }

    [Fact]
    public async Task SignalWait_SurvivesRestart_CompletesWhenSignalArrives()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(TestWorkflows.Signal);
        var started = await node.StartAsync("signal");

        node = await cluster.RestartAsync(node);
        await node.SignalAsync(started.InstanceId, "go", new JsonObject { ["answer"] = 42 });

        var finished = await cluster.WaitForStatusAsync(started.InstanceId, InstanceStatus.Finished);
        Assert.Equal(42, JsonNode.Parse(finished.StateJson)!["output"]!["received"]!["answer"]!.GetValue<int>());
    }

    [Fact]
    public async Task TimeoutDueWhileHostIsDown_FiresOnceAfterRestart()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(TestWorkflows.Approval);
        var started = await node.StartAsync("approval");

        await cluster.StopAsync(node);
        cluster.Clock.Advance(TimeSpan.FromHours(2));
        node = await cluster.StartNodeAsync();

        await cluster.WaitUntilAsync(async () => (await cluster.JournalAsync(started.InstanceId)).At("approve2", "suspended").Count == 1);
        await Task.Delay(300); // several poll intervals: a second fire would show up now
        var journal = await cluster.JournalAsync(started.InstanceId);
        var approveCompleted = Assert.Single(journal.At("approve", "completed"));
        Assert.Equal(["TimedOut"], approveCompleted.Outcomes());
        Assert.Single(journal.At("escalate", "completed"));
        var instance = await cluster.InstanceAsync(started.InstanceId);
        Assert.Equal(InstanceStatus.Suspended, instance.Status);
        Assert.Equal("director", JsonNode.Parse(instance.StateJson)!["vars"]!["assignee"]!.GetValue<string>());
    }
}

public sealed class SqliteRestartDurabilityTests() : RestartDurabilityTests(DatabaseProvider.Sqlite);

public sealed class PostgresRestartDurabilityTests() : RestartDurabilityTests(DatabaseProvider.Postgres);
