namespace AgentFlow.Host.Cli.Setup;

/// <summary>
/// Where the AgentFlow source tree is, seen from a folder: the local next step is a <c>dotnet run --project</c> path
/// into it, and a Docker build needs its root as the build context.
/// </summary>
internal static class SourceTree
{
    private const string HostProject = "src/Host/AgentFlow.Host.csproj";

    /// <summary>The nearest folder at or above <paramref name="directory"/> holding the Host project, or <see langword="null"/>.</summary>
    public static string? FindRepositoryRoot(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            if (File.Exists(Path.Combine(current.FullName, HostProject)))
            {
                return current.FullName;
            }
        }

        return null;
    }

    /// <summary>The <c>--project</c> argument that starts the Host from <paramref name="directory"/>, or <see langword="null"/> outside a source tree.</summary>
    public static string? HostProjectArgument(string directory)
    {
        var root = FindRepositoryRoot(directory);
        return root is null ? null : Path.GetRelativePath(directory, Path.Combine(root, "src", "Host")).Replace('\\', '/');
    }

    /// <summary>
    /// Where setup writes by default: the working directory, which is also where <c>dotnet run</c> starts the Host and
    /// so where it looks for <c>agentflow.json</c>. Container targets need the repository root, the Docker build
    /// context, so there it is the root when the working directory is inside one.
    /// </summary>
    public static string DefaultOutput(DeploymentTarget? target, string workingDirectory) =>
        target is null or DeploymentTarget.Local ? workingDirectory : FindRepositoryRoot(workingDirectory) ?? workingDirectory;
}
