using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// Per-instance ownership for the length of a burst. The lease keeps two nodes from running the same instance at
/// once; the row version (checked at commit) is what makes a node that lost its lease harmless.
/// </summary>
public sealed class InstanceLeases(WorkflowNode node, TimeProvider clock, IOptions<WorkflowRuntimeOptions> options)
{
    private readonly TimeSpan _duration = options.Value.LeaseDuration;

    /// <summary>
    /// Takes the instance for one burst. The owner is unique per burst (node name + burst id), so two bursts of the
    /// same node exclude each other as well as bursts of other nodes. Returns the owner, or null when the instance is taken.
    /// </summary>
    public async Task<string?> TryAcquireAsync(WorkflowDbContext db, Guid instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = clock.GetUtcNow();
        var until = now + _duration;
        var owner = $"{node.Name}/{Guid.NewGuid():N}";
        var rows = await db.Instances
            .Where(i => i.Id == instanceId && (i.LeaseUntil == null || i.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, owner).SetProperty(i => i.LeaseUntil, until), cancellationToken);
        return rows == 1 ? owner : null;
    }

    /// <summary>
    /// Takes the instance for one burst and reads it in the same statement (<c>UPDATE … RETURNING</c>): one round trip
    /// instead of two on the path every resume takes. Null when the instance is taken or does not exist.
    /// </summary>
    public async Task<LeasedInstance?> TryAcquireAndLoadAsync(WorkflowDbContext db, Guid instanceId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var now = clock.GetUtcNow();
        var owner = $"{node.Name}/{Guid.NewGuid():N}";
        const string sql = """
            UPDATE workflow_instances SET "LeaseOwner" = {0}, "LeaseUntil" = {1}
            WHERE "Id" = {2} AND ("LeaseUntil" IS NULL OR "LeaseUntil" < {3})
            RETURNING *
            """;
        var rows = await db.Instances
            .FromSqlRaw(sql, owner, DbValues.Time(db, now + _duration), instanceId, DbValues.Time(db, now))
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        return rows.Count == 1 ? new LeasedInstance(owner, rows[0]) : null;
    }

    public static async Task ReleaseAsync(WorkflowDbContext db, Guid instanceId, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Instances.Where(i => i.Id == instanceId && i.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
    }

    /// <summary>The lease owners of this node's bursts start with this prefix.</summary>
    public string OwnerPrefix => node.Name + "/";
}

/// <summary>An instance taken for a burst, as it was when the lease was taken.</summary>
/// <param name="Owner">The lease owner of this burst.</param>
/// <param name="Instance">The instance row.</param>
public sealed record LeasedInstance(string Owner, WorkflowInstanceRecord Instance);
