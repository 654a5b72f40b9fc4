using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Graph;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

public sealed class BuiltinActivitiesTests
{
    private static readonly ActivityTypeRegistry Registry = new ActivityTypeRegistry().AddBuiltinActivities();

    [Fact]
    public void AddBuiltinActivities_RegistersThePalette()
    {
        string[] expected =
        [
            "core.cron", "core.delay", "core.end", "core.fork", "core.if", "core.join", "core.log", "core.runWorkflow",
            "core.set", "core.start", "core.switch", "core.timer", "core.waitEvent", "core.waitSignal",
            "http.endpoint", "http.request", "http.respond", "human.approval", "job.run",
        ];

        Assert.Equal(expected, Registry.All.Select(d => d.Type).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void AddBuiltinActivities_EveryDescriptorIsDocumentedForThePalette()
    {
        string[] categories = ["Core", "Flow", "Timers", "Events", "HTTP", "Composition", "Human", "Jobs"];

        Assert.All(Registry.All, d =>
        {
            Assert.Contains(d.Category, categories);
            Assert.False(string.IsNullOrWhiteSpace(d.Description), d.Type);
            Assert.False(string.IsNullOrWhiteSpace(d.Icon), d.Type);
            Assert.NotEqual(d.Type, d.DisplayName);
            Assert.All(d.Inputs, i => Assert.False(string.IsNullOrWhiteSpace(i.Description), $"{d.Type}.{i.Name}"));
        });
    }

    [Fact]
    public void AddBuiltinActivities_TwiceOnOneRegistry_Throws()
    {
        Assert.Throws<InvalidOperationException>(() => new ActivityTypeRegistry().AddBuiltinActivities().AddBuiltinActivities());
    }

    [Theory]
    [InlineData("core.delay", ActivityKind.Blocking)]
    [InlineData("core.timer", ActivityKind.Trigger)]
    [InlineData("core.cron", ActivityKind.Trigger)]
    [InlineData("core.waitEvent", ActivityKind.Blocking)]
    [InlineData("core.waitSignal", ActivityKind.Blocking)]
    [InlineData("http.endpoint", ActivityKind.Trigger)]
    [InlineData("http.request", ActivityKind.Job)]
    [InlineData("core.runWorkflow", ActivityKind.Job)]
    [InlineData("human.approval", ActivityKind.Blocking)]
    [InlineData("job.run", ActivityKind.Job)]
    [InlineData("core.log", ActivityKind.Action)]
    public void Descriptor_Kind_MatchesBehaviour(string type, ActivityKind kind)
    {
        Assert.True(Registry.TryGet(type, out var descriptor));
        Assert.Equal(kind, descriptor.Kind);
    }

    [Fact]
    public void Descriptors_OutcomesAndDynamicFlags_AreDeclared()
    {
        Assert.Equal(["True", "False"], Descriptor("core.if").Outcomes);
        Assert.Equal(["Approved", "Rejected"], Descriptor("human.approval").Outcomes);
        Assert.Equal(["Done", "Failed"], Descriptor("job.run").Outcomes);
        Assert.Equal(["Done", "Failed"], Descriptor("http.request").Outcomes);
        Assert.Equal(["Done", "Failed"], Descriptor("core.runWorkflow").Outcomes);
        Assert.Empty(Descriptor("core.end").Outcomes);
        Assert.True(Descriptor("core.switch").HasDynamicOutcomes);
        Assert.True(Descriptor("core.fork").HasDynamicOutcomes);
        Assert.True(Descriptor("job.run").HasDynamicOutputs);
        Assert.False(Descriptor("http.request").HasDynamicOutputs);
    }

    [Fact]
    public void Descriptors_InputsTypesDefaultsAndSyntaxes_AreDeclared()
    {
        var condition = Input("core.if", "condition");
        Assert.Equal(JsonValueType.Boolean, condition.Type);
        Assert.True(condition.Required);
        Assert.Equal(JsonValueType.Array, Input("core.switch", "cases").Type);
        Assert.Equal(JsonValueType.Any, Input("core.switch", "value").Type);
        Assert.Equal([ExpressionSyntax.Literal], Input("core.set", "variable").Syntaxes);
        Assert.Equal([ExpressionSyntax.Literal], Input("http.endpoint", "path").Syntaxes);
        Assert.Equal("POST", Input("http.endpoint", "method").DefaultValue!.Value.GetString());
        Assert.Equal("GET", Input("http.request", "method").DefaultValue!.Value.GetString());
        Assert.True(Input("http.request", "waitForResponse").DefaultValue!.Value.GetBoolean());
        Assert.Equal(200, Input("http.respond", "status").DefaultValue!.Value.GetInt32());
        Assert.Equal(JsonValueType.Number, Input("http.respond", "status").Type);
        Assert.Equal(JsonValueType.Object, Input("core.runWorkflow", "input").Type);
        Assert.Equal("UTC", Input("core.cron", "timeZone").DefaultValue!.Value.GetString());
        Assert.Equal("info", Input("core.log", "level").DefaultValue!.Value.GetString());
    }

    [Fact]
    public void Descriptors_Outputs_AreDeclared()
    {
        Assert.Equal(["body", "error", "headers", "statusCode"], Outputs("http.request"));
        Assert.Equal(["childInstanceId", "output", "status"], Outputs("core.runWorkflow"));
        Assert.Equal(["comment", "decidedBy", "decision"], Outputs("human.approval"));
        Assert.Equal(["firedAt"], Outputs("core.cron"));
        Assert.Equal(["request"], Outputs("http.endpoint"));
        Assert.Equal(["matched"], Outputs("core.switch"));
        Assert.Equal(["result"], Outputs("core.end"));
    }

    [Fact]
    public void Compile_ServiceDeployAgainstBuiltins_Succeeds()
    {
        var result = new WorkflowGraphCompiler(Registry).Compile(TestDefinitions.Parse(TestDefinitions.ServiceDeploy));

        Assert.True(result.Succeeded, string.Join("; ", result.Problems));
        Assert.Equal(typeof(RunJobActivity), Clr(result.Graph!["build"].Type));
    }

    private static ActivityDescriptor Descriptor(string type)
    {
        Assert.True(Registry.TryGet(type, out var descriptor), type);
        return descriptor;
    }

    private static ActivityInputDescriptor Input(string type, string name) => Assert.Single(Descriptor(type).Inputs, i => i.Name == name);

    private static IEnumerable<string> Outputs(string type) => Descriptor(type).Outputs.Select(o => o.Name).Order(StringComparer.Ordinal);

    private static Type Clr(string type)
    {
        Assert.True(Registry.TryGetClrType(type, null, out var clrType));
        return clrType;
    }
}
