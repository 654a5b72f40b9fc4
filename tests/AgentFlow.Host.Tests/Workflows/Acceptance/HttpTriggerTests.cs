using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 14 at the runtime level (<see cref="IWorkflowRuntime.HandleHttpAsync"/>; the REST route comes later): an
/// HTTP trigger starts an instance and answers synchronously from the same burst, a resume route picks the instance by
/// correlation id, and a second workflow cannot take a route that is already served.
/// </summary>
public abstract class HttpTriggerTests(DatabaseProvider provider)
{
    /// <summary>POST /expenses → 202 {id, status: "pending"} → wait on POST /expenses/{id}/confirm → 200 {id, confirmedBy} → end.</summary>
    private const string Expenses = """
    {
      "schema": "wf/1", "definitionId": "expenses", "name": "Expenses over HTTP",
      "inputs": [{"name": "id", "type": "string"}, {"name": "amount", "type": "number"}],
      "variables": [{"name": "confirmation"}],
      "outputs": [{"name": "confirmedBy", "from": {"js": "vars.confirmation.body.by"}}],
      "triggers": [{"node": "start", "kind": "http", "config": {"method": "POST", "path": "/expenses"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "accepted", "type": "http.respond",
         "inputs": {"status": 202, "body": {"js": "({id: input.id, amount: input.amount, status: 'pending'})"}}},
        {"id": "confirm", "type": "http.endpoint", "inputs": {"method": "POST", "path": "/expenses/{id}/confirm"},
         "outputs": {"request": "confirmation"}},
        {"id": "confirmed", "type": "http.respond",
         "inputs": {"status": 200, "body": {"js": "({id: input.id, routeId: vars.confirmation.routeValues.id, confirmedBy: vars.confirmation.body.by})"}}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "accepted"}, {"from": "accepted", "to": "confirm"},
        {"from": "confirm", "to": "confirmed"}, {"from": "confirmed", "to": "end"}
      ]
    }
    """;

    /// <summary>Another workflow on the same trigger route as <see cref="Expenses"/>.</summary>
    private const string OtherExpenses = """
    {
      "schema": "wf/1", "definitionId": "expenses-v2", "name": "Expenses, the other one",
      "triggers": [{"node": "start", "kind": "http", "config": {"method": "post", "path": "/Expenses"}}],
      "nodes": [{"id": "start", "type": "core.start"}, {"id": "end", "type": "core.end"}],
      "edges": [{"from": "start", "to": "end"}]
    }
    """;

    [Fact]
    public async Task PostToTriggerRoute_StartsInstance_RepliesSynchronouslyFromFirstBurst()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(Expenses);

        var result = await node.Runtime.HandleHttpAsync(WorkflowCluster.OrgId, Post("/expenses", new JsonObject { ["id"] = "e-1", ["amount"] = 120 }, "corr-1"));

        Assert.True(result.Started);
        Assert.Equal(InstanceStatus.Suspended, result.Status);
        var reply = Assert.IsType<HttpReply>(result.Reply);
        Assert.Equal(202, reply.Status);
        Assert.Equal("e-1", reply.Body!["id"]!.GetValue<string>());
        Assert.Equal(120, reply.Body!["amount"]!.GetValue<int>());
        Assert.Equal("pending", reply.Body!["status"]!.GetValue<string>());
        var instance = await cluster.InstanceAsync(result.InstanceId);
        Assert.Equal("corr-1", instance.CorrelationId);
        var wait = Assert.Single(await cluster.BookmarksAsync(result.InstanceId));
        Assert.Equal("http", wait.Kind);
        Assert.Equal("POST /expenses/{id}/confirm", wait.Key);
        // The reply was produced in the committed first burst: the instance's journal has "accepted" already completed.
        Assert.Single((await cluster.JournalAsync(result.InstanceId)).At("accepted", "completed"));
    }

    [Fact]
    public async Task PostToResumeRoute_TwoInstancesWaiting_ResumesTheOneWithTheCorrelationIdAndReturnsItsReply()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(Expenses);
        var first = await node.Runtime.HandleHttpAsync(WorkflowCluster.OrgId, Post("/expenses", new JsonObject { ["id"] = "e-1", ["amount"] = 10 }, "corr-1"));
        var second = await node.Runtime.HandleHttpAsync(WorkflowCluster.OrgId, Post("/expenses", new JsonObject { ["id"] = "e-2", ["amount"] = 20 }, "corr-2"));
        Assert.Equal(InstanceStatus.Suspended, first.Status);
        Assert.Equal(InstanceStatus.Suspended, second.Status);

        var result = await node.Runtime.HandleHttpAsync(WorkflowCluster.OrgId, Post("/expenses/e-2/confirm", new JsonObject { ["by"] = "alice" }, "corr-2"));

        Assert.False(result.Started);
        Assert.Equal(second.InstanceId, result.InstanceId);
        Assert.Equal(InstanceStatus.Finished, result.Status);
        var reply = Assert.IsType<HttpReply>(result.Reply);
        Assert.Equal(200, reply.Status);
        Assert.Equal("e-2", reply.Body!["id"]!.GetValue<string>());
        Assert.Equal("e-2", reply.Body!["routeId"]!.GetValue<string>());
        Assert.Equal("alice", reply.Body!["confirmedBy"]!.GetValue<string>());
        var resumed = await cluster.InstanceAsync(second.InstanceId);
        Assert.Equal(InstanceStatus.Finished, resumed.Status);
        Assert.Equal("alice", JsonNode.Parse(resumed.StateJson)!["output"]!["confirmedBy"]!.GetValue<string>());
        var untouched = await cluster.InstanceAsync(first.InstanceId);
        Assert.Equal(InstanceStatus.Suspended, untouched.Status);
        Assert.Single(await cluster.BookmarksAsync(first.InstanceId));
        Assert.Empty((await cluster.JournalAsync(first.InstanceId)).At("confirm", "resumed"));
    }

    [Fact]
    public async Task PublishSecondWorkflow_SameMethodAndRoute_RejectedWithRouteConflict()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(Expenses);

        var conflict = await Assert.ThrowsAsync<WorkflowConflictException>(() => node.PublishAsync(OtherExpenses));

        Assert.Equal(WorkflowConflictException.RouteConflict, conflict.Code);
        Assert.Contains("POST /expenses", conflict.Message, StringComparison.Ordinal);
        var other = await node.Definitions.GetAsync(WorkflowCluster.OrgId, "expenses-v2");
        Assert.Equal(DefinitionStatus.Draft, other.Status);
        // The route still starts the first workflow.
        var result = await node.Runtime.HandleHttpAsync(WorkflowCluster.OrgId, Post("/expenses", new JsonObject { ["id"] = "e-9", ["amount"] = 1 }, null));
        Assert.Equal("expenses", (await cluster.InstanceAsync(result.InstanceId)).DefinitionId);
    }

    private static HttpTriggerRequest Post(string path, JsonObject body, string? correlationId) =>
        new("POST", path, [], [], body, correlationId);
}

public sealed class SqliteHttpTriggerTests() : HttpTriggerTests(DatabaseProvider.Sqlite);

public sealed class PostgresHttpTriggerTests() : HttpTriggerTests(DatabaseProvider.Postgres);
