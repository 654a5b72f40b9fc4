using System.Text.Json;
using AgentFlow.Host.Tests.Infrastructure;
using Npgsql;

namespace AgentFlow.Host.Tests.Cli;

/// <summary>
/// <c>setup</c> against the PostgreSQL server named by <c>AGENTFLOW_TEST_POSTGRES</c>, each test on a database of its
/// own that setup itself creates (the server is reachable, the database not yet there). Skipped without a server.
/// </summary>
public sealed class SetupPostgresTests : IAsyncLifetime
{
    private readonly SetupHarness _setup = new();
    private readonly string _databaseName = "agentflow_setup_" + Guid.NewGuid().ToString("N")[..16];
    private string? _server;

    private string ConnectionString => new NpgsqlConnectionStringBuilder(_server) { Database = _databaseName }.ToString();

    public ValueTask InitializeAsync()
    {
        _server = Environment.GetEnvironmentVariable(PostgresHostFixture.ServerVariable);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _setup.Dispose();
        if (string.IsNullOrWhiteSpace(_server))
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    [Fact]
    public async Task Setup_Postgres_CreatesDatabaseMigratesAndCreatesOwner()
    {
        SkipWithoutServer();

        var run = await _setup.SetupAsync([.. SetupHarness.Basics("Pg Corp", "pg@acme.test"), "--connection-string", ConnectionString]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("does not exist yet", run.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(_setup.Read("agentflow.json"));
        Assert.Equal("Postgres", json.RootElement.GetProperty("AgentFlow").GetProperty("Database").GetProperty("Provider").GetString());
        Assert.Equal(ConnectionString, json.RootElement.GetProperty("ConnectionStrings").GetProperty("AgentFlow").GetString());
        var configuration = _setup.ConfigurationFromSetupFile();
        Assert.NotNull(await SetupHarness.AuthenticateAsync(configuration, "pg@acme.test", SetupHarness.Password));
        Assert.Equal("Pg Corp", await SetupHarness.OrganisationNameAsync(configuration));
        Assert.False(File.Exists(_setup.PathOf("data/agentflow.db")), "a PostgreSQL setup must not create a SQLite file");
    }

    [Fact]
    public async Task Setup_PostgresTwice_SecondRunSkipsOwnerCreation()
    {
        SkipWithoutServer();
        var first = await _setup.SetupAsync([.. SetupHarness.Basics("Pg Corp", "pg@acme.test"), "--connection-string", ConnectionString]);
        Assert.True(first.ExitCode == 0, first.ToString());

        var second = await _setup.SetupAsync([.. SetupHarness.Basics("Other", "other@acme.test"), "--connection-string", ConnectionString, "--force"]);

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("already has users", second.Output, StringComparison.Ordinal);
        Assert.Null(await SetupHarness.AuthenticateAsync(_setup.ConfigurationFromSetupFile(), "other@acme.test", SetupHarness.Password));
    }

    [Fact]
    public async Task Setup_PostgresDockerTarget_AddsPostgresServiceTheAppWaitsFor()
    {
        SkipWithoutServer();

        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--connection-string", ConnectionString, "--target", "docker"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var compose = SetupDeploymentFilesTests.Yaml(_setup.Read("docker-compose.yml"));
        var services = SetupDeploymentFilesTests.Map(compose["services"]);
        var postgres = SetupDeploymentFilesTests.Map(services["postgres"]);
        Assert.Equal("postgres:15", postgres["image"]);
        Assert.Contains("postgres-data:/var/lib/postgresql/data", SetupDeploymentFilesTests.List(postgres["volumes"]));
        var healthcheck = SetupDeploymentFilesTests.Map(postgres["healthcheck"]);
        Assert.Contains(SetupDeploymentFilesTests.List(healthcheck["test"]), t => ((string)t).Contains("pg_isready", StringComparison.Ordinal));
        var postgresPassword = (string)SetupDeploymentFilesTests.Map(postgres["environment"])["POSTGRES_PASSWORD"];

        var agentflow = SetupDeploymentFilesTests.Map(services["agentflow"]);
        var environment = SetupDeploymentFilesTests.Map(agentflow["environment"]);
        Assert.Equal("Postgres", environment["AgentFlow__Database__Provider"]);
        var appConnection = new NpgsqlConnectionStringBuilder((string)environment["ConnectionStrings__AgentFlow"]);
        Assert.Equal("postgres", appConnection.Host);
        Assert.Equal(postgresPassword, appConnection.Password);
        Assert.Equal("service_healthy", SetupDeploymentFilesTests.Map(SetupDeploymentFilesTests.Map(agentflow["depends_on"])["postgres"])["condition"]);
        Assert.True(SetupDeploymentFilesTests.Map(compose["volumes"]).ContainsKey("postgres-data"));
    }

    [Fact]
    public async Task Setup_PostgresDockerTargetRerunWithForce_KeepsTheComposeDatabasePassword()
    {
        SkipWithoutServer();
        var first = await _setup.SetupAsync([.. SetupHarness.Basics(), "--connection-string", ConnectionString, "--target", "docker"]);
        Assert.True(first.ExitCode == 0, first.ToString());
        var before = _setup.Read("docker-compose.yml");

        var second = await _setup.SetupAsync([.. SetupHarness.Basics(), "--connection-string", ConnectionString, "--target", "docker", "--force"]);

        Assert.True(second.ExitCode == 0, second.ToString());

        // PostgreSQL reads POSTGRES_PASSWORD only when its volume is created: a new one would lock the app out.
        Assert.Equal(before, _setup.Read("docker-compose.yml"));
    }

    private void SkipWithoutServer()
    {
        if (string.IsNullOrWhiteSpace(_server))
        {
            Assert.Skip($"PostgreSQL setup tests need a server: set {PostgresHostFixture.ServerVariable}.");
        }
    }
}
