using System.Text.Json;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Audit;

public sealed record AuditRecord(Guid OrgId, string Actor, string ActorType, string Action, string Resource, string? Ip, string? RequestId, IReadOnlyDictionary<string, object?>? Details = null);

public sealed record AuditFilter(string? Actor, string? Action, string? Resource, DateTimeOffset? From, DateTimeOffset? To);

/// <summary>The audit trail: append, and query newest first.</summary>
public sealed class AuditLog(AgentFlowDbContext db, TimeProvider time)
{
    public async Task AppendAsync(AuditRecord record, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        db.AuditEntries.Add(new AuditEntry
        {
            Id = Guid.CreateVersion7(now),
            OrgId = record.OrgId,
            Timestamp = now,
            Actor = record.Actor,
            ActorType = record.ActorType,
            Action = record.Action,
            Resource = Truncate(record.Resource, 512),
            Details = record.Details is null ? "{}" : JsonSerializer.Serialize(record.Details),
            Ip = record.Ip is null ? null : Truncate(record.Ip, 64),
            RequestId = record.RequestId is null ? null : Truncate(record.RequestId, 128),
        });
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<Page<AuditEntry>> QueryAsync(AuditFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (filter.From is { } from && filter.To is { } to && from > to)
        {
            throw InputValidationException.For("from", "The from date must not be after the to date.");
        }

        var query = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrEmpty(filter.Actor))
        {
            query = query.Where(e => e.Actor == filter.Actor);
        }

        if (!string.IsNullOrEmpty(filter.Action))
        {
            query = query.Where(e => e.Action == filter.Action);
        }

        if (!string.IsNullOrEmpty(filter.Resource))
        {
            query = query.Where(e => e.Resource.StartsWith(filter.Resource));
        }

        if (filter.From is { } since)
        {
            var utcSince = since.ToUniversalTime();
            query = query.Where(e => e.Timestamp >= utcSince);
        }

        if (filter.To is { } until)
        {
            var utcUntil = until.ToUniversalTime();
            query = query.Where(e => e.Timestamp <= utcUntil);
        }

        return await query.OrderByDescending(e => e.Timestamp).ThenByDescending(e => e.Id).ToPageAsync(page, cancellationToken);
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
