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

    public async Task<bool> TryAcquireAsync(WorkflowDbContext db, Guid instanceId, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var until = now + _duration;
        var owner = node.Name;
        var rows = await db.Instances
            .Where(i => i.Id == instanceId && (i.LeaseUntil == null || i.LeaseUntil < now || i.LeaseOwner == owner))
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, owner).SetProperty(i => i.LeaseUntil, until), cancellationToken);
        return rows == 1;
    }

    public async Task ReleaseAsync(WorkflowDbContext db, Guid instanceId, CancellationToken cancellationToken)
    {
        var owner = node.Name;
        await db.Instances.Where(i => i.Id == instanceId && i.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.LeaseOwner, (string?)null).SetProperty(i => i.LeaseUntil, (DateTimeOffset?)null), cancellationToken);
    }
}
