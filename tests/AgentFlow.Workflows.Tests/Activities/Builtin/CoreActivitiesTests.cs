using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities.Builtin;
using static AgentFlow.Workflows.Tests.Activities.Builtin.Results;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

public sealed class CoreActivitiesTests
{
    [Fact]
    public async Task Start_Execute_CompletesWithDone()
    {
        var result = await new ActivityStep<StartActivity>().ExecuteAsync();

        Assert.Empty(Completed(result, "Done").Outputs);
    }

    [Fact]
    public async Task End_Execute_CompletesWithResultOutput()
    {
        var step = new ActivityStep<EndActivity>(new() { ["result"] = new JsonObject { ["total"] = 42 } });

        var completed = Completed(await step.ExecuteAsync(), "Done");

        AssertJson("""{"total":42}""", completed.Outputs["result"]);
    }

    [Fact]
    public async Task End_NoResult_OutputsNull()
    {
        var completed = Completed(await new ActivityStep<EndActivity>().ExecuteAsync(), "Done");

        Assert.True(completed.Outputs.ContainsKey("result"));
        Assert.Null(completed.Outputs["result"]);
    }

    [Fact]
    public async Task Set_Execute_WritesVariableAndCompletes()
    {
        var step = new ActivityStep<SetVariableActivity>(new() { ["variable"] = "assignee", ["value"] = new JsonArray("director", "ceo") });

        Completed(await step.ExecuteAsync(), "Done");

        var write = Assert.Single(step.Context.VariableWrites);
        Assert.Equal("assignee", write.Name);
        AssertJson("""["director","ceo"]""", write.Value);
    }

    [Fact]
    public async Task Set_NoValue_WritesNull()
    {
        var step = new ActivityStep<SetVariableActivity>(new() { ["variable"] = "decision" });

        Completed(await step.ExecuteAsync(), "Done");

        var write = Assert.Single(step.Context.VariableWrites);
        Assert.Equal("decision", write.Name);
        Assert.Null(write.Value);
    }

    [Fact]
    public async Task Set_EmptyVariableName_Fails()
    {
        var step = new ActivityStep<SetVariableActivity>(new() { ["variable"] = " ", ["value"] = 1 });

        Failed(await step.ExecuteAsync(), "variable name");
        Assert.Empty(step.Context.VariableWrites);
    }

    [Fact]
    public async Task Log_Execute_WritesEntryWithDefaultLevel()
    {
        var step = new ActivityStep<LogActivity>(new() { ["message"] = "Deployed", ["data"] = new JsonObject { ["env"] = "prod" } });

        Completed(await step.ExecuteAsync(), "Done");

        var entry = Assert.Single(step.Context.LogEntries);
        Assert.Equal("info", entry.Level);
        Assert.Equal("Deployed", entry.Message);
        AssertJson("""{"env":"prod"}""", entry.Data);
    }

    [Theory]
    [InlineData("debug", "debug")]
    [InlineData("WARNING", "warning")]
    [InlineData(" Error ", "error")]
    public async Task Log_Level_IsNormalised(string level, string expected)
    {
        var step = new ActivityStep<LogActivity>(new() { ["message"] = "m", ["level"] = level });

        Completed(await step.ExecuteAsync(), "Done");

        Assert.Equal(expected, Assert.Single(step.Context.LogEntries).Level);
    }

    [Fact]
    public async Task Log_UnknownLevel_FailsWithoutWriting()
    {
        var step = new ActivityStep<LogActivity>(new() { ["message"] = "m", ["level"] = "fatal" });

        Failed(await step.ExecuteAsync(), "\"fatal\"");
        Assert.Empty(step.Context.LogEntries);
    }
}
