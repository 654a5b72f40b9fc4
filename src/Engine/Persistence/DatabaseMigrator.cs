using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AgentFlow.Engine.Persistence;

/// <summary>Applies the provider's migrations; for SQLite, creates the file's folder and switches the file to WAL.</summary>
public sealed partial class DatabaseMigrator(AgentFlowDbContext db, ILogger<DatabaseMigrator> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        if (db.Database.IsSqlite())
        {
            var file = new SqliteConnectionStringBuilder(db.Database.GetConnectionString()).DataSource;
            if (!string.IsNullOrEmpty(file) && file != ":memory:")
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
            }
        }

        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        if (db.Database.IsSqlite())
        {
            // WAL lets readers run while one writer commits; the setting is stored in the file.
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", cancellationToken);
        }

        LogMigrated(logger, pending.Count, db.Database.ProviderName ?? "unknown");
        return pending;
    }

    public async Task<bool> CanConnectAsync(CancellationToken cancellationToken = default) => await db.Database.CanConnectAsync(cancellationToken);

    [LoggerMessage(EventId = 1001, EventName = "DatabaseMigrated", Level = LogLevel.Information, Message = "Database ready: {Count} migrations applied ({Provider})")]
    private static partial void LogMigrated(ILogger logger, int count, string provider);
}
