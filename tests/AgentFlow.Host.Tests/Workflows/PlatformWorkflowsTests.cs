using AgentFlow.Host.Tests.Infrastructure;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Validation;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows;

/// <summary>Every definition of the repository's <c>workflows/</c> folder is valid against the Host's activities (built-in and platform).</summary>
public sealed class PlatformWorkflowsTests(SqliteHostFixture host) : IClassFixture<SqliteHostFixture>
{
    public static TheoryData<string> Files => ["deploy-agent.json", "expense-approval.json", "health-recovery.json", "service-deploy.json", "tool-approval.json"];

    [Theory]
    [MemberData(nameof(Files))]
    public void RepositoryWorkflow_ValidatesAgainstTheHostsActivities(string file)
    {
        var registry = host.Services.GetRequiredService<ActivityTypeRegistry>();
        var parsed = WorkflowDefinitionSerializer.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "workflows", file)));
        Assert.True(parsed.Succeeded, string.Join("; ", parsed.Problems.Select(p => p.Message)));

        var problems = new WorkflowDefinitionValidator(registry).Validate(parsed.Document!);

        Assert.DoesNotContain(problems, p => p.Severity == ValidationSeverity.Error);
    }
}
