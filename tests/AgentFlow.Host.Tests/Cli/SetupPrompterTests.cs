using AgentFlow.Host.Cli;
using Spectre.Console.Testing;

namespace AgentFlow.Host.Tests.Cli;

/// <summary>The interactive path, driven through Spectre's test console as a person at a terminal would answer.</summary>
public sealed class SetupPrompterTests : IDisposable
{
    private readonly SetupHarness _setup = new();
    private readonly TestConsole _console = new();

    public SetupPrompterTests()
    {
        _console.Interactive();
        _console.Profile.Width = 200;
    }

    public void Dispose()
    {
        _console.Dispose();
        _setup.Dispose();
    }

    [Fact]
    public async Task Setup_Interactive_AsksMissingValuesReasksMismatchedPasswordAndCompletes()
    {
        _console.Input.PushTextWithEnter("Prompted Co");
        _console.Input.PushTextWithEnter("not-an-email");
        _console.Input.PushTextWithEnter("asked@acme.test");
        _console.Input.PushTextWithEnter("first-password");
        _console.Input.PushTextWithEnter("other-password");
        _console.Input.PushTextWithEnter("final-password");
        _console.Input.PushTextWithEnter("final-password");
        _console.Input.PushTextWithEnter("Asked Person");
        _console.Input.PushKey(ConsoleKey.Enter); // database: sqlite, the first choice
        _console.Input.PushKey(ConsoleKey.Enter); // SQLite file: the default
        _console.Input.PushKey(ConsoleKey.Enter); // target: local, the first choice
        _console.Input.PushKey(ConsoleKey.Enter); // output folder: the working directory
        _console.Input.PushKey(ConsoleKey.Enter); // go ahead: yes by default

        var exitCode = await RunAsync("setup");

        Assert.True(exitCode == 0, _console.Output);
        Assert.Contains("not a valid email address", _console.Output, StringComparison.Ordinal);
        Assert.Contains("do not match", _console.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("final-password", _console.Output, StringComparison.Ordinal);
        var configuration = _setup.ConfigurationFromSetupFile();
        var owner = await SetupHarness.AuthenticateAsync(configuration, "asked@acme.test", "final-password");
        Assert.NotNull(owner);
        Assert.Equal("Asked Person", owner.Name);
        Assert.Equal("Prompted Co", await SetupHarness.OrganisationNameAsync(configuration));
    }

    [Fact]
    public async Task Setup_InteractiveWithEverythingGiven_OnlyAsksToConfirmAndCanBeDeclined()
    {
        _console.Input.PushTextWithEnter("n");

        var exitCode = await RunAsync(["setup", .. SetupHarness.Basics(), "--admin-name", "Given", "--database", "sqlite", "--sqlite-path", "db.sqlite", "--target", "local", "--output", "."]);

        Assert.Equal(1, exitCode);
        Assert.Contains("Cancelled; nothing was changed.", _console.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_setup.Directory));
    }

    [Fact]
    public async Task Setup_NonInteractiveFlagInTerminal_DoesNotPrompt()
    {
        var exitCode = await RunAsync("setup", "--non-interactive", "--company", "Acme");

        Assert.Equal(2, exitCode);
        Assert.Contains("--admin-email", _console.Output, StringComparison.Ordinal);
    }

    private Task<int> RunAsync(params string[] args)
    {
        var environment = new CliEnvironment(_console, TextWriter.Null, TextWriter.Null, CanPrompt: true, _ => null, _setup.Directory);
        return CliApp.RunAsync(args, environment, TestContext.Current.CancellationToken);
    }
}
