using System.Net.Sockets;
using AgentFlow.Engine.Persistence;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>The outcome of a connection test: what was reached (never with the password) and, if it failed, why.</summary>
internal sealed record ConnectionCheck(bool Succeeded, string Target, string? Error = null, string? Note = null);

/// <summary>
/// Proves the chosen database is usable before setup saves anything, with a short timeout, so a wrong host or
/// password fails in seconds with the server's own words instead of after a 30-second migration attempt.
/// </summary>
internal sealed class DatabaseConnectionTester(TimeSpan timeout)
{
    /// <summary>PostgreSQL's SQLSTATE for "database does not exist".</summary>
    private const string InvalidCatalogName = "3D000";

    public Task<ConnectionCheck> TestAsync(SetupAnswers answers, CancellationToken cancellationToken) =>
        answers.Database == DatabaseProvider.Postgres
            ? TestPostgresAsync(answers.PostgresConnectionString!, cancellationToken)
            : TestSqliteAsync(answers.SqliteFullPath!, cancellationToken);

    /// <summary>Describes a PostgreSQL connection string as host:port/database, leaving the credentials out.</summary>
    public static string DescribePostgres(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username ?? "(default)"}";
    }

    private async Task<ConnectionCheck> TestPostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = (int)Math.Ceiling(timeout.TotalSeconds),
            CommandTimeout = (int)Math.Ceiling(timeout.TotalSeconds),

            // A pooled test connection would stay open (and keep a fresh database busy) after setup moved on.
            Pooling = false,
        };
        var target = DescribePostgres(connectionString);
        try
        {
            await SelectOneAsync(builder.ConnectionString, cancellationToken);
            return new ConnectionCheck(true, target);
        }
        catch (PostgresException exception) when (exception.SqlState == InvalidCatalogName)
        {
            // The server and credentials work but the database is not there yet: EF Core's migrator creates it,
            // provided the user may. Prove the server side through the maintenance database instead.
            try
            {
                await SelectOneAsync(new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Database = "postgres" }.ConnectionString, cancellationToken);
                return new ConnectionCheck(true, target, Note: $"database '{builder.Database}' does not exist yet; it will be created");
            }
            catch (Exception inner) when (IsConnectionFailure(inner))
            {
                return new ConnectionCheck(false, target, exception.MessageText);
            }
        }
        catch (Exception exception) when (IsConnectionFailure(exception))
        {
            return new ConnectionCheck(false, target, Describe(exception));
        }
    }

    private static async Task SelectOneAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<ConnectionCheck> TestSqliteAsync(string file, CancellationToken cancellationToken)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var builder = new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = false };
            await using var connection = new SqliteConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);

            // Reading the schema fails on a file that exists but is not a SQLite database.
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master";
            await command.ExecuteScalarAsync(cancellationToken);
            return new ConnectionCheck(true, file);
        }
        catch (Exception exception) when (exception is SqliteException or IOException or UnauthorizedAccessException)
        {
            return new ConnectionCheck(false, file, exception.Message);
        }
    }

    private static bool IsConnectionFailure(Exception exception) =>
        exception is NpgsqlException or SocketException or TimeoutException or InvalidOperationException or ArgumentException
        || (exception is OperationCanceledException && exception.InnerException is TimeoutException);

    /// <summary>The most telling message: Npgsql wraps socket errors and timeouts, whose text says what actually happened.</summary>
    private static string Describe(Exception exception) => exception switch
    {
        PostgresException postgres => $"{postgres.MessageText} (SQLSTATE {postgres.SqlState})",
        NpgsqlException { InnerException: { } inner } => $"{exception.Message} {inner.Message}",
        _ => exception.Message,
    };
}
