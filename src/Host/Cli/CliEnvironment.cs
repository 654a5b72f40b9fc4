using Spectre.Console;

namespace AgentFlow.Host.Cli;

/// <summary>
/// What a verb needs from the outside world: a console to talk to, whether someone can answer prompts, the
/// environment variables and the working directory. Verbs get it passed in instead of reading statics, so tests
/// run them in-process and in parallel without touching the real console or the process environment.
/// </summary>
/// <param name="Console">Where progress, prompts and results go.</param>
/// <param name="Out">Where System.CommandLine writes help.</param>
/// <param name="Error">Where System.CommandLine writes parse errors.</param>
/// <param name="CanPrompt">A person is at a terminal (stdin is not redirected and the console is interactive).</param>
/// <param name="GetVariable">Reads an environment variable.</param>
/// <param name="WorkingDirectory">The directory relative paths are resolved against.</param>
internal sealed record CliEnvironment(
    IAnsiConsole Console,
    TextWriter Out,
    TextWriter Error,
    bool CanPrompt,
    Func<string, string?> GetVariable,
    string WorkingDirectory)
{
    /// <summary>Widest line when output goes to a file or CI log, which has no width of its own.</summary>
    private const int RedirectedWidth = 160;

    public static CliEnvironment FromProcess()
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings());
        if (System.Console.IsOutputRedirected)
        {
            // Spectre assumes 80 columns without a terminal and would wrap paths and commands mid-word in logs.
            console.Profile.Width = RedirectedWidth;
        }

        return new CliEnvironment(
            console,
            System.Console.Out,
            System.Console.Error,
            !System.Console.IsInputRedirected && console.Profile.Capabilities.Interactive,
            Environment.GetEnvironmentVariable,
            Environment.CurrentDirectory);
    }
}

/// <summary>Exit codes shared by the verbs, so scripts can tell bad input from a failed step.</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>A step failed (database unreachable, migration error, file not writable) or the user cancelled.</summary>
    public const int Failed = 1;

    /// <summary>The command line or an answer was invalid; nothing was changed.</summary>
    public const int InvalidInput = 2;

    /// <summary>Interrupted with Ctrl+C (128 + SIGINT, what shells report).</summary>
    public const int Cancelled = 130;
}
