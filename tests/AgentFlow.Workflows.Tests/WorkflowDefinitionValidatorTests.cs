using System.Text.Json;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Tests;

public sealed class WorkflowDefinitionValidatorTests
{
    private static ValidationProblem SingleProblem(WorkflowDefinitionDocument document)
    {
        var problems = TestDefinitions.Validate(document);
        return Assert.Single(problems);
    }

    private static void AssertProblem(WorkflowDefinitionDocument document, string? nodeId, string field, ValidationSeverity severity = ValidationSeverity.Error)
    {
        var problem = SingleProblem(document);
        Assert.Equal(nodeId, problem.NodeId);
        Assert.Equal(field, problem.Field);
        Assert.Equal(severity, problem.Severity);
        Assert.False(string.IsNullOrWhiteSpace(problem.Message));
    }

    private static WorkflowDefinitionDocument WithNode(WorkflowDefinitionDocument document, string id, Func<NodeDefinition, NodeDefinition> change) =>
        document with { Nodes = [.. document.Nodes.Select(n => n.Id == id ? change(n) : n)] };

    private static Dictionary<string, ValueExpression> Inputs(params (string Name, ValueExpression Value)[] inputs) =>
        inputs.ToDictionary(i => i.Name, i => i.Value);

    private static ValueExpression Literal(string json) => ValueExpression.FromJson(JsonDocument.Parse(json).RootElement);

    [Theory]
    [InlineData(TestDefinitions.ExpenseApproval)]
    [InlineData(TestDefinitions.ServiceDeploy)]
    public void Validate_SpecExamples_AreClean(string json)
    {
        var problems = TestDefinitions.Validate(TestDefinitions.Parse(json));

        Assert.Empty(problems);
    }

    [Fact]
    public void Validate_MinimalDefinition_IsClean()
    {
        Assert.Empty(TestDefinitions.Validate(TestDefinitions.Minimal()));
    }

    [Fact]
    public void Validate_WrongSchema_ReportsSchema()
    {
        AssertProblem(TestDefinitions.Minimal() with { Schema = "wf/2" }, null, "schema");
    }

    [Fact]
    public void Validate_MissingDefinitionId_ReportsDefinitionId()
    {
        AssertProblem(TestDefinitions.Minimal() with { DefinitionId = "" }, null, "definitionId");
    }

    [Theory]
    [InlineData("Expense Approval")]
    [InlineData("expense_approval")]
    [InlineData("-expense")]
    [InlineData("expense--approval")]
    public void Validate_DefinitionIdNotSlug_ReportsDefinitionId(string id)
    {
        AssertProblem(TestDefinitions.Minimal() with { DefinitionId = id }, null, "definitionId");
    }

    [Fact]
    public void Validate_DuplicateNodeId_ReportsId()
    {
        var document = TestDefinitions.Minimal();
        document = document with { Nodes = [.. document.Nodes, new NodeDefinition { Id = "a", Type = "core.end" }] };

        AssertProblem(document, "a", "id");
    }

    [Fact]
    public void Validate_EmptyNodeId_ReportsIndexedField()
    {
        var document = TestDefinitions.Minimal();
        document = document with { Nodes = [.. document.Nodes, new NodeDefinition { Id = "", Type = "core.end" }] };

        AssertProblem(document, null, "nodes[3].id");
    }

    [Fact]
    public void Validate_UnknownNodeType_ReportsType()
    {
        var document = WithNode(TestDefinitions.Minimal(), "end", n => n with { Type = "core.teleport" });

        AssertProblem(document, "end", "type");
    }

    [Fact]
    public void Validate_EdgeFromUnknownNode_ReportsFrom()
    {
        var document = TestDefinitions.Minimal();
        document = document with { Edges = [.. document.Edges, new EdgeDefinition { From = "ghost", To = "end" }] };

        AssertProblem(document, null, "edges[2].from");
    }

    [Fact]
    public void Validate_EdgeToUnknownNode_ReportsTo()
    {
        var document = TestDefinitions.Minimal();
        document = document with { Edges = [.. document.Edges, new EdgeDefinition { From = "a", To = "ghost" }] };

        AssertProblem(document, null, "edges[2].to");
    }

    [Fact]
    public void Validate_EdgeOnUndeclaredOutcome_ReportsOnOfSourceNode()
    {
        var document = TestDefinitions.Minimal();
        document = document with { Edges = [document.Edges[0], new EdgeDefinition { From = "a", On = "Bounced", To = "end" }] };

        AssertProblem(document, "a", "edges[1].on");
    }

    [Fact]
    public void Validate_TimeoutOutcomeWithoutTimeout_ReportsOn()
    {
        var document = TestDefinitions.Parse(TestDefinitions.ExpenseApproval);
        document = WithNode(document, "approve", n => n with { Timeout = null });

        AssertProblem(document, "approve", "edges[3].on");
    }

    [Fact]
    public void Validate_DynamicOutcomes_AcceptAnyOutcome()
    {
        var document = TestDefinitions.Minimal();
        document = WithNode(document, "a", n => n with { Type = "core.switch", Inputs = new Dictionary<string, ValueExpression>() });
        document = document with { Edges = [document.Edges[0], new EdgeDefinition { From = "a", On = "Whatever", To = "end" }] };

        Assert.Empty(TestDefinitions.Validate(document));
    }

