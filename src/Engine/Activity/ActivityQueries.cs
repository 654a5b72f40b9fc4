using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Activity;

public sealed record ActivityEventFilter(Guid? AgentId, IReadOnlyList<string>? Types, string? SessionId, DateTimeOffset? Since, DateTimeOffset? Until);

public sealed record ToolCallFilter(Guid? AgentId, string? ToolId, string? SessionId, ToolCallStatus? Status, DateTimeOffset? Since, DateTimeOffset? Until);

public sealed record ToolUsage(string ToolId, int Count);

public sealed record TimelineSummary(int Events, int ToolCalls, int Errors, int Messages, int Sessions, decimal CostUsd);

public sealed record AgentTimeline(Guid AgentId, DateOnly Date, TimelineSummary Summary, IReadOnlyList<ToolUsage> TopTools, IReadOnlyList<int> ActiveHours, IReadOnlyList<ActivityEvent> Events, bool Truncated);

public sealed record ActivityTotals(int Events, int ToolCalls, int Conversations, int Messages, decimal CostUsd);

public sealed record ActivityRecentWindow(int WindowMinutes, int EventsLast5Min, int ToolCallsLast5Min, int ErrorsLast5Min, IReadOnlyList<Guid> ActiveAgents, int ActiveSessions, string Source);

public sealed record ActivityStats(ActivityTotals Totals, ActivityRecentWindow Recent);

/// <summary>Reads of the caller's organisation's activity; the tenant filter keeps every other organisation out.</summary>
public sealed class ActivityQueries(AgentFlowDbContext db, ActivityHub hub, ITenantContext tenant, TimeProvider time)
{
    /// <summary>Events on a timeline beyond this are counted in the summary but not listed.</summary>
    public const int TimelineEventLimit = 1000;

    public static readonly TimeSpan RecentWindow = TimeSpan.FromMinutes(5);

    public async Task<Page<ActivityEvent>> EventsAsync(ActivityEventFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        CheckRange(filter.Since, filter.Until);
        var query = db.ActivityEvents.AsNoTracking();
        if (filter.AgentId is { } agentId)
        {
            query = query.Where(e => e.AgentId == agentId);
        }

        if (filter.Types is { Count: > 0 } types)
        {
            query = query.Where(e => types.Contains(e.Type));
        }

        if (filter.SessionId is { } session)
        {
            query = query.Where(e => e.SessionId == session);
        }

        if (filter.Since is { } since)
        {
            var from = since.ToUniversalTime();
            query = query.Where(e => e.Timestamp >= from);
        }

        if (filter.Until is { } until)
        {
            var to = until.ToUniversalTime();
            query = query.Where(e => e.Timestamp <= to);
        }

        return await query.OrderByDescending(e => e.Id).ToPageAsync(page, cancellationToken);
    }

    /// <summary>The organisation's events after an id, oldest first: what an SSE client missed.</summary>
    public async Task<IReadOnlyList<ActivityEvent>> EventsAfterAsync(long afterId, Guid? agentId, int take, CancellationToken cancellationToken = default)
    {
        var query = db.ActivityEvents.AsNoTracking().Where(e => e.Id > afterId);
        if (agentId is { } agent)
        {
            query = query.Where(e => e.AgentId == agent);
        }

        return await query.OrderBy(e => e.Id).Take(take).ToListAsync(cancellationToken);
    }

    public async Task<Page<ToolCallRecord>> ToolCallsAsync(ToolCallFilter filter, PageRequest page, CancellationToken cancellationToken = default)
    {
        CheckRange(filter.Since, filter.Until);
        var query = db.ToolCalls.AsNoTracking();
        if (filter.AgentId is { } agentId)
        {
            query = query.Where(c => c.AgentId == agentId);
        }

        if (filter.ToolId is { } toolId)
        {
            query = query.Where(c => c.ToolId == toolId);
        }

        if (filter.SessionId is { } session)
        {
            query = query.Where(c => c.SessionId == session);
        }

        if (filter.Status is { } status)
        {
            query = query.Where(c => c.Status == status);
        }

        if (filter.Since is { } since)
        {
            var from = since.ToUniversalTime();
            query = query.Where(c => c.StartedAt >= from);
        }

        if (filter.Until is { } until)
        {
            var to = until.ToUniversalTime();
            query = query.Where(c => c.StartedAt <= to);
        }

        return await query.OrderByDescending(c => c.StartedAt).ThenByDescending(c => c.Id).ToPageAsync(page, cancellationToken);
    }

