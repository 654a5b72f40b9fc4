using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// The durable work queue (the work_items table). Claiming is one statement: PostgreSQL skips rows other nodes have locked
/// (<c>FOR UPDATE SKIP LOCKED</c>); SQLite has a single writer, so its statement is atomic on its own.
/// </summary>
public sealed class WorkItemStore(IDbContextFactory<WorkflowDbContext> contexts, WorkflowNode node, InstanceLeases leases, TimeProvider clock, IOptions<WorkflowRuntimeOptions> options)
{
    private readonly WorkflowRuntimeOptions _options = options.Value;

    /// <summary>Adds an item unless one with the same idempotency key exists; false for a duplicate.</summary>
    public static async Task<bool> TryAddAsync(WorkflowDbContext db, WorkItemRecord item, CancellationToken cancellationToken)
    {
        if (await db.WorkItems.AnyAsync(w => w.IdempotencyKey == item.IdempotencyKey, cancellationToken))
        {
            return false;
        }

        db.WorkItems.Add(item);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // Another request inserted the same key between the check and the insert (it may even have been
            // applied and deleted since): either way this one is a duplicate.
            db.Entry(item).State = EntityState.Detached;
            return false;
        }
    }

    public async Task<IReadOnlyList<WorkItemRecord>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var lockedUntil = now + _options.WorkItemLockDuration;
        var skipLocked = db.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "";
        var sql = $$"""
            UPDATE workflow_work_items SET "LockedBy" = {0}, "LockedUntil" = {1}, "Attempts" = "Attempts" + 1
            WHERE "Id" IN (SELECT "Id" FROM workflow_work_items
                           WHERE "DeadLetteredAt" IS NULL AND "AvailableAt" <= {2} AND ("LockedUntil" IS NULL OR "LockedUntil" < {2})
                           ORDER BY "AvailableAt" LIMIT {3}{{skipLocked}})
            RETURNING *
            """;
        return await db.WorkItems
            .FromSqlRaw(sql, node.Name, DbValues.Time(db, lockedUntil), DbValues.Time(db, now), max)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
    }

    /// <summary>When the next unlocked item becomes due (null when the queue is empty), so idle workers sleep exactly that long.</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await db.WorkItems.Where(w => w.DeadLetteredAt == null && w.LockedUntil == null)
            .OrderBy(w => w.AvailableAt).Select(w => (DateTimeOffset?)w.AvailableAt).FirstOrDefaultAsync(cancellationToken);
    }

    public async Task DeleteAsync(Guid itemId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.WorkItems.Where(w => w.Id == itemId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// Frees the work items, outbox rows and instance leases a previous process with this node's name left locked
    /// when it stopped, so a restarted node resumes at once instead of after the locks expire. Node names must be
    /// unique among live processes (the default name is).
    /// </summary>
    public async Task ReleaseStaleLocksAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var owner = node.Name;
        await db.WorkItems.Where(w => w.LockedBy == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(w => w.LockedBy, (string?)null).SetProperty(w => w.LockedUntil, (DateTimeOffset?)null), cancellationToken);
        await db.Outbox.Where(o => o.LockedBy == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.LockedBy, (string?)null).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null), cancellationToken);
        var leasePrefix = leases.OwnerPrefix;
        await db.Instances.Where(i => i.LeaseOwner != null && i.LeaseOwner.StartsWith(leasePrefix))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
    }

    public async Task DeleteBookmarkAsync(Guid bookmarkId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await db.Bookmarks.Where(b => b.Id == bookmarkId).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Unlocks an item so it runs again after <paramref name="delay"/>; dead-letters it when its attempts are used up.</summary>
    public async Task ReleaseAsync(WorkItemRecord item, TimeSpan delay, string? error, bool countsAsAttempt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        if (countsAsAttempt && item.Attempts >= _options.MaxWorkItemAttempts)
        {
            await DeadLetterAsync(db, item.Id, error ?? "Too many attempts.", now, cancellationToken);
            return;
        }

        var attempts = countsAsAttempt ? item.Attempts : Math.Max(0, item.Attempts - 1);
        await db.WorkItems.Where(w => w.Id == item.Id && w.LockedBy == node.Name).ExecuteUpdateAsync(s => s
            .SetProperty(w => w.LockedBy, (string?)null)
            .SetProperty(w => w.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(w => w.AvailableAt, now + delay)
            .SetProperty(w => w.Attempts, attempts)
            .SetProperty(w => w.LastError, error), cancellationToken);
    }

    public async Task DeadLetterAsync(Guid itemId, string error, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        await DeadLetterAsync(db, itemId, error, clock.GetUtcNow(), cancellationToken);
    }

    private static Task<int> DeadLetterAsync(WorkflowDbContext db, Guid itemId, string error, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.WorkItems.Where(w => w.Id == itemId).ExecuteUpdateAsync(s => s
            .SetProperty(w => w.DeadLetteredAt, now)
            .SetProperty(w => w.LockedBy, (string?)null)
            .SetProperty(w => w.LockedUntil, (DateTimeOffset?)null)
            .SetProperty(w => w.LastError, error), cancellationToken);
}