    [Fact]
    public void Validate_UndeclaredInput_ReportsInput()
    {
        var document = WithNode(TestDefinitions.Minimal(), "a", n => n with
        {
            Inputs = Inputs(("to", ValueExpression.FromVariable("x")), ("cc", Literal("\"boss\""))),
        });

        AssertProblem(document, "a", "inputs.cc");
    }

    [Fact]
    public void Validate_MissingRequiredInput_ReportsInput()
    {
        var document = WithNode(TestDefinitions.Minimal(), "a", n => n with { Inputs = Inputs(("body", Literal("\"hi\""))) });

        AssertProblem(document, "a", "inputs.to");
    }

    [Theory]
    [InlineData("42")]
    [InlineData("true")]
    [InlineData("{\"address\":\"a@b\"}")]
    [InlineData("[\"a@b\"]")]
    public void Validate_LiteralOfWrongType_ReportsInput(string literal)
    {
        var document = WithNode(TestDefinitions.Minimal(), "a", n => n with { Inputs = Inputs(("to", Literal(literal))) });

        AssertProblem(document, "a", "inputs.to");
    }

    [Fact]
    public void Validate_SyntaxNotAllowedForInput_ReportsInput()
    {
        var document = TestDefinitions.Parse(TestDefinitions.ExpenseApproval);
        document = WithNode(document, "escalate", n => n with
        {
            Inputs = Inputs(("variable", ValueExpression.FromJavaScript("'assignee'")), ("value", Literal("\"director\""))),
        });

        AssertProblem(document, "escalate", "inputs.variable");
    }

    [Fact]
    public void Validate_UndeclaredVariableInInput_ReportsInput()
    {
        var document = WithNode(TestDefinitions.Minimal(), "a", n => n with { Inputs = Inputs(("to", ValueExpression.FromVariable("y"))) });

        AssertProblem(document, "a", "inputs.to");
    }

    [Fact]
    public void Validate_UndeclaredVariableInWorkflowOutput_ReportsOutput()
    {
        var document = TestDefinitions.Minimal() with
        {
            Outputs = [new WorkflowOutputDefinition { Name = "result", From = ValueExpression.FromVariable("nope") }],
        };

        AssertProblem(document, null, "outputs[0].from");
    }

    [Fact]
    public void Validate_NodeOutputToUndeclaredVariable_ReportsOutput()
    {
        var document = TestDefinitions.Parse(TestDefinitions.ExpenseApproval);
        document = WithNode(document, "approve", n => n with { Outputs = new Dictionary<string, string> { ["decision"] = "verdict" } });

        AssertProblem(document, "approve", "outputs.decision");
    }

    [Fact]
    public void Validate_UndeclaredActivityOutput_ReportsOutput()
    {
        var document = TestDefinitions.Parse(TestDefinitions.ExpenseApproval);
        document = WithNode(document, "approve", n => n with { Outputs = new Dictionary<string, string> { ["comment"] = "decision" } });

        AssertProblem(document, "approve", "outputs.comment");
    }

    [Fact]
    public void Validate_UnreachableNode_ReportsNode()
    {
        var document = TestDefinitions.Minimal();
        document = document with { Nodes = [.. document.Nodes, new NodeDefinition { Id = "orphan", Type = "core.end" }] };

        AssertProblem(document, "orphan", "id");
    }

    [Fact]
    public void Validate_NoStartNode_ReportsNodes()
    {
        var document = TestDefinitions.Minimal();
        document = document with { Nodes = document.Nodes.Skip(1).ToList(), Edges = [document.Edges[1]] };

        AssertProblem(document, null, "nodes");
    }

    [Fact]
    public void Validate_TriggerNodeIsAStart_WithoutCoreStart()
    {
        var document = TestDefinitions.Minimal();
        document = document with
        {
            Nodes = document.Nodes.Skip(1).ToList(),
            Edges = [document.Edges[1]],
            Triggers = [new TriggerDefinition { Node = "a", Kind = TriggerKind.Signal }],
        };

        Assert.Empty(TestDefinitions.Validate(document));
    }

    [Fact]
    public void Validate_TriggerOnUnknownNode_ReportsTriggerNode()
    {
        var document = TestDefinitions.Minimal() with { Triggers = [new TriggerDefinition { Node = "ghost", Kind = TriggerKind.Http }] };

        AssertProblem(document, null, "triggers[0].node");
    }

    [Fact]
    public void Validate_TriggerOnNodeWithInboundEdges_ReportsTriggerNode()
    {
        var document = TestDefinitions.Minimal() with { Triggers = [new TriggerDefinition { Node = "a", Kind = TriggerKind.Http }] };

        AssertProblem(document, "a", "triggers[0].node");
    }

