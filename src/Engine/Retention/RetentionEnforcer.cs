using AgentFlow.Engine.Audit;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Retention;

public sealed record RetentionRun(int Organizations, int Archived, int Deleted);

/// <summary>
/// Applies every enabled retention policy to its organisation's audit log: entries older than the policy's
/// age are archived (or deleted), except actions named by its exclude tags. Works in batches, one
/// transaction each, so a crash loses nothing and a large backlog does not hold one huge transaction.
/// </summary>
public sealed class RetentionEnforcer(AgentFlowDbContext db, TimeProvider time)
{
    private const int BatchSize = 500;

    public async Task<RetentionRun> ApplyAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var policies = await db.RetentionPolicies.IgnoreQueryFilters().AsNoTracking().Where(p => p.Enabled).ToListAsync(cancellationToken);
        int archived = 0, deleted = 0;
        foreach (var policy in policies)
        {
            var cutoff = now - TimeSpan.FromDays(policy.RetainDays);
            while (true)
            {
                var expired = await ExpiredEntries(policy, cutoff).OrderBy(e => e.Timestamp).Take(BatchSize).ToListAsync(cancellationToken);
                if (expired.Count == 0)
                {
                    break;
                }

                await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
                {
                    if (policy.ArchiveFirst)
                    {
                        db.ArchivedAuditEntries.AddRange(expired.Select(e => Archive(e, now)));
                        archived += expired.Count;
                    }
                    else
                    {
                        deleted += expired.Count;
                    }

                    db.AuditEntries.RemoveRange(expired);
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                db.ChangeTracker.Clear();
                if (expired.Count < BatchSize)
                {
                    break;
                }
            }

            await db.RetentionPolicies.IgnoreQueryFilters().Where(p => p.OrgId == policy.OrgId)
                .ExecuteUpdateAsync(s => s.SetProperty(p => p.LastAppliedAt, now), cancellationToken);
        }

        return new RetentionRun(policies.Count, archived, deleted);
    }

    private IQueryable<AuditEntry> ExpiredEntries(RetentionPolicy policy, DateTimeOffset cutoff)
    {
        var query = db.AuditEntries.IgnoreQueryFilters().Where(e => e.OrgId == policy.OrgId && e.Timestamp < cutoff);
        foreach (var tag in policy.ExcludeTags)
        {
            var prefix = tag + ".";
            query = query.Where(e => e.Action != tag && !e.Action.StartsWith(prefix));
        }

        return query;
    }

    /// <summary>A tag excludes the action equal to it and every action under it (<c>auth</c> keeps <c>auth.login</c>).</summary>
    public static bool IsExcluded(string action, IReadOnlyCollection<string> tags) =>
        tags.Any(t => action == t || action.StartsWith(t + ".", StringComparison.Ordinal));

    private static ArchivedAuditEntry Archive(AuditEntry e, DateTimeOffset now) => new()
    {
        Id = e.Id,
        OrgId = e.OrgId,
        Timestamp = e.Timestamp,
        Actor = e.Actor,
        ActorType = e.ActorType,
        Action = e.Action,
        Resource = e.Resource,
        Details = e.Details,
        Ip = e.Ip,
        RequestId = e.RequestId,
        ArchivedAt = now,
    };
}
