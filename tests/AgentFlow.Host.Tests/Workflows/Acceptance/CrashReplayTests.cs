using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 8: a crash between running a burst and committing it rolls back to the last commit; the work item replays
/// the burst, and the outbox side effect (a real HTTP call to a stub server) happens exactly once.
/// </summary>
public abstract class CrashReplayTests(DatabaseProvider provider)
{
    /// <summary>start → wait for signal "go" → POST to input.url through the outbox → end with the status code as output.</summary>
    private const string HttpCall = """
    {
      "schema": "wf/1", "definitionId": "http-call", "name": "Call a web hook",
      "inputs": [{"name": "url", "type": "string"}],
      "variables": [{"name": "status"}, {"name": "answer"}],
      "outputs": [{"name": "statusCode", "from": {"var": "status"}}, {"name": "answer", "from": {"var": "answer"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "go"}},
        {"id": "call", "type": "http.request",
         "inputs": {"url": {"js": "input.url"}, "method": "POST", "body": {"js": "({order: 42})"}},
         "outputs": {"statusCode": "status", "body": "answer"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "wait"}, {"from": "wait", "to": "call"},
        {"from": "call", "to": "end"}, {"from": "call", "on": "Failed", "to": "end"}
      ]
    }
    """;

    [Fact]
    public async Task CrashBeforeCommit_OutboxInsertFails_RollsBackReplaysAndCallsStubExactlyOnce()
    {
        await using var stub = await StubHttpServer.StartAsync(201, new JsonObject { ["accepted"] = true });
        var fault = new SaveChangesFault<OutboxRecord>();
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync(configure: s => s.AddSingleton<IWorkflowDbInterceptor>(fault));
        await node.PublishAsync(HttpCall);
        var started = await node.StartAsync("http-call", new JsonObject { ["url"] = new Uri(stub.BaseAddress, "/hooks/orders").ToString() });
        Assert.Equal(InstanceStatus.Suspended, started.Status);
        var lastCommit = await cluster.SnapshotAsync(started.InstanceId);

        // The burst resumes "wait", runs "call" (which emits the HTTP message) and crashes while saving it.
        fault.Arm(times: 1);
        var signal = await node.SignalAsync(started.InstanceId, "go", idempotencyKey: "go-1");
        var failed = await cluster.WaitForFailedAttemptAsync(signal.WorkItemId);

        Assert.Equal(1, fault.Fired);
        Assert.Contains("Injected fault", failed.LastError, StringComparison.Ordinal);
        var afterCrash = await cluster.SnapshotAsync(started.InstanceId);
        lastCommit.AssertUnchangedIn(afterCrash with { WorkItems = lastCommit.WorkItems });
        Assert.Equal([$"{signal.WorkItemId}|resume|stimulus:{started.InstanceId:N}:signal:go-1"], afterCrash.WorkItems);
        Assert.Null((await cluster.InstanceAsync(started.InstanceId)).LeaseOwner);
        Assert.Empty(stub.Requests);

        // The crashed process is gone: a new host on the same database replays the burst once the item is due again
        // after its backoff (fake time), and commits it.
        node = await cluster.RestartAsync(node);
        cluster.Clock.Advance(TimeSpan.FromSeconds(5));
        var finished = await cluster.WaitForStatusAsync(started.InstanceId, InstanceStatus.Finished);
        await cluster.WaitUntilAsync(async () => (await cluster.OutboxAsync(started.InstanceId)).All(o => o.DispatchedAt is not null));

        var output = JsonNode.Parse(finished.StateJson)!["output"]!;
        Assert.Equal(201, output["statusCode"]!.GetValue<int>());
        Assert.True(output["answer"]!["accepted"]!.GetValue<bool>());
        var message = Assert.Single(await cluster.OutboxAsync(started.InstanceId));
        var request = Assert.Single(stub.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("/hooks/orders", request.Path);
        Assert.Equal(42, request.Body!["order"]!.GetValue<int>());
        Assert.Equal(message.Id.ToString(), request.IdempotencyKey);
        Assert.Single(stub.Requests.Select(r => r.IdempotencyKey).Distinct());
        var journal = await cluster.JournalAsync(started.InstanceId);
        Assert.Single(journal.At("wait", "resumed"));
        Assert.Single(journal.At("call", "suspended"));
        Assert.Equal(["Done"], Assert.Single(journal.At("call", "completed")).Outcomes());
        Assert.Equal(journal.Select(j => j.Seq), Enumerable.Range(1, journal.Count).Select(i => (long)i));
    }
}

public sealed class SqliteCrashReplayTests() : CrashReplayTests(DatabaseProvider.Sqlite);

public sealed class PostgresCrashReplayTests() : CrashReplayTests(DatabaseProvider.Postgres);