    [Fact]
    public void Validate_TriggerConfigNotObject_ReportsConfig()
    {
        var document = TestDefinitions.Minimal() with
        {
            Triggers = [new TriggerDefinition { Node = "start", Kind = TriggerKind.Cron, Config = JsonDocument.Parse("\"0 * * * *\"").RootElement }],
        };

        AssertProblem(document, "start", "triggers[0].config");
    }

    [Fact]
    public void Validate_JoinAllWithOneInboundEdge_WarnsOnJoin()
    {
        var document = WithNode(TestDefinitions.Minimal(), "end", n => n with { Join = JoinMode.All });

        AssertProblem(document, "end", "join", ValidationSeverity.Warning);
    }

    [Fact]
    public void Validate_JoinAllWithSeveralInboundEdges_IsClean()
    {
        var document = WithNode(TestDefinitions.Parse(TestDefinitions.ExpenseApproval), "notify", n => n with { Join = JoinMode.All });

        Assert.Empty(TestDefinitions.Validate(document));
    }

    [Fact]
    public void Validate_CycleWithoutWait_ReportsCycle()
    {
        // a (e-mail) → b (set) → a: nothing in the loop waits, so one step would never end.
        var document = TestDefinitions.Minimal();
        document = document with
        {
            Nodes =
            [
                .. document.Nodes,
                new NodeDefinition { Id = "b", Type = "core.set", Inputs = Inputs(("variable", Literal("\"x\"")), ("value", Literal("1"))) },
            ],
            Edges = [.. document.Edges, new EdgeDefinition { From = "a", To = "b" }, new EdgeDefinition { From = "b", To = "a" }],
        };

        AssertProblem(document, "a", "edges");
    }

    [Fact]
    public void Validate_SelfLoopWithoutWait_ReportsCycle()
    {
        var document = TestDefinitions.Minimal();
        document = document with { Edges = [.. document.Edges, new EdgeDefinition { From = "a", To = "a" }] };

        AssertProblem(document, "a", "edges");
    }

    [Fact]
    public void Validate_CycleThroughBlockingNode_IsClean()
    {
        // Rejected → set → approval again: the approval waits, so the loop spans several steps.
        var document = TestDefinitions.Parse(TestDefinitions.ExpenseApproval);
        document = document with
        {
            Edges = [.. document.Edges.Where(e => !(e.From == "approve2" && e.On == "Rejected")), new EdgeDefinition { From = "approve2", On = "Rejected", To = "escalate" }],
        };

        Assert.Empty(TestDefinitions.Validate(document));
    }

    [Theory]
    [InlineData("48 hours")]
    [InlineData("PT")]
    [InlineData("")]
    [InlineData("PT0S")]
    public void Validate_BadTimeoutDuration_ReportsTimeoutAfter(string after)
    {
        var document = WithNode(TestDefinitions.Parse(TestDefinitions.ExpenseApproval), "approve",
            n => n with { Timeout = n.Timeout! with { After = after } });

        AssertProblem(document, "approve", "timeout.after");
    }

    [Fact]
    public void Validate_BadRetryDuration_ReportsRetryInitial()
    {
        var document = WithNode(TestDefinitions.Parse(TestDefinitions.ServiceDeploy), "test",
            n => n with { Retry = new RetryPolicyDefinition { Max = 2, Initial = "30s" } });

        AssertProblem(document, "test", "retry.initial");
    }

    [Fact]
    public void Validate_BadDefaultRetryDuration_ReportsDefaults()
    {
        var document = TestDefinitions.Parse(TestDefinitions.ServiceDeploy);
        document = document with { Defaults = new WorkflowDefaults { Retry = new RetryPolicyDefinition { Initial = "soon" } } };

        AssertProblem(document, null, "defaults.retry.initial");
    }

    [Fact]
    public void Validate_DuplicateVariable_ReportsVariable()
    {
        var document = TestDefinitions.Minimal();
        document = document with { Variables = [.. document.Variables, new VariableDefinition { Name = "x" }] };

        AssertProblem(document, null, "variables[1].name");
    }

    [Fact]
    public void Validate_VariableDefaultOfWrongType_ReportsDefault()
    {
        var document = TestDefinitions.Minimal() with
        {
            Variables = [new VariableDefinition { Name = "x", Type = JsonValueType.String, Default = JsonDocument.Parse("5").RootElement }],
        };

        AssertProblem(document, null, "variables[0].default");
    }

    [Fact]
    public void Validate_ParsedBrokenJson_ReportsEveryProblemWithoutThrowing()
    {
        var result = WorkflowDefinitionSerializer.Parse("""
            {"schema":"wf/0","definitionId":"Bad Id","nodes":[{"id":"s","type":"core.start"},{"id":"s","type":"x.y"}],
             "edges":[{"from":"s","on":"Nope","to":"z"}]}
            """);

        var problems = TestDefinitions.Validate(result.Document!);

        Assert.Contains(problems, p => p.Field == "schema");
        Assert.Contains(problems, p => p.Field == "definitionId");
        Assert.Contains(problems, p => p.NodeId == "s" && p.Field == "id");
        Assert.Contains(problems, p => p.NodeId == "s" && p.Field == "edges[0].on");
        Assert.Contains(problems, p => p.Field == "edges[0].to");
    }
}
