using System.CommandLine;

namespace AgentFlow.Host.Cli;

/// <summary>The Host's command-line verbs. Each verb is its own class; this only routes to them.</summary>
internal static class CliApp
{
    private static readonly string[] Verbs = ["migrate"];

    public static bool Handles(string firstArgument) => Verbs.Contains(firstArgument, StringComparer.OrdinalIgnoreCase);

    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("AgentFlow: run AI agents as managed employees. Without a verb, `dotnet run --project src/Host` starts the server.")
        {
            MigrateCommand.Create(),
        };
        return await root.Parse(args).InvokeAsync();
    }
}
