using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace AgentFlow.Workflows.Persistence;

/// <summary>Applies the workflow model's migrations (history in <see cref="WorkflowDbContext.MigrationsHistoryTable"/>).</summary>
public sealed partial class WorkflowDatabaseMigrator(IDbContextFactory<WorkflowDbContext> contexts, ILogger<WorkflowDatabaseMigrator> logger)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var pending = (await db.Database.GetPendingMigrationsAsync(cancellationToken)).ToList();
        await db.Database.MigrateAsync(cancellationToken);
        LogMigrated(logger, pending.Count);
        return pending;
    }

    [LoggerMessage(EventId = 3001, EventName = "WorkflowDatabaseMigrated", Level = LogLevel.Information, Message = "Workflow tables ready: {Count} migrations applied")]
    private static partial void LogMigrated(ILogger logger, int count);
}
