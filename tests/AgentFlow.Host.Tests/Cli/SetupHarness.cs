using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spectre.Console;

namespace AgentFlow.Host.Tests.Cli;

/// <summary>The result of one in-process run of the CLI: its exit code and everything it printed.</summary>
internal sealed record CliRun(int ExitCode, string Output)
{
    public override string ToString() => $"exit {ExitCode}:\n{Output}";
}

/// <summary>
/// Runs <c>setup</c> in-process against a fresh temporary folder (the working directory and default output), with a
/// plain non-interactive console captured to a string and an environment of the test's own, so tests run in parallel.
/// </summary>
internal sealed class SetupHarness : IDisposable
{
    public const string Password = "correct-horse-battery";

    public string Directory { get; } = System.IO.Directory.CreateDirectory(
        Path.Combine(Path.GetTempPath(), "agentflow-setup-tests", Guid.NewGuid().ToString("N"))).FullName;

    public Dictionary<string, string> Variables { get; } = new(StringComparer.Ordinal);

    /// <summary>The working directory setup sees; <see cref="Directory"/> unless a test moves it.</summary>
    public string WorkingDirectory { get; set; }

    public SetupHarness() => WorkingDirectory = Directory;

    public string PathOf(string fileName) => Path.Combine(Directory, fileName);

    public string Read(string fileName) => File.ReadAllText(PathOf(fileName));

    /// <summary>Runs <c>setup --non-interactive</c> with the given options.</summary>
    public Task<CliRun> SetupAsync(params string[] options) => RunAsync(["setup", "--non-interactive", .. options]);

    /// <summary>The options every valid run needs; tests add or replace what they are about.</summary>
    public static string[] Basics(string company = "Acme", string email = "owner@acme.test") =>
        ["--company", company, "--admin-email", email, "--admin-password", Password];

    public async Task<CliRun> RunAsync(string[] args)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });
        console.Profile.Width = 400;
        var environment = new CliEnvironment(console, output, output, CanPrompt: false, name => Variables.GetValueOrDefault(name), WorkingDirectory);
        var exitCode = await CliApp.RunAsync(args, environment, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString());
    }

    /// <summary>
    /// The settings of the written <c>agentflow.json</c>, with a relative SQLite path resolved against the output
    /// folder: the Host resolves it against its working directory, and a test cannot change the process's.
    /// </summary>
    public IConfiguration ConfigurationFromSetupFile()
    {
        var file = new ConfigurationBuilder().SetBasePath(Directory).AddJsonFile("agentflow.json").Build();
        var settings = file.AsEnumerable().ToDictionary(p => p.Key, p => p.Value);
        if (file["AgentFlow:Database:Provider"] == nameof(DatabaseProvider.Sqlite))
        {
            var builder = new SqliteConnectionStringBuilder(file.GetConnectionString("AgentFlow"));
            builder.DataSource = Path.GetFullPath(builder.DataSource, Directory);
            settings["ConnectionStrings:AgentFlow"] = builder.ToString();
            settings["AgentFlow:DataDirectory"] = Path.GetFullPath(file["AgentFlow:DataDirectory"]!, Directory);
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    /// <summary>A fresh Engine over the database a configuration names, as the Host would build it.</summary>
    public static ServiceProvider Engine(IConfiguration configuration)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAgentFlowEngine(configuration);
        return services.BuildServiceProvider();
    }

    /// <summary>Signs in through the Engine's own authenticator; <see langword="null"/> when the credentials are refused.</summary>
    public static async Task<User?> AuthenticateAsync(IConfiguration configuration, string email, string password)
    {
        await using var engine = Engine(configuration);
        await using var scope = engine.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<UserAuthenticator>().AuthenticateAsync(email, password, TestContext.Current.CancellationToken);
    }

    /// <summary>Name of the default organisation, which setup names after the company.</summary>
    public static async Task<string> OrganisationNameAsync(IConfiguration configuration)
    {
        await using var engine = Engine(configuration);
        await using var scope = engine.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        var org = await db.Organizations.SingleAsync(o => o.Id == Organization.DefaultId, TestContext.Current.CancellationToken);
        return org.Name;
    }

    public void Dispose()
    {
        // Pooled SQLite connections keep the files open; release them so the folder can go.
        SqliteConnection.ClearAllPools();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless; failing the test over it would hide the real result.
        }
    }
}
