using AgentFlow.Engine.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AgentFlow.Engine.Tests.Infrastructure;

/// <summary>The Engine on a real SQLite file in a folder of its own under the temp directory.</summary>
public class SqliteEngineFixture : EngineFixture
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "agentflow-engine-tests", Guid.NewGuid().ToString("N"));

    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string DatabaseFile => Path.Combine(_directory, "agentflow.db");

    /// <summary>A fixture of its own for one test that needs a database nobody else has touched.</summary>
    public static async Task<SqliteEngineFixture> StartAsync()
    {
        var fixture = new SqliteEngineFixture();
        await fixture.InitializeAsync();
        return fixture;
    }

    protected override Task<string> CreateDatabaseAsync() =>
        Task.FromResult(new SqliteConnectionStringBuilder { DataSource = DatabaseFile }.ToString());

    protected override Task DropDatabaseAsync()
    {
        // Pooled connections keep the file open; release them before deleting the folder.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// The Engine on a fresh database of the PostgreSQL server named by <c>AGENTFLOW_TEST_POSTGRES</c> (a connection
/// string without a database, e.g. <c>Host=127.0.0.1;Username=postgres;Password=postgres</c>), dropped at the
/// end. Without the variable, tests using this fixture are reported as skipped.
/// </summary>
public class PostgresEngineFixture : EngineFixture
{
    public const string ServerVariable = "AGENTFLOW_TEST_POSTGRES";

    private string? _serverConnectionString;
    private string? _databaseName;

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    /// <summary>Creates an empty database on the test server and answers its connection string.</summary>
    /// <exception cref="DatabaseUnavailableException">No server is configured or it cannot be reached.</exception>
    public static async Task<(string ServerConnectionString, string DatabaseName)> CreateEmptyDatabaseAsync()
    {
        var server = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            throw new DatabaseUnavailableException($"PostgreSQL tests need a server: set {ServerVariable} (e.g. \"Host=127.0.0.1;Username=postgres;Password=postgres\").");
        }

        var name = "agentflow_engine_test_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException exception)
        {
            throw new DatabaseUnavailableException($"PostgreSQL server from {ServerVariable} is not reachable: {exception.Message}");
        }

        return (server, name);
    }

    public static async Task DropDatabaseAsync(string serverConnectionString, string databaseName)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{databaseName}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    protected override async Task<string> CreateDatabaseAsync()
    {
        (_serverConnectionString, _databaseName) = await CreateEmptyDatabaseAsync();
        return new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = _databaseName }.ToString();
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_serverConnectionString is not null && _databaseName is not null)
        {
            await DropDatabaseAsync(_serverConnectionString, _databaseName);
        }
    }
}
