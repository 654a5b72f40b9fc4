using System.Globalization;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 12: a retry is a durable timer. A step failing transiently twice is retried with backoff across restarts
/// and succeeds on attempt 3; when the retries are used up the instance is Faulted with exactly one incident.
/// </summary>
public abstract class DurableRetryTests(DatabaseProvider provider)
{
    /// <summary>start → flaky (fails transiently before attempt 3, retry max MAX from PT10S doubling) → end with the attempt as output.</summary>
    private static string Flaky(int max) => """
    {
      "schema": "wf/1", "definitionId": "flaky", "name": "Flaky step",
      "variables": [{"name": "attempt"}],
      "outputs": [{"name": "attempt", "from": {"var": "attempt"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "flaky", "type": "test.transientFailing", "inputs": {"succeedOnAttempt": 3},
         "retry": {"max": MAX, "initial": "PT10S", "factor": 2}, "outputs": {"attempt": "attempt"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "flaky"}, {"from": "flaky", "to": "end"}]
    }
    """.Replace("MAX", max.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal);

    [Fact]
    public async Task TransientFailureTwice_RestartBetweenAttempts_SucceedsOnAttemptThree()
    {
        var attempts = new AttemptLog();
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync(configure: attempts.AddTransientFailingActivity);
        await node.PublishAsync(Flaky(max: 2));
        var t0 = cluster.Clock.GetUtcNow();

        var started = await node.StartAsync("flaky");
        Assert.Equal(InstanceStatus.Suspended, started.Status);
        var retry = Assert.Single(await cluster.BookmarksAsync(started.InstanceId));
        Assert.Equal("retry", retry.Kind);
        Assert.Equal(t0.AddSeconds(10), retry.DueAt);

        node = await cluster.RestartAsync(node);
        cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        await cluster.WaitUntilAsync(async () => (await cluster.JournalAsync(started.InstanceId)).At("flaky", "retried").Count == 2);
        retry = Assert.Single(await cluster.BookmarksAsync(started.InstanceId));
        Assert.Equal("retry", retry.Kind);
        Assert.Equal(t0.AddSeconds(10 + 20), retry.DueAt);

        node = await cluster.RestartAsync(node);
        cluster.Clock.Advance(TimeSpan.FromSeconds(20));
        var finished = await cluster.WaitForStatusAsync(started.InstanceId, InstanceStatus.Finished);

        Assert.Equal(3, JsonNode.Parse(finished.StateJson)!["output"]!["attempt"]!.GetValue<int>());
        Assert.Equal([1, 2, 3], attempts.AttemptsOf(started.InstanceId));
        var journal = await cluster.JournalAsync(started.InstanceId);
        Assert.Equal(["retried", "retried", "completed"], journal.Where(j => j.NodeId == "flaky" && j.Event is "retried" or "completed" or "faulted").Select(j => j.Event));
        Assert.Equal([2, 3], journal.At("flaky", "retried").Select(j => JsonNode.Parse(j.DataJson!)!["attempt"]!.GetValue<int>()));
        Assert.Equal(3, JsonNode.Parse(Assert.Single(journal.At("flaky", "completed")).DataJson!)!["attempt"]!.GetValue<int>());
        Assert.Empty(await cluster.BookmarksAsync(started.InstanceId));
        await using var db = cluster.CreateDbContext();
        Assert.Equal(0, await db.Incidents.CountAsync(i => i.InstanceId == started.InstanceId));
    }

    [Fact]
    public async Task TransientFailure_RetriesExhausted_FaultedWithOneIncident()
    {
        var attempts = new AttemptLog();
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync(configure: attempts.AddTransientFailingActivity);
        await node.PublishAsync(Flaky(max: 1));

        var started = await node.StartAsync("flaky");
        Assert.Equal(InstanceStatus.Suspended, started.Status);
        node = await cluster.RestartAsync(node);
        cluster.Clock.Advance(TimeSpan.FromSeconds(10));
        var faulted = await cluster.WaitForStatusAsync(started.InstanceId, InstanceStatus.Faulted);

        Assert.Equal([1, 2], attempts.AttemptsOf(started.InstanceId));
        Assert.Equal(1, faulted.IncidentCount);
        await using var db = cluster.CreateDbContext();
        var incident = Assert.Single(await db.Incidents.AsNoTracking().Where(i => i.InstanceId == started.InstanceId).ToListAsync());
        Assert.Equal("flaky", incident.NodeId);
        Assert.Equal(2, incident.Attempt);
        Assert.Null(incident.ResolvedAt);
        Assert.Contains("attempt 2", incident.Message, StringComparison.Ordinal);
        var journal = await cluster.JournalAsync(started.InstanceId);
        Assert.Single(journal.At("flaky", "retried"));
        Assert.Single(journal.At("flaky", "faulted"));
        Assert.Empty(journal.At("flaky", "completed"));
        Assert.Empty(await cluster.BookmarksAsync(started.InstanceId));
    }
}

public sealed class SqliteDurableRetryTests() : DurableRetryTests(DatabaseProvider.Sqlite);

public sealed class PostgresDurableRetryTests() : DurableRetryTests(DatabaseProvider.Postgres);
