using System.CommandLine;
using System.CommandLine.Invocation;
using AgentFlow.Host.Cli.Setup;

namespace AgentFlow.Host.Cli;

/// <summary>The Host's command-line verbs. Each verb is its own class; this only routes to them.</summary>
internal static class CliApp
{
    private static readonly string[] Verbs = ["migrate", "setup"];

    public static bool Handles(string firstArgument) => Verbs.Contains(firstArgument, StringComparer.OrdinalIgnoreCase);

    public static Task<int> RunAsync(string[] args) => RunAsync(args, CliEnvironment.FromProcess(), CancellationToken.None);

    public static async Task<int> RunAsync(string[] args, CliEnvironment environment, CancellationToken cancellationToken)
    {
        var root = new RootCommand("AgentFlow: run AI agents as managed employees. Without a verb, `dotnet run --project src/Host` starts the server.")
        {
            MigrateCommand.Create(),
            SetupCommand.Create(environment),
        };
        var parseResult = root.Parse(args);
        var exitCode = await parseResult.InvokeAsync(new InvocationConfiguration { Output = environment.Out, Error = environment.Error }, cancellationToken);

        // System.CommandLine answers 1 for a malformed command line; 2 is the conventional "usage error" code and
        // the one setup uses for invalid values, so scripts see one code for every kind of bad input.
        return parseResult.Action is ParseErrorAction ? ExitCodes.InvalidInput : exitCode;
    }
}
