namespace AgentFlow.Host.Cli.Setup;

/// <summary>One file setup writes next to <c>agentflow.json</c> for a deployment target.</summary>
internal interface IDeploymentFileGenerator
{
    /// <summary>The file name in the output folder.</summary>
    string FileName { get; }

    /// <summary>
    /// <see langword="true"/> for files the user may well have written themselves (the Dockerfile): an existing one
    /// is kept, even with <c>--force</c>. Otherwise an existing file is only replaced with <c>--force</c>.
    /// </summary>
    bool KeepExisting { get; }

    string Generate(SetupAnswers answers);
}

/// <summary>Values every container target shares, so compose, Fly and the Dockerfile agree on them.</summary>
internal static class ContainerLayout
{
    public const int Port = 5080;
    public const string AppDirectory = "/app";
    public const string DataDirectory = "/app/data";
    public const string SqliteConnectionString = "Data Source=/app/data/agentflow.db";
    public const string HealthPath = "/health";

    /// <summary>
    /// Settings a container gets as environment variables: the database provider and the owner to create on
    /// first start. The admin password is deliberately absent; it is supplied once at deploy time instead
    /// (<c>AgentFlow__Bootstrap__AdminPassword</c>), so no generated file ever holds it.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> Settings(SetupAnswers answers)
    {
        yield return new("AgentFlow__Database__Provider", answers.Database.ToString());
        yield return new("AgentFlow__DataDirectory", DataDirectory);
        yield return new("AgentFlow__Bootstrap__CompanyName", answers.Company);
        yield return new("AgentFlow__Bootstrap__AdminEmail", answers.AdminEmail);
        if (answers.AdminName is not null)
        {
            yield return new("AgentFlow__Bootstrap__AdminName", answers.AdminName);
        }
    }
}
