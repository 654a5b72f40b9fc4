using System.Text.Json.Nodes;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// Turns due timers into work items, on every node and safely at the same time: a bookmark's timer item has a
/// unique key (<c>timer:{bookmark}</c>), and a schedule fire is taken by a conditional update of its
/// <c>next_fire_at</c> in the transaction that queues it. Nothing about timers lives only in memory.
/// </summary>
public sealed partial class TimerPoller(
    IDbContextFactory<WorkflowDbContext> contexts,
    RuntimeSignals signals,
    TimeProvider clock,
    IOptions<WorkflowRuntimeOptions> options,
    ILogger<TimerPoller> logger) : BackgroundService
{
    private const int Batch = 1000;
    private readonly WorkflowRuntimeOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PollOnceAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogPollFailed(logger, ex);
            }

            await Task.Delay(_options.TimerPollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>One pass: queue due (and soon due) timers, then take due schedule fires. Returns the number queued.</summary>
    public async Task<int> PollOnceAsync(CancellationToken cancellationToken)
    {
        var queued = 0;
        int found;
        do
        {
            found = await QueueTimersAsync(cancellationToken);
            queued += found;
        }
        while (found == Batch);

        queued += await FireSchedulesAsync(cancellationToken);
        if (queued > 0)
        {
            signals.NudgeWorkers();
        }

        return queued;
    }

    private async Task<int> QueueTimersAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();

        // Queue one poll interval ahead with available_at = due_at: workers sleep until exactly then, so lateness
        // does not depend on the poll interval.
        var horizon = now + _options.TimerPollInterval;
        var due = await db.Bookmarks.AsNoTracking()
            .Where(b => b.DueAt != null && b.DueAt <= horizon && !db.WorkItems.Any(w => w.BookmarkId == b.Id))
            .OrderBy(b => b.DueAt)
            .Take(Batch)
            .Select(b => new { b.Id, b.OrgId, b.InstanceId, b.Kind, b.Key, DueAt = b.DueAt!.Value })
            .ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }

        var items = due.Select(b => new WorkItemRecord
        {
            Id = Guid.CreateVersion7(), OrgId = b.OrgId, Kind = WorkItemKinds.Timer, InstanceId = b.InstanceId, BookmarkId = b.Id,
            PayloadJson = new JsonObject { ["kind"] = b.Kind, ["key"] = b.Key }.ToJsonString(),
            IdempotencyKey = $"timer:{b.Id:N}", AvailableAt = b.DueAt, CreatedAt = now,
        }).ToList();
        db.WorkItems.AddRange(items);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return items.Count;
        }
        catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
        {
            // Another node queued some of them first: fall back to one by one, skipping the duplicates.
            db.ChangeTracker.Clear();
            var added = 0;
            foreach (var item in items)
            {
                added += await WorkItemStore.TryAddAsync(db, item, cancellationToken) ? 1 : 0;
            }

            return added;
        }
    }

    private async Task<int> FireSchedulesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var due = await db.Schedules.AsNoTracking()
            .Where(s => s.NextFireAt != null && s.NextFireAt <= now)
            .OrderBy(s => s.NextFireAt).Take(100).ToListAsync(cancellationToken);
        var fired = 0;
        foreach (var schedule in due)
        {
            var fireAt = schedule.NextFireAt!.Value;
            var next = ScheduleClock.NextAfterFire(schedule, fireAt, now);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var taken = await db.Schedules.Where(s => s.Id == schedule.Id && s.NextFireAt == fireAt)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.NextFireAt, next).SetProperty(x => x.LastFireAt, fireAt), cancellationToken);
            if (taken == 0)
            {
                await transaction.RollbackAsync(cancellationToken);
                continue; // another node took this fire
            }

            var trigger = await db.Triggers.AsNoTracking().FirstOrDefaultAsync(t => t.Id == schedule.TriggerId, cancellationToken);
            if (trigger is null)
            {
                await transaction.CommitAsync(cancellationToken);
                continue;
            }

            var payload = new JsonObject
            {
                ["definitionId"] = trigger.DefinitionId,
                ["versionId"] = trigger.DefinitionVersionId.ToString(),
                ["startNodeId"] = trigger.NodeId,
                ["triggerEvent"] = new JsonObject
                {
                    ["kind"] = schedule.Kind == "cron" ? "cron" : "timer",
                    ["key"] = trigger.Key,
                    ["payload"] = new JsonObject { ["firedAt"] = fireAt.ToString("O"), ["scheduleId"] = schedule.Id.ToString() },
                },
            };
            db.WorkItems.Add(new WorkItemRecord
            {
                Id = Guid.CreateVersion7(), OrgId = schedule.OrgId, Kind = WorkItemKinds.Schedule, PayloadJson = payload.ToJsonString(),
                IdempotencyKey = $"schedule:{schedule.Id:N}:{fireAt.UtcTicks}", AvailableAt = now, CreatedAt = now,
            });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                fired++;
                LogScheduleFired(logger, schedule.Id, fireAt, next);
            }
            catch (DbUpdateException ex) when (DatabaseErrors.IsUniqueViolation(ex))
            {
                await transaction.RollbackAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
        }

        return fired;
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Error, Message = "Timer poll failed; retrying after the poll interval")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Debug, Message = "Schedule {ScheduleId} fired for {FireAt}; next at {NextFireAt}")]
    private static partial void LogScheduleFired(ILogger logger, Guid scheduleId, DateTimeOffset fireAt, DateTimeOffset? nextFireAt);
}
