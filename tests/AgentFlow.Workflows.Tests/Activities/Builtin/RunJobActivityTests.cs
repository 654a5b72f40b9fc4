using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using static AgentFlow.Workflows.Tests.Activities.Builtin.Results;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

public sealed class RunJobActivityTests
{
    private static ActivityStep<RunJobActivity> Step(int attempt = 1) =>
        new(new() { ["job"] = "build", ["args"] = new JsonObject { ["commit"] = "abc123" } }, nodeId: "build", attempt: attempt);

    [Fact]
    public async Task Execute_EmitsJobAndWaitsOnItsRequestId()
    {
        var step = Step();

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Job, wait.Kind);
        Assert.Equal(step.Context.IdempotencyKey, wait.Key);
        var message = Assert.Single(step.Context.EmittedMessages);
        Assert.Equal("job", message.Kind);
        var expected = new JsonObject
        {
            ["job"] = "build",
            ["args"] = new JsonObject { ["commit"] = "abc123" },
            ["jobRequestId"] = step.Context.IdempotencyKey,
        };
        AssertJson(expected.ToJsonString(), message.Payload);
    }

    [Fact]
    public async Task Execute_Retry_UsesANewJobRequestId()
    {
        var first = Step(attempt: 1);
        var retry = Step(attempt: 2);

        await first.ExecuteAsync();
        await retry.ExecuteAsync();

        var firstId = first.Context.EmittedMessages[0].Payload!["jobRequestId"]!.GetValue<string>();
        var retryId = retry.Context.EmittedMessages[0].Payload!["jobRequestId"]!.GetValue<string>();
        Assert.EndsWith(":build:" + first.Context.TokenId + ":1", firstId, StringComparison.Ordinal);
        Assert.EndsWith(":2", retryId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_NoJobName_FailsWithoutEmitting()
    {
        var step = new ActivityStep<RunJobActivity>(new() { ["job"] = "" });

        Failed(await step.ExecuteAsync(), "job name");
        Assert.Empty(step.Context.EmittedMessages);
    }

    [Fact]
    public async Task Resume_Succeeded_CompletesDoneWithReportedOutputs()
    {
        var step = Step();

        var completed = Completed(await step.ResumeAsync(WaitKind.Job, step.Context.IdempotencyKey, JsonNode.Parse(
            """{"status":"succeeded","outputs":{"artifact":"build-42.tgz","sizes":[1,2]}}""")), "Done");

        Assert.Equal(["artifact", "sizes"], completed.Outputs.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("build-42.tgz", completed.Outputs["artifact"]!.GetValue<string>());
        AssertJson("[1,2]", completed.Outputs["sizes"]);
    }

    [Fact]
    public async Task Resume_SucceededWithoutOutputs_CompletesDoneWithNone()
    {
        var completed = Completed(await Step().ResumeAsync(WaitKind.Job, "k", new JsonObject { ["status"] = "Succeeded" }), "Done");

        Assert.Empty(completed.Outputs);
    }

    [Fact]
    public async Task Resume_FailedTransient_FailsTransientlyForTheRetryPolicy()
    {
        var result = await Step().ResumeAsync(WaitKind.Job, "k", JsonNode.Parse("""{"status":"failed","error":"runner lost","transient":true}"""));

        Failed(result, "runner lost", transient: true);
    }

    [Fact]
    public async Task Resume_FailedPermanently_CompletesFailedWithError()
    {
        var completed = Completed(await Step().ResumeAsync(WaitKind.Job, "k", JsonNode.Parse("""{"status":"failed","error":"tests failed","transient":false}""")), "Failed");

        Assert.Equal("tests failed", completed.Outputs["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resume_FailedWithoutError_DescribesTheJob()
    {
        var completed = Completed(await Step().ResumeAsync(WaitKind.Job, "k", new JsonObject { ["status"] = "failed" }), "Failed");

        Assert.Contains("\"build\"", completed.Outputs["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_UnknownStatus_FailsPermanently()
    {
        Failed(await Step().ResumeAsync(WaitKind.Job, "k", new JsonObject { ["status"] = "running" }), "\"running\"");
    }
}
