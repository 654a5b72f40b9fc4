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

    public static async Task ReleaseAsync(WorkflowDbContext db, Guid instanceId, string owner, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        await db.Instances.Where(i => i.Id == instanceId && i.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
    }

    /// <summary>The lease owners of this node's bursts start with this prefix.</summary>
    public string OwnerPrefix => node.Name + "/";
}
