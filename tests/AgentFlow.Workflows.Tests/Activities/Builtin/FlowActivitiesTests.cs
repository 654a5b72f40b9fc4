using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities.Builtin;
using static AgentFlow.Workflows.Tests.Activities.Builtin.Results;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

public sealed class FlowActivitiesTests
{
    [Theory]
    [InlineData("true", "True")]
    [InlineData("false", "False")]
    [InlineData("\"true\"", "True")]
    [InlineData("\"False\"", "False")]
    [InlineData("\" TRUE \"", "True")]
    [InlineData("1", "True")]
    [InlineData("-0.5", "True")]
    [InlineData("0", "False")]
    [InlineData("null", "False")]
    public async Task If_Condition_ChoosesOutcome(string conditionJson, string expected)
    {
        var step = new ActivityStep<IfActivity>(new() { ["condition"] = JsonNode.Parse(conditionJson) });

        Completed(await step.ExecuteAsync(), expected);
    }

    [Fact]
    public void If_NonBooleanString_CannotBeBound()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => new ActivityStep<IfActivity>(new() { ["condition"] = "yes" }));

        Assert.Contains("\"condition\"", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Switch_StringValue_TakesFirstEqualCase()
    {
        var step = new ActivityStep<SwitchActivity>(new() { ["value"] = "gold", ["cases"] = new JsonArray("silver", "gold", "gold") });

        var completed = Completed(await step.ExecuteAsync(), "gold");

        Assert.Equal("gold", completed.Outputs["matched"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("42", "42")]
    [InlineData("true", "true")]
    [InlineData("null", "null")]
    [InlineData("[1,2]", "[1,2]")]
    public async Task Switch_NonStringValue_ComparesItsJsonText(string valueJson, string expected)
    {
        var step = new ActivityStep<SwitchActivity>(new() { ["value"] = JsonNode.Parse(valueJson), ["cases"] = new JsonArray("x", expected) });

        Completed(await step.ExecuteAsync(), expected);
    }

    [Fact]
    public async Task Switch_StringThatLooksLikeJson_IsComparedAsIs()
    {
        var step = new ActivityStep<SwitchActivity>(new() { ["value"] = "42", ["cases"] = new JsonArray("\"42\"", "42") });

        Completed(await step.ExecuteAsync(), "42");
    }

    [Fact]
    public async Task Switch_NoMatch_TakesDefaultWithNullMatched()
    {
        var step = new ActivityStep<SwitchActivity>(new() { ["value"] = "Gold", ["cases"] = new JsonArray("gold") });

        var completed = Completed(await step.ExecuteAsync(), "Default");

        Assert.Null(completed.Outputs["matched"]);
    }

    [Fact]
    public async Task Fork_Branches_CompletesThroughEveryBranchOnce()
    {
        var step = new ActivityStep<ForkActivity>(new() { ["branches"] = new JsonArray("build", "lint", "build") });

        Completed(await step.ExecuteAsync(), "build", "lint");
    }

    [Fact]
    public async Task Fork_NoBranches_Fails()
    {
        var step = new ActivityStep<ForkActivity>(new() { ["branches"] = new JsonArray() });

        Failed(await step.ExecuteAsync(), "at least one branch");
    }

    [Fact]
    public async Task Join_Execute_CompletesWithDone()
    {
        Completed(await new ActivityStep<JoinActivity>().ExecuteAsync(), "Done");
    }
}
