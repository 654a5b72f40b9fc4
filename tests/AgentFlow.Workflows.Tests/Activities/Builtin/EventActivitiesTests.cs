using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using static AgentFlow.Workflows.Tests.Activities.Builtin.Results;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

public sealed class EventActivitiesTests
{
    [Fact]
    public async Task WaitEvent_Name_WaitsOnEventWithoutPayload()
    {
        var step = new ActivityStep<WaitEventActivity>(new() { ["name"] = "invoice.paid" });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Event, wait.Kind);
        Assert.Equal("invoice.paid", wait.Key);
        Assert.Null(wait.Payload);
    }

    [Fact]
    public async Task WaitEvent_CorrelationId_IsInTheWaitPayload()
    {
        var step = new ActivityStep<WaitEventActivity>(new() { ["name"] = "invoice.paid", ["correlationId"] = "INV-7" });

        var wait = SingleWait(await step.ExecuteAsync());

        AssertJson("""{"correlationId":"INV-7"}""", wait.Payload);
    }

    [Fact]
    public async Task WaitEvent_EmptyName_Fails()
    {
        Failed(await new ActivityStep<WaitEventActivity>(new() { ["name"] = "" }).ExecuteAsync(), "event name");
    }

    [Fact]
    public async Task WaitEvent_Resume_OutputsEventPayload()
    {
        var step = new ActivityStep<WaitEventActivity>(new() { ["name"] = "invoice.paid" });

        var completed = Completed(await step.ResumeAsync(WaitKind.Event, "invoice.paid", new JsonObject { ["amount"] = 12 }), "Done");

        AssertJson("""{"amount":12}""", completed.Outputs["payload"]);
    }

    [Fact]
    public async Task WaitSignal_Name_WaitsOnSignal()
    {
        var step = new ActivityStep<WaitSignalActivity>(new() { ["name"] = "documents-received" });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Signal, wait.Kind);
        Assert.Equal("documents-received", wait.Key);
    }

    [Fact]
    public async Task WaitSignal_EmptyName_Fails()
    {
        Failed(await new ActivityStep<WaitSignalActivity>().ExecuteAsync(), "signal name");
    }

    [Fact]
    public async Task WaitSignal_Resume_OutputsSignalPayload()
    {
        var step = new ActivityStep<WaitSignalActivity>(new() { ["name"] = "go" });

        var completed = Completed(await step.ResumeAsync(WaitKind.Signal, "go", "ready"), "Done");

        Assert.Equal("ready", completed.Outputs["payload"]!.GetValue<string>());
    }
}
