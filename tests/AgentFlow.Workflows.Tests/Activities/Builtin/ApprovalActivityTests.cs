using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using static AgentFlow.Workflows.Tests.Activities.Builtin.Results;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

public sealed class ApprovalActivityTests
{
    private static ActivityStep<ApprovalActivity> Step() => new(new()
    {
        ["assignee"] = "manager",
        ["subject"] = "Expense 120 from Ada",
        ["description"] = "Train tickets",
    }, nodeId: "approve");

    [Fact]
    public async Task Execute_WaitsOnApprovalKeyedByNode()
    {
        var step = Step();

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Approval, wait.Kind);
        Assert.Equal("approve", wait.Key);
        AssertJson("""{"assignee":"manager","subject":"Expense 120 from Ada","description":"Train tickets"}""", wait.Payload);
    }

    [Theory]
    [InlineData("approved", "Approved")]
    [InlineData("APPROVED", "Approved")]
    [InlineData("Rejected", "Rejected")]
    [InlineData("rejected", "Rejected")]
    public async Task Resume_Decision_CompletesWithOutcomeAndOutputs(string decision, string expected)
    {
        var step = Step();

        var completed = Completed(await step.ResumeAsync(WaitKind.Approval, "approve", new JsonObject
        {
            ["decision"] = decision,
            ["comment"] = "ok",
            ["decidedBy"] = "grace@example.com",
        }), expected);

        Assert.Equal(expected, completed.Outputs["decision"]!.GetValue<string>());
        Assert.Equal("ok", completed.Outputs["comment"]!.GetValue<string>());
        Assert.Equal("grace@example.com", completed.Outputs["decidedBy"]!.GetValue<string>());
    }

    [Fact]
    public async Task Resume_DecisionWithoutComment_OutputsNullComment()
    {
        var step = Step();

        var completed = Completed(await step.ResumeAsync(WaitKind.Approval, "approve", new JsonObject { ["decision"] = "approved" }), "Approved");

        Assert.Null(completed.Outputs["comment"]);
        Assert.Null(completed.Outputs["decidedBy"]);
    }

    [Theory]
    [InlineData("""{"decision":"maybe"}""")]
    [InlineData("""{"decision":true}""")]
    [InlineData("{}")]
    [InlineData("null")]
    public async Task Resume_UnknownDecision_SuspendsAgainOnTheSameWait(string payload)
    {
        var step = Step();
        var original = SingleWait(await step.ExecuteAsync());

        var wait = SingleWait(await step.ResumeAsync(WaitKind.Approval, "approve", JsonNode.Parse(payload)));

        Assert.Equal(original.Kind, wait.Kind);
        Assert.Equal(original.Key, wait.Key);
        Assert.True(JsonNode.DeepEquals(original.Payload, wait.Payload));
    }
}
