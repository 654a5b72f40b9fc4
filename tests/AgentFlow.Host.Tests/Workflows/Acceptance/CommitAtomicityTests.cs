using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 9: a burst commit is one transaction. A failure while its journal rows are inserted (after the fenced
/// instance update, the bookmark and work item deletes and the other inserts were sent) leaves nothing behind.
/// </summary>
public abstract class CommitAtomicityTests(DatabaseProvider provider)
{
    /// <summary>start → wait for signal "go" → job "deploy" (outbox message + job wait) → end with the job's output.</summary>
    private const string SignalThenJob = """
    {
      "schema": "wf/1", "definitionId": "signal-then-job", "name": "Signal, then a job",
      "variables": [{"name": "release"}],
      "outputs": [{"name": "release", "from": {"var": "release"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "go"}},
        {"id": "deploy", "type": "job.run", "inputs": {"job": "deploy", "args": {"env": "prod"}}, "outputs": {"release": "release"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "wait"}, {"from": "wait", "to": "deploy"},
        {"from": "deploy", "to": "end"}, {"from": "deploy", "on": "Failed", "to": "end"}
      ]
    }
    """;

    [Fact]
    public async Task JournalInsertFails_DuringCommit_LeavesStateBookmarksOutboxAndWorkItemsUnchanged()
    {
        var fault = new InsertCommandFault("workflow_journal");
        var jobs = new RecordingJobHandler();
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync(configure: s =>
        {
            s.AddSingleton<IWorkflowDbInterceptor>(fault);
            jobs.AddTo(s);
        });
        await node.PublishAsync(SignalThenJob);
        var started = await node.StartAsync("signal-then-job");
        Assert.Equal(InstanceStatus.Suspended, started.Status);
        var before = await cluster.SnapshotAsync(started.InstanceId);
        Assert.Single(before.Bookmarks);

        fault.ArmAlways();
        var signal = await node.SignalAsync(started.InstanceId, "go", idempotencyKey: "go-1");
        var failed = await cluster.WaitForFailedAttemptAsync(signal.WorkItemId);

        // EF wraps the injected error in a DbUpdateException, whose message the item keeps.
        Assert.NotNull(failed.LastError);
        Assert.Equal(1, fault.Fired);
        var after = await cluster.SnapshotAsync(started.InstanceId);
        Assert.Equal([$"{signal.WorkItemId}|resume|stimulus:{started.InstanceId:N}:signal:go-1"], after.WorkItems);
        before.AssertUnchangedIn(after with { WorkItems = before.WorkItems });
        Assert.Null((await cluster.InstanceAsync(started.InstanceId)).LeaseOwner);
        Assert.Empty(jobs.Deliveries);
    }

    [Fact]
    public async Task JournalInsertFails_ThenFaultRemoved_ItemIsProcessedOnceAndInstanceCompletes()
    {
        var fault = new InsertCommandFault("workflow_journal");
        var jobs = new RecordingJobHandler();
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync(configure: s =>
        {
            s.AddSingleton<IWorkflowDbInterceptor>(fault);
            jobs.AddTo(s);
        });
        await node.PublishAsync(SignalThenJob);
        var started = await node.StartAsync("signal-then-job");
        fault.ArmAlways();
        var signal = await node.SignalAsync(started.InstanceId, "go", idempotencyKey: "go-1");
        await cluster.WaitForFailedAttemptAsync(signal.WorkItemId);

        fault.Disarm();
        cluster.Clock.Advance(TimeSpan.FromSeconds(5));
        await cluster.WaitUntilAsync(async () => (await cluster.InstanceAsync(started.InstanceId)).SubStatus == "job" && jobs.Deliveries.Count > 0);

        Assert.Null(await cluster.WorkItemAsync(signal.WorkItemId));
        var job = Assert.Single(jobs.Distinct);
        Assert.Equal("deploy", job.Job);
        Assert.Equal("prod", job.Args!["env"]!.GetValue<string>());
        await node.Runtime.CompleteJobAsync(WorkflowCluster.OrgId, job.JobRequestId,
            new JsonObject { ["status"] = "succeeded", ["outputs"] = new JsonObject { ["release"] = "r-1" } }, null);

        var finished = await cluster.WaitForStatusAsync(started.InstanceId, InstanceStatus.Finished);
        Assert.Equal("r-1", JsonNode.Parse(finished.StateJson)!["output"]!["release"]!.GetValue<string>());
        var journal = await cluster.JournalAsync(started.InstanceId);
        Assert.Single(journal.At("wait", "resumed"));
        Assert.Single(journal.At("wait", "completed"));
        Assert.Single(journal.At("deploy", "suspended"));
        Assert.Equal(journal.Select(j => j.Seq), Enumerable.Range(1, journal.Count).Select(i => (long)i));
        Assert.Single(await cluster.OutboxAsync(started.InstanceId));
    }
}

public sealed class SqliteCommitAtomicityTests() : CommitAtomicityTests(DatabaseProvider.Sqlite);

public sealed class PostgresCommitAtomicityTests() : CommitAtomicityTests(DatabaseProvider.Postgres);
