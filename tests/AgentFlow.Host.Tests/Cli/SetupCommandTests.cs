using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace AgentFlow.Host.Tests.Cli;

/// <summary><c>setup</c> on SQLite: the database, the owner, <c>agentflow.json</c>, and how bad input is refused.</summary>
public sealed class SetupCommandTests : IDisposable
{
    private readonly SetupHarness _setup = new();

    public void Dispose() => _setup.Dispose();

    [Fact]
    public async Task Setup_Sqlite_CreatesDatabaseWithOwnerWhoCanSignIn()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics("Acme Robotics", "Owner@Acme.test"), "--admin-name", "Olive Owner"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(_setup.PathOf("data/agentflow.db")), run.ToString());
        var configuration = _setup.ConfigurationFromSetupFile();
        var owner = await SetupHarness.AuthenticateAsync(configuration, "owner@acme.test", SetupHarness.Password);
        Assert.NotNull(owner);
        Assert.Equal("Olive Owner", owner.Name);
        Assert.Equal(Engine.Identity.UserRole.Owner, owner.Role);
        Assert.Equal("Acme Robotics", await SetupHarness.OrganisationNameAsync(configuration));
        Assert.Null(await SetupHarness.AuthenticateAsync(configuration, "owner@acme.test", "wrong-password-1"));
    }

    [Fact]
    public async Task Setup_Sqlite_WritesConfigurationWithProviderAndConnectionStringButNoPassword()
    {
        var run = await _setup.SetupAsync(SetupHarness.Basics());

        Assert.True(run.ExitCode == 0, run.ToString());
        var text = _setup.Read("agentflow.json");
        using var json = JsonDocument.Parse(text);
        var agentFlow = json.RootElement.GetProperty("AgentFlow");
        Assert.Equal("Sqlite", agentFlow.GetProperty("Database").GetProperty("Provider").GetString());
        Assert.Equal("./data", agentFlow.GetProperty("DataDirectory").GetString());
        var connectionString = json.RootElement.GetProperty("ConnectionStrings").GetProperty("AgentFlow").GetString();
        Assert.Equal("./data/agentflow.db", new SqliteConnectionStringBuilder(connectionString).DataSource);
        Assert.DoesNotContain(SetupHarness.Password, text, StringComparison.Ordinal);
        Assert.DoesNotContain("Bootstrap", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_CustomSqlitePathAndOutput_PutsDatabaseUnderOutputFolder()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--output", "site", "--sqlite-path", "db/main.db"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(_setup.PathOf("site/db/main.db")), run.ToString());
        using var json = JsonDocument.Parse(_setup.Read("site/agentflow.json"));
        Assert.Equal("db", json.RootElement.GetProperty("AgentFlow").GetProperty("DataDirectory").GetString());
        Assert.False(File.Exists(_setup.PathOf("agentflow.json")), "nothing belongs in the working directory when --output is given");
        Assert.Contains($"cd \"{_setup.PathOf("site")}\"", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_LocalTargetOutsideSourceTree_SummaryNamesEmailFilesAndHowToStart()
    {
        var run = await _setup.SetupAsync(SetupHarness.Basics(email: "boss@acme.test"));

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("boss@acme.test", run.Output, StringComparison.Ordinal);
        Assert.Contains(_setup.PathOf("agentflow.json"), run.Output, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project <AgentFlow checkout>/src/Host", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(SetupHarness.Password, run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_setup.PathOf("Dockerfile")), "a local setup writes no deployment files");
    }

    [Fact]
    public async Task Setup_LocalTargetAtRepositoryRoot_WritesThereAndSuggestsDotnetRunProjectSrcHost()
    {
        // `dotnet run` keeps the caller's working directory: run from the root, the Host finds agentflow.json there.
        FakeSourceTree();

        var run = await _setup.SetupAsync(SetupHarness.Basics());

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(_setup.PathOf("agentflow.json")), run.ToString());
        Assert.Contains("dotnet run --project src/Host", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("cd \"", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_LocalTargetWithOutputElsewhere_SaysToStartFromThere()
    {
        FakeSourceTree();

        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--output", "deploy/site"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains($"cd \"{_setup.PathOf("deploy/site")}\"", run.Output, StringComparison.Ordinal);
        Assert.Contains("dotnet run --project ../../src/Host", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_DockerTargetFromSubfolder_WritesToRepositoryRootByDefault()
    {
        FakeSourceTree();
        _setup.WorkingDirectory = _setup.PathOf("src/Host");

        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--target", "docker"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.True(File.Exists(_setup.PathOf("docker-compose.yml")), run.ToString());
        Assert.True(File.Exists(_setup.PathOf("Dockerfile")));
        Assert.True(File.Exists(_setup.PathOf("agentflow.json")));
        Assert.False(File.Exists(_setup.PathOf("src/Host/agentflow.json")));
        Assert.DoesNotContain("should be the repository root", run.Output, StringComparison.Ordinal);
    }

    /// <summary>Makes the test folder look like the repository root (it holds the Host project file).</summary>
    private void FakeSourceTree()
    {
        Directory.CreateDirectory(_setup.PathOf("src/Host"));
        File.WriteAllText(_setup.PathOf("src/Host/AgentFlow.Host.csproj"), "<Project />");
    }

    [Fact]
    public async Task Setup_PasswordFromEnvironmentVariable_IsUsedForTheOwner()
    {
        _setup.Variables["AGENTFLOW_SETUP_ADMIN_PASSWORD"] = "from-the-environment";

        var run = await _setup.SetupAsync("--company", "Acme", "--admin-email", "env@acme.test");

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.NotNull(await SetupHarness.AuthenticateAsync(_setup.ConfigurationFromSetupFile(), "env@acme.test", "from-the-environment"));
    }

    [Fact]
    public async Task Setup_NonInteractiveWithMissingValues_ExitsTwoNamingThemAndWritesNothing()
    {
        var run = await _setup.SetupAsync("--database", "postgres");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--company", run.Output, StringComparison.Ordinal);
        Assert.Contains("--admin-email", run.Output, StringComparison.Ordinal);
        Assert.Contains("--admin-password", run.Output, StringComparison.Ordinal);
        Assert.Contains("AGENTFLOW_SETUP_ADMIN_PASSWORD", run.Output, StringComparison.Ordinal);
        Assert.Contains("--connection-string", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_setup.Directory));
    }

    [Fact]
    public async Task Setup_InvalidValues_ExitsTwoListingEveryProblemAndWritesNothing()
    {
        var run = await _setup.SetupAsync(
            "--company", "Acme", "--admin-email", "not-an-email", "--admin-password", "short",
            "--target", "heroku", "--database", "mysql", "--domain", "https://x.example.com/");

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--admin-email 'not-an-email'", run.Output, StringComparison.Ordinal);
        Assert.Contains("--admin-password must be 8 to 128 characters", run.Output, StringComparison.Ordinal);
        Assert.Contains("--target must be one of: local, docker, fly, railway", run.Output, StringComparison.Ordinal);
        Assert.Contains("--database must be one of: sqlite, postgres", run.Output, StringComparison.Ordinal);
        Assert.Contains("--domain", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_setup.Directory));
    }

    [Fact]
    public async Task Setup_PasswordLongerThan128_ExitsTwo()
    {
        var run = await _setup.SetupAsync("--company", "Acme", "--admin-email", "o@acme.test", "--admin-password", new string('p', 129));

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--admin-password", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_UnknownOption_ExitsTwo()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--colour", "blue"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--colour", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_setup.Directory));
    }

    [Fact]
    public async Task Setup_SqlitePathWithPostgres_ExitsTwo()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--connection-string", "Host=localhost;Database=x", "--sqlite-path", "x.db"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--sqlite-path is for --database sqlite", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_UnreachablePostgres_ExitsOneReportsTargetWithoutPasswordAndWritesNothing()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--connection-string", "Host=127.0.0.1;Port=1;Database=agentflow;Username=u;Password=s3cret-pw", "--target", "docker"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("127.0.0.1:1/agentflow", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pw", run.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_setup.Directory));
    }

    [Fact]
    public async Task Setup_MalformedConnectionString_ExitsTwo()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--connection-string", "Hots=localhost;Nonsense"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--connection-string", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_FileThatIsNotSqlite_ExitsOneWithoutWritingConfiguration()
    {
        Directory.CreateDirectory(_setup.PathOf("data"));
        await File.WriteAllTextAsync(_setup.PathOf("data/agentflow.db"), "this is not a database, just text that is long enough to have a header", TestContext.Current.CancellationToken);

        var run = await _setup.SetupAsync(SetupHarness.Basics());

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("✗", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(_setup.PathOf("agentflow.json")), run.ToString());
    }

    [Fact]
    public async Task Setup_OutputFolderCannotBeCreated_ExitsOneWithoutConfiguration()
    {
        await File.WriteAllTextAsync(_setup.PathOf("a-file"), "", TestContext.Current.CancellationToken);

        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--output", "a-file/site"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("✗", run.Output, StringComparison.Ordinal);
        Assert.Equal(["a-file"], Directory.EnumerateFileSystemEntries(_setup.Directory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Setup_ExistingConfigurationWithoutForce_RefusesNamingTheFileAndChangesNothing()
    {
        await File.WriteAllTextAsync(_setup.PathOf("agentflow.json"), "{ \"mine\": true }", TestContext.Current.CancellationToken);

        var run = await _setup.SetupAsync(SetupHarness.Basics());

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(_setup.PathOf("agentflow.json"), run.Output, StringComparison.Ordinal);
        Assert.Contains("--force", run.Output, StringComparison.Ordinal);
        Assert.Equal("{ \"mine\": true }", _setup.Read("agentflow.json"));
        Assert.False(Directory.Exists(_setup.PathOf("data")), "the database must not be touched when files are refused");
    }

    [Fact]
    public async Task Setup_ExistingConfigurationWithForce_ReplacesIt()
    {
        await File.WriteAllTextAsync(_setup.PathOf("agentflow.json"), "{ \"mine\": true }", TestContext.Current.CancellationToken);

        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--force"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var json = JsonDocument.Parse(_setup.Read("agentflow.json"));
        Assert.False(json.RootElement.TryGetProperty("mine", out _));
        Assert.Equal("Sqlite", json.RootElement.GetProperty("AgentFlow").GetProperty("Database").GetProperty("Provider").GetString());
    }

    [Fact]
    public async Task Setup_RunTwiceOnSameDatabase_SecondRunKeepsFirstOwnerAndSucceeds()
    {
        var first = await _setup.SetupAsync(SetupHarness.Basics("First Co", "first@acme.test"));
        Assert.True(first.ExitCode == 0, first.ToString());

        var second = await _setup.SetupAsync([.. SetupHarness.Basics("Second Co", "second@acme.test"), "--force"]);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("already has users", second.Output, StringComparison.Ordinal);
        Assert.Contains("Database schema is up to date", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("sign in as second@acme.test", second.Output, StringComparison.Ordinal);
        var configuration = _setup.ConfigurationFromSetupFile();
        Assert.NotNull(await SetupHarness.AuthenticateAsync(configuration, "first@acme.test", SetupHarness.Password));
        Assert.Null(await SetupHarness.AuthenticateAsync(configuration, "second@acme.test", SetupHarness.Password));
        Assert.Equal("First Co", await SetupHarness.OrganisationNameAsync(configuration));
    }

    [Fact]
    public async Task SetupHelp_ListsEveryOption()
    {
        var run = await _setup.RunAsync(["setup", "--help"]);

        Assert.Equal(0, run.ExitCode);
        foreach (var option in new[] { "--company", "--admin-email", "--admin-password", "--admin-name", "--database", "--sqlite-path", "--connection-string", "--target", "--domain", "--output", "--non-interactive", "--force", "AGENTFLOW_SETUP_ADMIN_PASSWORD" })
        {
            Assert.Contains(option, run.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void CliApp_HandlesSetupVerb()
    {
        Assert.True(Host.Cli.CliApp.Handles("setup"));
        Assert.True(Host.Cli.CliApp.Handles("migrate"));
        Assert.False(Host.Cli.CliApp.Handles("--urls"));
    }
}
