using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Tests;

public sealed class WorkflowDefinitionSerializerTests
{
    [Fact]
    public void Parse_ExpenseExample_ReadsEveryPart()
    {
        var document = TestDefinitions.Parse(TestDefinitions.ExpenseApproval);

        Assert.Equal("expense-approval", document.DefinitionId);
        Assert.Equal(3, document.Version);
        Assert.Equal(7, document.Nodes.Count);
        Assert.Equal(10, document.Edges.Count);
        Assert.Equal(TriggerKind.Http, Assert.Single(document.Triggers).Kind);
        Assert.Equal(JsonValueType.Number, document.Inputs[0].Type);
        var approve = document.Nodes[1];
        Assert.Equal(ExpressionSyntax.Var, approve.Inputs["assignee"].Syntax);
        Assert.Equal(ExpressionSyntax.Liquid, approve.Inputs["subject"].Syntax);
        Assert.Equal("PT48H", approve.Timeout!.After);
        Assert.Equal("decision", approve.Outputs["decision"]);
        Assert.Equal(JoinMode.Any, approve.Join);
        Assert.Equal(EdgeDefinition.DefaultOutcome, document.Edges[0].On);
        Assert.Equal(3, document.Layout!.Count);
    }

    [Fact]
    public void Parse_DeployExample_ReadsDefaultsRetryAndPhases()
    {
        var document = TestDefinitions.Parse(TestDefinitions.ServiceDeploy);

        Assert.Equal(3, document.Defaults!.Retry!.Max);
        Assert.Equal("PT30S", document.Defaults.Retry.Initial);
        Assert.Equal(2, document.Defaults.Retry.Factor);
        Assert.Equal(1, document.Nodes[2].Retry!.Max);
        Assert.Equal(5, document.Nodes[5].Phase);
        Assert.Equal(TriggerKind.Event, document.Triggers[0].Kind);
    }

    [Theory]
    [InlineData(TestDefinitions.ExpenseApproval)]
    [InlineData(TestDefinitions.ServiceDeploy)]
    public void Write_ParsedExample_RoundTrips(string json)
    {
        var first = TestDefinitions.Parse(json);

        var written = WorkflowDefinitionSerializer.Write(first);
        var second = TestDefinitions.Parse(written);

        Assert.Equal(written, WorkflowDefinitionSerializer.Write(second));
        Assert.Equal(first.Nodes, second.Nodes, (a, b) => a.Id == b.Id && a.Type == b.Type && a.Join == b.Join
            && a.Timeout == b.Timeout && a.Phase == b.Phase && a.Inputs.Count == b.Inputs.Count
            && a.Inputs.All(kv => b.Inputs[kv.Key] == kv.Value));
        Assert.Equal(first.Edges, second.Edges);
        Assert.Contains("\"schema\":\"wf/1\"", written, StringComparison.Ordinal);
        Assert.Contains("\"kind\":\"http\"", WorkflowDefinitionSerializer.Write(TestDefinitions.Parse(TestDefinitions.ExpenseApproval)), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ \"schema\": ", "$.schema")]
    [InlineData("not json", "$")]
    [InlineData("", "$")]
    [InlineData("null", "$")]
    [InlineData("[]", "$")]
    public void Parse_MalformedJson_ReportsProblemInsteadOfThrowing(string json, string field)
    {
        var result = WorkflowDefinitionSerializer.Parse(json);

        Assert.False(result.Succeeded);
        Assert.Equal(field, Assert.Single(result.Problems).Field);
    }

    [Theory]
    [InlineData("""{"schema":"wf/1","version":"3"}""", "$.version")]
    [InlineData("""{"schema":"wf/1","nodes":{"id":"a"}}""", "$.nodes")]
    [InlineData("""{"schema":"wf/1","nodes":[{"id":1}]}""", "$.nodes[0].id")]
    [InlineData("""{"schema":"wf/1","nodes":[{"id":"a","join":"sometimes"}]}""", "$.nodes[0].join")]
    [InlineData("""{"schema":"wf/1","triggers":[{"node":"a","kind":"webhook"}]}""", "$.triggers[0].kind")]
    [InlineData("""{"schema":"wf/1","edges":[{"from":"a","on":null,"to":"b"}]}""", "$.edges[0].on")]
    [InlineData("""{"schema":"wf/1","nodes":[{"id":"a","inputs":{"x":{"js":false}}}]}""", "$.nodes[0].inputs.x")]
    [InlineData("""{"schema":"wf/1","nodes":[{"id":"a","type":"core.start"},null]}""", "$.nodes[1]")]
    [InlineData("""{"schema":"wf/1","edges":[null]}""", "$.edges[0]")]
    [InlineData("""{"schema":"wf/1","nodes":[{"id":"a","outputs":{"x":null}}]}""", "$.nodes[0].outputs.x")]
    [InlineData("""{"schema":"wf/1","triggers":[{"node":"a","kind":"http","config":{"x":1}}],"nodes":"a"}""", "$.nodes")]
    public void Parse_WrongType_ReportsProblemWithPath(string json, string field)
    {
        var result = WorkflowDefinitionSerializer.Parse(json);

        Assert.False(result.Succeeded);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(field, problem.Field);
        Assert.Null(problem.NodeId);
    }
}
