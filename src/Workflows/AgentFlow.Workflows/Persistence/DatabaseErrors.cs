using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace AgentFlow.Workflows.Persistence;

/// <summary>Classifies provider errors the workflow code turns into outcomes (a duplicate, a lost race), on either provider.</summary>
internal static class DatabaseErrors
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int SqliteUnique = 2067;
    private const int SqlitePrimaryKey = 1555;
    private const int SqliteForeignKey = 787;

    /// <summary>A unique index or primary key refused the row: the key (an idempotency key, a version) was already used.</summary>
    public static bool IsUniqueViolation(Exception exception) => Cause(exception) switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.UniqueViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode is SqliteUnique or SqlitePrimaryKey,
        _ => false,
    };

    /// <summary>A concurrent writer won: a unique violation, a deadlock, a serialisation failure or a busy database.</summary>
    public static bool IsConcurrencyFailure(Exception exception) =>
        IsUniqueViolation(exception) || Cause(exception) switch
        {
            PostgresException pg => pg.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure,
            SqliteException sqlite => sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked,
            _ => false,
        };

    public static bool IsForeignKeyViolation(Exception exception) => Cause(exception) switch
    {
        PostgresException pg => pg.SqlState == PostgresErrorCodes.ForeignKeyViolation,
        SqliteException sqlite => sqlite.SqliteExtendedErrorCode == SqliteForeignKey,
        _ => false,
    };

    private static Exception Cause(Exception exception) =>
        exception is DbUpdateException { InnerException: { } cause } ? cause : exception;
}
