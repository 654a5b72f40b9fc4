using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Tests;

/// <summary>The definitions of the repository's <c>workflows/</c> folder, seeded into every organisation at start.</summary>
public sealed class RepositoryWorkflowsTests
{
    public static TheoryData<string> Files => [.. Directory.EnumerateFiles(Folder(), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    /// <summary>The files made of the runtime's built-in activities only (the platform's own are validated by the Host's tests).</summary>
    public static TheoryData<string> ExampleFiles => ["expense-approval.json", "service-deploy.json"];

    [Fact]
    public void Folder_HoldsTheExampleAndPlatformWorkflows()
    {
        Assert.Equal(["deploy-agent.json", "expense-approval.json", "health-recovery.json", "service-deploy.json", "tool-approval.json"],
            Files.Select(row => row.Data).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void File_ParsesAndIsNamedAfterItsDefinitionId(string file)
    {
        var parsed = WorkflowDefinitionSerializer.Parse(File.ReadAllText(Path.Combine(Folder(), file)));

        Assert.True(parsed.Succeeded, string.Join("; ", parsed.Problems));
        Assert.Equal(Path.GetFileNameWithoutExtension(file), parsed.Document!.DefinitionId);
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public void ExampleFile_ValidatesAgainstTheBuiltinActivities(string file)
    {
        var registry = new ActivityTypeRegistry().AddBuiltinActivities();
        var document = TestDefinitions.Parse(File.ReadAllText(Path.Combine(Folder(), file)));

        var problems = new WorkflowDefinitionValidator(registry).Validate(document);

        Assert.DoesNotContain(problems, p => p.Severity == ValidationSeverity.Error);
    }

    private static string Folder()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentFlow.sln")))
            {
                return Path.Combine(directory.FullName, "workflows");
            }
        }

        throw new InvalidOperationException("The repository root (AgentFlow.sln) is not above the test folder.");
    }
}
