using Npgsql;

namespace AgentFlow.LoadTests;

/// <summary>
/// A database of the benchmark's own: a SQLite file in a temporary folder, or a fresh PostgreSQL database
/// created on the given server and dropped again on dispose.
/// </summary>
internal sealed class BenchmarkDatabase : IAsyncDisposable
{
    public const string PostgresServerVariable = "AGENTFLOW_TEST_POSTGRES";

    private readonly string? _serverConnectionString;
    private readonly string? _postgresDatabase;

    private BenchmarkDatabase(DatabaseKind kind, string connectionString, string? serverConnectionString, string? postgresDatabase)
    {
        Kind = kind;
        ConnectionString = connectionString;
        _serverConnectionString = serverConnectionString;
        _postgresDatabase = postgresDatabase;
    }

    public DatabaseKind Kind { get; }

    /// <summary>What the Host gets as <c>ConnectionStrings__AgentFlow</c>.</summary>
    public string ConnectionString { get; }

    /// <summary>The value of <c>AgentFlow__Database__Provider</c>.</summary>
    public string ProviderName => Kind == DatabaseKind.Postgres ? "Postgres" : "Sqlite";

    public string Description => Kind == DatabaseKind.Postgres ? $"PostgreSQL database {_postgresDatabase}" : $"SQLite file {ConnectionString["Data Source=".Length..]}";

    public static async Task<BenchmarkDatabase> CreateAsync(DatabaseKind kind, string workDirectory, string? postgresServer, CancellationToken cancellationToken)
    {
        if (kind == DatabaseKind.Sqlite)
        {
            return new BenchmarkDatabase(kind, $"Data Source={Path.Combine(workDirectory, "agentflow.db")}", null, null);
        }

        var name = "agentflow_bench_" + Guid.NewGuid().ToString("N")[..16];
        await using (var connection = new NpgsqlConnection(postgresServer))
        {
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        var connectionString = new NpgsqlConnectionStringBuilder(postgresServer) { Database = name }.ToString();
        return new BenchmarkDatabase(kind, connectionString, postgresServer, name);
    }

    /// <summary>
    /// After seeding: on PostgreSQL, <c>VACUUM ANALYZE</c>, i.e. the state autovacuum reaches within a minute or so in a
    /// running deployment. Without it the planner still believes the tables are empty, and autovacuum may change the plans
    /// in the middle of a measurement. SQLite needs nothing: nothing runs ANALYZE on it in a deployment either.
    /// </summary>
    public async Task SettleAsync(CancellationToken cancellationToken)
    {
        if (_postgresDatabase is null)
        {
            return;
        }

        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 300 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Drops the PostgreSQL database (even with the Host's connections still open); the SQLite file goes with its folder.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_postgresDatabase is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_postgresDatabase}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }
}

internal enum DatabaseKind
{
    Sqlite,
    Postgres,
}
