using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using static AgentFlow.Workflows.Tests.Activities.Builtin.Results;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

public sealed class RunWorkflowActivityTests
{
    [Fact]
    public async Task Execute_Waiting_EmitsStartAndWaitsOnChildKeyedByStep()
    {
        var step = new ActivityStep<RunWorkflowActivity>(new() { ["definitionId"] = "invoice-check", ["input"] = new JsonObject { ["invoice"] = 7 } });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Child, wait.Kind);
        Assert.Equal(step.Context.IdempotencyKey, wait.Key);
        var message = Assert.Single(step.Context.EmittedMessages);
        Assert.Equal("workflow.start", message.Kind);
        var expected = new JsonObject
        {
            ["definitionId"] = "invoice-check",
            ["input"] = new JsonObject { ["invoice"] = 7 },
            ["childKey"] = step.Context.IdempotencyKey,
        };
        AssertJson(expected.ToJsonString(), message.Payload);
    }

    [Fact]
    public async Task Execute_NotWaiting_EmitsStartWithEmptyInputAndCompletes()
    {
        var step = new ActivityStep<RunWorkflowActivity>(new() { ["definitionId"] = "audit", ["waitForCompletion"] = false });

        Completed(await step.ExecuteAsync(), "Done");

        var message = Assert.Single(step.Context.EmittedMessages);
        AssertJson("{}", message.Payload!["input"]);
        Assert.Equal(step.Context.IdempotencyKey, message.Payload["childKey"]!.GetValue<string>());
    }

    [Fact]
    public async Task Execute_NoDefinitionId_FailsWithoutEmitting()
    {
        var step = new ActivityStep<RunWorkflowActivity>(new() { ["definitionId"] = " " });

        Failed(await step.ExecuteAsync(), "definition id");
        Assert.Empty(step.Context.EmittedMessages);
    }

    [Fact]
    public async Task Resume_Finished_CompletesDoneWithChildOutput()
    {
        var step = new ActivityStep<RunWorkflowActivity>(new() { ["definitionId"] = "invoice-check" });
        var childId = Guid.NewGuid().ToString();

        var completed = Completed(await step.ResumeAsync(WaitKind.Child, step.Context.IdempotencyKey, new JsonObject
        {
            ["instanceId"] = childId,
            ["status"] = "Finished",
            ["output"] = new JsonObject { ["valid"] = true },
        }), "Done");

        AssertJson("""{"valid":true}""", completed.Outputs["output"]);
        Assert.Equal(childId, completed.Outputs["childInstanceId"]!.GetValue<string>());
        Assert.Equal("Finished", completed.Outputs["status"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("Faulted")]
    [InlineData("Cancelled")]
    public async Task Resume_NotFinished_CompletesFailed(string status)
    {
        var step = new ActivityStep<RunWorkflowActivity>(new() { ["definitionId"] = "invoice-check" });

        var completed = Completed(await step.ResumeAsync(WaitKind.Child, "k", new JsonObject { ["instanceId"] = "c1", ["status"] = status }), "Failed");

        Assert.Equal("c1", completed.Outputs["childInstanceId"]!.GetValue<string>());
        Assert.Null(completed.Outputs["output"]);
    }
}