    public async Task<ToolCallRecord> ToolCallAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.ToolCalls.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, cancellationToken)
        ?? throw new ResourceNotFoundException("Tool call", id.ToString());

    /// <summary>A session's messages, oldest first. A session with no message in this organisation does not exist here.</summary>
    public async Task<Page<ConversationMessage>> ConversationAsync(string sessionId, PageRequest page, CancellationToken cancellationToken = default)
    {
        var result = await db.ConversationMessages.AsNoTracking().Where(m => m.SessionId == sessionId)
            .OrderBy(m => m.Timestamp).ThenBy(m => m.Id).ToPageAsync(page, cancellationToken);
        return result.Total == 0 ? throw new ResourceNotFoundException("Conversation", sessionId) : result;
    }

    /// <summary>One agent's UTC day: totals, most used tools, active hours and the events in order.</summary>
    public async Task<AgentTimeline> TimelineAsync(Guid agentId, DateOnly date, CancellationToken cancellationToken = default)
    {
        if (!await db.Agents.AnyAsync(a => a.Id == agentId, cancellationToken))
        {
            throw new ResourceNotFoundException("Agent", agentId.ToString());
        }

        var from = new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var to = from.AddDays(1);
        var events = db.ActivityEvents.AsNoTracking().Where(e => e.AgentId == agentId && e.Timestamp >= from && e.Timestamp < to);
        var calls = db.ToolCalls.AsNoTracking().Where(c => c.AgentId == agentId && c.StartedAt >= from && c.StartedAt < to);
        var messages = db.ConversationMessages.AsNoTracking().Where(m => m.AgentId == agentId && m.Timestamp >= from && m.Timestamp < to);

        var listed = await events.OrderBy(e => e.Id).Take(TimelineEventLimit + 1).ToListAsync(cancellationToken);
        var eventCount = await events.CountAsync(cancellationToken);
        var errorCount = await events.CountAsync(e => ActivityTypes.Errors.Contains(e.Type), cancellationToken);
        var timestamps = await events.Select(e => e.Timestamp).ToListAsync(cancellationToken);
        var toolCounts = await calls.GroupBy(c => c.ToolId).Select(g => new ToolUsage(g.Key, g.Count())).ToListAsync(cancellationToken);
        var messageCount = await messages.CountAsync(cancellationToken);
        var sessions = await events.Where(e => e.SessionId != null).Select(e => e.SessionId).Distinct().CountAsync(cancellationToken);
        var cost = (await calls.SumAsync(c => c.CostMicroUsd, cancellationToken) ?? 0) + (await messages.SumAsync(m => m.CostMicroUsd, cancellationToken) ?? 0);

        var summary = new TimelineSummary(eventCount, toolCounts.Sum(t => t.Count), errorCount, messageCount, sessions, cost / 1_000_000m);
        var topTools = toolCounts.OrderByDescending(t => t.Count).ThenBy(t => t.ToolId, StringComparer.Ordinal).Take(10).ToList();
        var hours = timestamps.Select(t => t.ToUniversalTime().Hour).Distinct().Order().ToList();
        var truncated = listed.Count > TimelineEventLimit;
        return new AgentTimeline(agentId, date, summary, topTools, hours, truncated ? listed[..TimelineEventLimit] : listed, truncated);
    }

    /// <summary>
    /// Totals from the database, and the last five minutes from the recent-events buffer when it covers them
    /// (the dashboard polls this), else from the database.
    /// </summary>
    public async Task<ActivityStats> StatsAsync(CancellationToken cancellationToken = default)
    {
        var orgId = tenant.OrgId ?? throw new InvalidOperationException("Activity stats need an organisation in scope.");
        var totals = new ActivityTotals(
            await db.ActivityEvents.CountAsync(cancellationToken),
            await db.ToolCalls.CountAsync(cancellationToken),
            await db.ConversationMessages.Select(m => m.SessionId).Distinct().CountAsync(cancellationToken),
            await db.ConversationMessages.CountAsync(cancellationToken),
            ((await db.ToolCalls.SumAsync(c => c.CostMicroUsd, cancellationToken) ?? 0)
             + (await db.ConversationMessages.SumAsync(m => m.CostMicroUsd, cancellationToken) ?? 0)) / 1_000_000m);

        var since = time.GetUtcNow() - RecentWindow;
        IReadOnlyList<ActivityEvent>? recent = hub.RecentSince(orgId, since);
        var source = "buffer";
        if (recent is null)
        {
            source = "database";
            recent = await db.ActivityEvents.AsNoTracking().Where(e => e.Timestamp >= since).ToListAsync(cancellationToken);
        }

        var window = new ActivityRecentWindow(
            (int)RecentWindow.TotalMinutes,
            recent.Count,
            recent.Count(e => e.Type is ActivityTypes.ToolCallStart or ActivityTypes.ToolCallEnd or ActivityTypes.ToolCallError),
            recent.Count(e => ActivityTypes.Errors.Contains(e.Type)),
            [.. recent.Where(e => e.AgentId is not null).Select(e => e.AgentId!.Value).Distinct().Order()],
            recent.Where(e => e.SessionId is not null).Select(e => e.SessionId).Distinct().Count(),
            source);
        return new ActivityStats(totals, window);
    }

    private static void CheckRange(DateTimeOffset? since, DateTimeOffset? until)
    {
        if (since is { } from && until is { } to && from > to)
        {
            throw InputValidationException.For("since", "The since date must not be after the until date.");
        }
    }
}
