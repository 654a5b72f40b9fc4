using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Stats;

public sealed record DashboardStats(int TotalAgents, int ActiveAgents, int TotalUsers, int ActiveApiKeys, int TotalAuditEvents);

public sealed class StatsService(AgentFlowDbContext db, TimeProvider time)
{
    public async Task<DashboardStats> GetAsync(CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        // One context cannot run queries in parallel; five indexed counts are cheap enough in sequence.
        var totalAgents = await db.Agents.CountAsync(cancellationToken);
        var activeAgents = await db.Agents.CountAsync(a => a.Status == AgentStatus.Active, cancellationToken);
        var totalUsers = await db.Users.CountAsync(cancellationToken);
        var activeKeys = await db.ApiKeys.CountAsync(k => k.RevokedAt == null && (k.ExpiresAt == null || k.ExpiresAt > now), cancellationToken);
        var auditEvents = await db.AuditEntries.CountAsync(cancellationToken);
        return new DashboardStats(totalAgents, activeAgents, totalUsers, activeKeys, auditEvents);
    }
}
