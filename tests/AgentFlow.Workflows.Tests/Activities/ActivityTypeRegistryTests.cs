using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Tests.Activities;

public sealed class ActivityTypeRegistryTests
{
    private static ActivityTypeRegistry ScannedRegistry() =>
        new ActivityTypeRegistry().RegisterFromAssembly(typeof(ActivityTypeRegistryTests).Assembly);

    [Fact]
    public void RegisterFromAssembly_TestAssembly_FindsPublicDeclaredActivitiesOnly()
    {
        var registry = ScannedRegistry();

        Assert.Equal(
            ["core.start", "test.plain", "test.sample", "test.switch"],
            registry.All.Select(d => d.Type).Order(StringComparer.Ordinal));
        Assert.Equal(
            [typeof(PlainTestActivity), typeof(SampleActivity), typeof(SampleActivityV1), typeof(SwitchTestActivity), typeof(TestStartActivity)],
            registry.Registrations.Select(r => r.ClrType).OrderBy(t => t.Name, StringComparer.Ordinal));
    }

    [Fact]
    public void TryGet_SeveralVersions_AnswersHighestVersion()
    {
        var registry = ScannedRegistry();

        Assert.True(registry.TryGet("test.sample", out var descriptor));
        Assert.Equal(2, descriptor.Version);
        Assert.True(registry.TryGetClrType("test.sample", null, out var latest));
        Assert.Equal(typeof(SampleActivity), latest);
        Assert.True(registry.TryGetClrType("test.sample", 1, out var first));
        Assert.Equal(typeof(SampleActivityV1), first);
        Assert.False(registry.TryGetClrType("test.sample", 3, out _));
    }

    [Fact]
    public void TryGet_UnknownType_ReturnsFalse()
    {
        var registry = new ActivityTypeRegistry().Register<PlainTestActivity>();

        Assert.False(registry.TryGet("test.missing", out _));
        Assert.False(registry.TryGetClrType("test.missing", null, out _));
    }

    [Fact]
    public void Register_SameTypeAndVersionTwice_Throws()
    {
        var registry = new ActivityTypeRegistry().Register<SampleActivity>();

        var ex = Assert.Throws<InvalidOperationException>(() => registry.Register<DuplicateSampleActivity>());

        Assert.Contains("\"test.sample\" version 2", ex.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(DuplicateSampleActivity), ex.Message, StringComparison.Ordinal);
        Assert.True(registry.TryGetClrType("test.sample", 2, out var kept));
        Assert.Equal(typeof(SampleActivity), kept);
    }

    [Fact]
    public void Register_SameClassTwice_Throws()
    {
        var registry = new ActivityTypeRegistry().Register<PlainTestActivity>();

        Assert.Throws<InvalidOperationException>(() => registry.Register<PlainTestActivity>());
    }

    [Fact]
    public void Register_InvalidClass_ThrowsAndRegistersNothing()
    {
        var registry = new ActivityTypeRegistry();

        Assert.Throws<InvalidOperationException>(() => registry.Register<UndeclaredActivity>());
        Assert.Empty(registry.All);
    }

    [Fact]
    public void Validate_DefinitionUsingRegisteredActivities_IsClean()
    {
        var validator = new WorkflowDefinitionValidator(ScannedRegistry());
        var document = TestDefinitions.Parse("""
        {
          "schema": "wf/1", "definitionId": "registry-check",
          "nodes": [
            {"id": "start", "type": "core.start"},
            {"id": "ask", "type": "test.sample", "inputs": {"message": "Proceed?", "retryCount": 5}},
            {"id": "route", "type": "test.switch"},
            {"id": "done", "type": "test.plain"}
          ],
          "edges": [
            {"from": "start", "to": "ask"},
            {"from": "ask", "on": "Approved", "to": "route"},
            {"from": "ask", "on": "Rejected", "to": "done"},
            {"from": "route", "on": "whatever", "to": "done"}
          ]
        }
        """);

        Assert.Empty(validator.Validate(document));
    }

    [Fact]
    public void Validate_DefinitionViolatingRegisteredDescriptor_ReportsIt()
    {
        var validator = new WorkflowDefinitionValidator(ScannedRegistry());
        var document = TestDefinitions.Parse("""
        {
          "schema": "wf/1", "definitionId": "registry-check",
          "nodes": [
            {"id": "start", "type": "core.start"},
            {"id": "ask", "type": "test.sample", "inputs": {"message": "Proceed?"}},
            {"id": "done", "type": "test.plain"}
          ],
          "edges": [
            {"from": "start", "to": "ask"},
            {"from": "ask", "on": "Maybe", "to": "done"}
          ]
        }
        """);

        var problem = Assert.Single(validator.Validate(document));

        Assert.Equal("ask", problem.NodeId);
        Assert.Contains("on", problem.Field, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownActivityType_IsReported()
    {
        var validator = new WorkflowDefinitionValidator(ScannedRegistry());
        var document = TestDefinitions.Parse("""
        {
          "schema": "wf/1", "definitionId": "registry-check",
          "nodes": [
            {"id": "start", "type": "core.start"},
            {"id": "mystery", "type": "test.missing"}
          ],
          "edges": [{"from": "start", "to": "mystery"}]
        }
        """);

        var problem = Assert.Single(validator.Validate(document), p => p.Field == "type");

        Assert.Equal("mystery", problem.NodeId);
        Assert.Equal(ValidationSeverity.Error, problem.Severity);
        Assert.Contains("test.missing", problem.Message, StringComparison.Ordinal);
    }
}
