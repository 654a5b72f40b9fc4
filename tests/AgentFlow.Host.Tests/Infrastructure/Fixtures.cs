using AgentFlow.Engine.Persistence;
using Npgsql;

namespace AgentFlow.Host.Tests.Infrastructure;

/// <summary>The Host on a real SQLite file in a temporary folder.</summary>
public class SqliteHostFixture : AgentFlowHostFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Sqlite;

    protected override Task<string> CreateDatabaseAsync() =>
        Task.FromResult($"Data Source={Path.Combine(DataDirectory, "agentflow.db")}");
}

/// <summary>
/// The Host on a fresh database of the PostgreSQL server named by <c>AGENTFLOW_TEST_POSTGRES</c> (a connection
/// string without a database, e.g. <c>Host=127.0.0.1;Username=postgres;Password=postgres</c>). The test script
/// starts a server and sets it; without one, the tests using this fixture are reported as skipped.
/// </summary>
public class PostgresHostFixture : AgentFlowHostFixture
{
    public const string ServerVariable = "AGENTFLOW_TEST_POSTGRES";

    private string? _serverConnectionString;
    private string? _databaseName;

    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override async Task<string> CreateDatabaseAsync()
    {
        _serverConnectionString = Environment.GetEnvironmentVariable(ServerVariable);
        if (string.IsNullOrWhiteSpace(_serverConnectionString))
        {
            throw new DatabaseUnavailableException($"PostgreSQL tests need a server: set {ServerVariable} (eng/test.sh does).");
        }

        _databaseName = "agentflow_test_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var connection = new NpgsqlConnection(_serverConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{_databaseName}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException exception)
        {
            throw new DatabaseUnavailableException($"PostgreSQL server from {ServerVariable} is not reachable: {exception.Message}");
        }

        return new NpgsqlConnectionStringBuilder(_serverConnectionString) { Database = _databaseName }.ToString();
    }

    protected override async Task DropDatabaseAsync()
    {
        if (_databaseName is null || _serverConnectionString is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}
