using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Graph;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Tests;

public sealed class WorkflowGraphCompilerTests
{
    private static readonly WorkflowGraphCompiler Compiler = new(TestDefinitions.Activities);

    private static WorkflowGraph Compile(string json)
    {
        var result = Compiler.Compile(TestDefinitions.Parse(json));
        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        return result.Graph!;
    }

    [Fact]
    public void Compile_ExpenseApproval_HasEveryNodeAndTheTriggerStart()
    {
        var graph = Compile(TestDefinitions.ExpenseApproval);

        Assert.Equal(["approve", "approve2", "autoReject", "end", "escalate", "notify", "start"], graph.Nodes.Keys.Order(StringComparer.Ordinal));
        var start = Assert.Single(graph.StartNodes);
        Assert.Equal("start", start.Id);
        Assert.True(start.IsStart);
        var trigger = Assert.Single(graph.Triggers);
        Assert.Equal(TriggerKind.Http, trigger.Kind);
        Assert.Equal("human.approval", graph["approve"].Descriptor.Type);
    }

    [Fact]
    public void Compile_ExpenseApproval_GroupsOutgoingEdgesByOutcome()
    {
        var graph = Compile(TestDefinitions.ExpenseApproval);

        var approve = graph["approve"];
        Assert.Equal(["Approved", "Rejected", "TimedOut"], approve.Outgoing.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["notify"], graph.Next("approve", "Approved"));
        Assert.Equal(["notify"], graph.Next("approve", "Rejected"));
        Assert.Equal(["escalate"], graph.Next("approve", "TimedOut"));
        Assert.Equal(["approve2"], graph.Next("escalate", EdgeDefinition.DefaultOutcome));
        Assert.Empty(graph.Next("approve", "Done"));
        Assert.Empty(graph.Next("end", "Done"));
    }

    [Fact]
    public void Compile_ExpenseApproval_CountsInboundEdges()
    {
        var graph = Compile(TestDefinitions.ExpenseApproval);

        Assert.Equal(0, graph["start"].InboundEdgeCount);
        Assert.Equal(1, graph["approve"].InboundEdgeCount);
        // approve ×2, approve2 ×2, autoReject ×1.
        Assert.Equal(5, graph["notify"].InboundEdgeCount);
        Assert.Equal(1, graph["end"].InboundEdgeCount);
    }

    [Fact]
    public void Compile_ServiceDeploy_FailurePathsAndEventTrigger()
    {
        var graph = Compile(TestDefinitions.ServiceDeploy);

        Assert.Equal(9, graph.Nodes.Count);
        Assert.Equal("start", Assert.Single(graph.StartNodes).Id);
        Assert.Equal(TriggerKind.Event, Assert.Single(graph.Triggers).Kind);
        Assert.Equal(["test"], graph.Next("build", "Done"));
        Assert.Equal(["failed"], graph.Next("build", "Failed"));
        Assert.Equal(["prod"], graph.Next("gate", "Approved"));
        Assert.Equal(["rollback"], graph.Next("prod", "Failed"));
        Assert.Equal(6, graph["failed"].InboundEdgeCount);
        Assert.Equal(JoinMode.Any, graph["failed"].Join);
    }

    [Fact]
    public void Compile_CoreStartWithoutTrigger_IsAStartNode()
    {
        var graph = Compiler.Compile(TestDefinitions.Minimal()).Graph;

        Assert.NotNull(graph);
        Assert.Equal("start", Assert.Single(graph.StartNodes).Id);
        Assert.Empty(graph.Triggers);
        Assert.False(graph["a"].IsStart);
    }

    [Fact]
    public void Compile_JoinAll_KeepsJoinModeAndInboundCount()
    {
        var document = TestDefinitions.Minimal() with
        {
            Nodes =
            [
                new NodeDefinition { Id = "start", Type = "core.start" },
                new NodeDefinition { Id = "a", Type = "notify.email", Inputs = new Dictionary<string, ValueExpression> { ["to"] = ValueExpression.FromVariable("x") } },
                new NodeDefinition { Id = "b", Type = "notify.email", Inputs = new Dictionary<string, ValueExpression> { ["to"] = ValueExpression.FromVariable("x") } },
                new NodeDefinition { Id = "end", Type = "core.end", Join = JoinMode.All },
            ],
            Edges =
            [
                new EdgeDefinition { From = "start", To = "a" }, new EdgeDefinition { From = "start", To = "b" },
                new EdgeDefinition { From = "a", To = "end" }, new EdgeDefinition { From = "b", To = "end" },
            ],
        };

        var graph = Compiler.Compile(document).Graph;

        Assert.NotNull(graph);
        Assert.Equal(["a", "b"], graph.Next("start", "Done"));
        Assert.Equal(JoinMode.All, graph["end"].Join);
        Assert.Equal(2, graph["end"].InboundEdgeCount);
    }

    [Fact]
    public void Compile_InvalidDocument_ReturnsProblemsWithoutGraph()
    {
        var document = TestDefinitions.Minimal() with
        {
            Edges = [new EdgeDefinition { From = "start", To = "a" }, new EdgeDefinition { From = "a", To = "nowhere" }],
        };

        var result = Compiler.Compile(document);

        Assert.False(result.Succeeded);
        Assert.Null(result.Graph);
        Assert.Contains(result.Problems, p => p.Severity == ValidationSeverity.Error && p.Field == "edges[1].to");
    }

