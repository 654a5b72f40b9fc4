namespace AgentFlow.Host.Cli.Setup;

/// <summary>
/// Where the AgentFlow source tree is, seen from a folder. Matters because <c>dotnet run</c> starts the Host with its
/// project folder as working directory (the Web SDK's RunWorkingDirectory), and a Docker build needs the repository root.
/// </summary>
internal static class SourceTree
{
    public const string HostProjectFileName = "AgentFlow.Host.csproj";
    private const string HostProject = "src/Host/AgentFlow.Host/" + HostProjectFileName;

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

    /// <summary>The Host's project folder: what <c>dotnet run --project</c> uses as the working directory.</summary>
    public static bool IsHostProjectDirectory(string directory) => File.Exists(Path.Combine(directory, HostProjectFileName));

    /// <summary>
    /// The <c>--project</c> argument that starts the Host, relative to the repository root: <c>src/Host</c> once that
    /// folder holds a project to run, else the project folder itself.
    /// </summary>
    public static string HostProjectArgument(string repositoryRoot)
    {
        var host = Path.Combine(repositoryRoot, "src", "Host");
        return Directory.Exists(host) && Directory.EnumerateFiles(host, "*.csproj").Any() ? "src/Host" : "src/Host/AgentFlow.Host";
    }

    /// <summary>
    /// Where setup writes by default. Locally that is the working directory: under <c>dotnet run</c> it is the Host's
    /// project folder, exactly where the Host started the same way looks for <c>agentflow.json</c>. Container targets
    /// need the repository root instead, the Docker build context, when the working directory is inside one.
    /// </summary>
    public static string DefaultOutput(DeploymentTarget? target, string workingDirectory) =>
        target is null or DeploymentTarget.Local ? workingDirectory : FindRepositoryRoot(workingDirectory) ?? workingDirectory;
}
