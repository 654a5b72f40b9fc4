using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Tests;

/// <summary>The definitions of the repository's <c>workflows/</c> folder, seeded into every organisation at start.</summary>
public sealed class RepositoryWorkflowsTests
{
    public static TheoryData<string> Files => [.. Directory.EnumerateFiles(Folder(), "*.json").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void Folder_HoldsTheExampleWorkflows()
    {
        Assert.Equal(["expense-approval.json", "service-deploy.json"], Files.Select(row => row.Data).Order(StringComparer.Ordinal));
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
    [MemberData(nameof(Files))]
    public void File_ValidatesAgainstTheBuiltinActivities(string file)
    {
        var registry = new ActivityTypeRegistry().AddBuiltinActivities();
        var document = TestDefinitions.Parse(File.ReadAllText(Path.Combine(Folder(), file)));
        var missing = document.Nodes.Select(n => n.Type).Distinct(StringComparer.Ordinal).Where(t => !registry.TryGet(t, out _)).ToList();
        if (missing.Count > 0)
        {
            Assert.Skip($"Built-in activity types not registered yet: {string.Join(", ", missing)}.");
        }

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
