using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// A JavaScript expression that loops forever or allocates without bound is stopped by its limits and becomes an
/// incident on its own instance; the host's worker and the other instances carry on. Retrying without a change faults again.
/// </summary>
public abstract class ExpressionLimitTests(DatabaseProvider provider)
{
    private static string Runaway(string script) => """
    {
      "schema": "wf/1", "definitionId": "runaway", "name": "Runaway script",
      "variables": [{"name": "x"}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "go"}},
        {"id": "compute", "type": "core.set", "inputs": {"variable": "x", "value": {"js": SCRIPT}}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "wait"}, {"from": "wait", "to": "compute"}, {"from": "compute", "to": "end"}]
    }
    """.Replace("SCRIPT", JsonSerializer.Serialize(script), StringComparison.Ordinal);

    [Theory]
    [InlineData("while(true){}", "limit of 10000 statements")]
    [InlineData("var a = []; while (true) { a.push(new Array(100000).fill('x')); } a.length", "memory limit")]
    public async Task RunawayScript_InNodeInput_FaultsOnlyItsInstanceAndRetryFaultsAgain(string script, string limit)
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(Runaway(script));
        await node.PublishAsync(TestWorkflows.Signal);
        var runaway = await node.StartAsync("runaway");
        var healthy = await node.StartAsync("signal");

        // Both bursts run on the host's workers, at the same time.
        await Task.WhenAll(
            node.SignalAsync(runaway.InstanceId, "go"),
            node.SignalAsync(healthy.InstanceId, "go", new JsonObject { ["ok"] = true }));

        var faulted = await cluster.WaitForStatusAsync(runaway.InstanceId, InstanceStatus.Faulted);
        var finished = await cluster.WaitForStatusAsync(healthy.InstanceId, InstanceStatus.Finished);
        Assert.True(finished.Output("received")!["ok"]!.GetValue<bool>());
        var incident = Assert.Single(await cluster.IncidentsAsync(runaway.InstanceId));
        Assert.Equal("compute", incident.NodeId);
        Assert.Null(incident.ResolvedAt);
        Assert.Contains($"exceeded the {limit}", incident.Message, StringComparison.Ordinal);
        Assert.Equal(1, faulted.IncidentCount);
        var journal = await cluster.JournalAsync(runaway.InstanceId);
        Assert.Single(journal.At("compute", "faulted"));
        Assert.Empty(journal.At("compute", "completed"));
        Assert.Empty(await cluster.IncidentsAsync(healthy.InstanceId));

        // The host still runs new work.
        var after = await node.StartAsync("signal");
        await node.SignalAsync(after.InstanceId, "go");
        await cluster.WaitForStatusAsync(after.InstanceId, InstanceStatus.Finished);

        // Retrying without changing anything runs the same script into the same limit.
        await node.Runtime.RetryAsync(WorkflowCluster.OrgId, runaway.InstanceId);
        await cluster.WaitUntilAsync(async () => (await cluster.IncidentsAsync(runaway.InstanceId)).Count == 2);
        await cluster.WaitUntilAsync(async () => (await cluster.WorkItemsAsync(runaway.InstanceId)).Count == 0);

        var refaulted = await cluster.InstanceAsync(runaway.InstanceId);
        Assert.Equal(InstanceStatus.Faulted, refaulted.Status);
        var incidents = await cluster.IncidentsAsync(runaway.InstanceId);
        Assert.Single(incidents, i => i.ResolvedAt is not null);
        var open = Assert.Single(incidents, i => i.ResolvedAt is null);
        Assert.Equal("compute", open.NodeId);
        Assert.Contains($"exceeded the {limit}", open.Message, StringComparison.Ordinal);
        Assert.Equal(1, refaulted.IncidentCount); // the open incidents
        journal = await cluster.JournalAsync(runaway.InstanceId);
        Assert.Single(journal.At("compute", "retried"));
        Assert.Equal(2, journal.At("compute", "faulted").Count);
        Assert.Empty(journal.At("end", "completed"));
    }
}

public sealed class SqliteExpressionLimitTests() : ExpressionLimitTests(DatabaseProvider.Sqlite);

public sealed class PostgresExpressionLimitTests() : ExpressionLimitTests(DatabaseProvider.Postgres);