    [Fact]
    public void Compile_WarningsOnly_StillProducesGraphAndReportsWarnings()
    {
        var document = TestDefinitions.Minimal() with
        {
            Nodes = [.. TestDefinitions.Minimal().Nodes.Select(n => n.Id == "end" ? n with { Join = JoinMode.All } : n)],
        };

        var result = Compiler.Compile(document);

        Assert.True(result.Succeeded);
        Assert.Contains(result.Problems, p => p.Severity == ValidationSeverity.Warning && p.NodeId == "end");
    }

    [Fact]
    public void Compile_JavaScriptSyntaxErrorInInput_ReportsItWithoutGraph()
    {
        var document = WithEmailInputs(new() { ["to"] = ValueExpression.FromJavaScript("input.requester +") });

        var result = Compiler.Compile(document);

        Assert.Null(result.Graph);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("a", "inputs.to", ValidationSeverity.Error), (problem.NodeId, problem.Field, problem.Severity));
        Assert.StartsWith("JavaScript syntax error: ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_LiquidSyntaxErrorInInput_ReportsItWithoutGraph()
    {
        var document = WithEmailInputs(new()
        {
            ["to"] = ValueExpression.FromVariable("x"),
            ["body"] = ValueExpression.FromLiquid("Your expense was {% if vars.x %}approved"),
        });

        var result = Compiler.Compile(document);

        Assert.Null(result.Graph);
        var problem = Assert.Single(result.Problems);
        Assert.Equal(("a", "inputs.body", ValidationSeverity.Error), (problem.NodeId, problem.Field, problem.Severity));
        Assert.StartsWith("Liquid syntax error: ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SyntaxErrorInWorkflowOutput_ReportsItOnTheOutput()
    {
        var document = TestDefinitions.Minimal() with
        {
            Outputs =
            [
                new WorkflowOutputDefinition { Name = "ok", From = ValueExpression.FromJavaScript("vars.x") },
                new WorkflowOutputDefinition { Name = "bad", From = ValueExpression.FromLiquid("{{ vars.x ") },
            ],
        };

        var result = Compiler.Compile(document);

        Assert.Null(result.Graph);
        var problem = Assert.Single(result.Problems);
        Assert.Equal((null, "outputs[1].from"), (problem.NodeId, problem.Field));
        Assert.StartsWith("Liquid syntax error: ", problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compile_SyntaxErrorsAndStructuralErrors_ReportsAll()
    {
        var document = WithEmailInputs(new() { ["to"] = ValueExpression.FromJavaScript("(") }) with
        {
            Edges = [new EdgeDefinition { From = "start", To = "a" }, new EdgeDefinition { From = "a", To = "nowhere" }],
        };

        var result = Compiler.Compile(document);

        Assert.False(result.Succeeded);
        Assert.Contains(result.Problems, p => p.Field == "edges[1].to");
        Assert.Contains(result.Problems, p => p.NodeId == "a" && p.Field == "inputs.to" && p.Message.StartsWith("JavaScript", StringComparison.Ordinal));
    }

    [Fact]
    public void Compile_ValidExpressionsEverywhere_Succeeds()
    {
        var document = WithEmailInputs(new()
        {
            ["to"] = ValueExpression.FromJavaScript("vars.x + '@example.com'"),
            ["body"] = ValueExpression.FromLiquid("{% if vars.x %}Hello {{ vars.x }}{% endif %}"),
        }) with
        {
            Outputs = [new WorkflowOutputDefinition { Name = "to", From = ValueExpression.FromJavaScript("({to: vars.x})") }],
        };

        var result = Compiler.Compile(document);

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.Empty(result.Problems);
    }

    private static WorkflowDefinitionDocument WithEmailInputs(Dictionary<string, ValueExpression> inputs) => TestDefinitions.Minimal() with
    {
        Nodes = [.. TestDefinitions.Minimal().Nodes.Select(n => n.Id == "a" ? n with { Inputs = inputs } : n)],
    };

    [Fact]
    public void ContentHash_ReorderedPropertiesAndWhitespace_IsUnchanged()
    {
        var original = Compile(TestDefinitions.ExpenseApproval).ContentHash;
        var reordered = JsonNode.Parse(TestDefinitions.ExpenseApproval)!.AsObject();
        var shuffled = Reverse(reordered)!.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
        Assert.NotEqual(TestDefinitions.ExpenseApproval, shuffled);

        var hash = Compile(shuffled).ContentHash;
        var compact = Compile(JsonNode.Parse(TestDefinitions.ExpenseApproval)!.ToJsonString()).ContentHash;

        Assert.Equal(original, hash);
        Assert.Equal(original, compact);
        Assert.Matches("^[0-9a-f]{64}$", original);
    }

    [Fact]
    public void ContentHash_ChangedContent_Changes()
    {
        var original = Compile(TestDefinitions.ExpenseApproval).ContentHash;

        var changedLiteral = Compile(TestDefinitions.ExpenseApproval.Replace("\"value\": \"director\"", "\"value\": \"ceo\"", StringComparison.Ordinal)).ContentHash;
        var changedTimeout = Compile(TestDefinitions.ExpenseApproval.Replace("PT48H", "PT47H", StringComparison.Ordinal)).ContentHash;

        Assert.NotEqual(original, changedLiteral);
        Assert.NotEqual(original, changedTimeout);
        Assert.NotEqual(changedLiteral, changedTimeout);
    }

    [Fact]
    public void ContentHash_DifferentDefinitions_Differ()
    {
        Assert.NotEqual(Compile(TestDefinitions.ExpenseApproval).ContentHash, Compile(TestDefinitions.ServiceDeploy).ContentHash);
    }

    // Reverses the property order of every object, recursively (array order is content and stays).
    private static JsonNode? Reverse(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Reverse().Select(p => KeyValuePair.Create(p.Key, Reverse(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Reverse)]),
        _ => node?.DeepClone(),
    };
}
