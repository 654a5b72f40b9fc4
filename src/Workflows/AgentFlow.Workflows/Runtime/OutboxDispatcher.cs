using System.Text.Json.Nodes;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Runtime;

/// <summary>One side effect to perform; <see cref="Id"/> is its idempotency key (stable across redeliveries).</summary>
public sealed record OutboxDelivery(Guid Id, Guid OrgId, Guid InstanceId, string Kind, JsonNode? Payload, int Attempt);

/// <summary>Performs the side effects of one outbox kind ("http", "job", "workflow.start"...).</summary>
public interface IOutboxHandler
{
    string Kind { get; }

    /// <summary>Performs the effect. Throwing means "try again later" (with backoff).</summary>
    Task HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken);

    /// <summary>Called once when the attempts are used up, e.g. to tell the waiting instance that the effect failed.</summary>
    Task GiveUpAsync(OutboxDelivery delivery, string failure, CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>
/// Performs outbox side effects after their burst committed: at least once, with the row id as idempotency key,
/// exponential backoff, and a final failure recorded on the row. Runs on every node (rows are claimed with a lock).
/// </summary>
public sealed partial class OutboxDispatcher(
    IDbContextFactory<WorkflowDbContext> contexts,
    IEnumerable<IOutboxHandler> handlers,
    RuntimeSignals signals,
    WorkflowNode node,
    TimeProvider clock,
    IOptions<WorkflowRuntimeOptions> options,
    ILogger<OutboxDispatcher> logger) : BackgroundService
{
    private readonly Dictionary<string, IOutboxHandler> _handlers = handlers.GroupBy(h => h.Kind, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Last(), StringComparer.Ordinal);
    private readonly WorkflowRuntimeOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DispatchOnceAsync(stoppingToken) == 0)
                {
                    await signals.WaitForOutboxAsync(_options.PollInterval, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLoopFailed(logger, ex);
                await Task.Delay(_options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    /// <summary>Claims and performs one batch; returns how many messages were claimed.</summary>
    public async Task<int> DispatchOnceAsync(CancellationToken cancellationToken)
    {
        var claimed = await ClaimAsync(32, cancellationToken);
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, DispatchAsync);
        return claimed.Count;
    }

    private async ValueTask DispatchAsync(OutboxRecord message, CancellationToken cancellationToken)
    {
        var delivery = new OutboxDelivery(message.Id, message.OrgId, message.InstanceId, message.Kind, JsonNode.Parse(message.PayloadJson), message.Attempts);
        string? error;
        if (!_handlers.TryGetValue(message.Kind, out var handler))
        {
            error = $"No handler is registered for outbox messages of kind \"{message.Kind}\".";
            await FinishAsync(message.Id, dispatched: false, failed: true, error, null, cancellationToken);
            LogGaveUp(logger, message.Id, message.Kind, error);
            return;
        }

        try
        {
            await handler.HandleAsync(delivery, cancellationToken);
            await FinishAsync(message.Id, dispatched: true, failed: false, null, null, cancellationToken);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            error = ex.Message;
        }

        if (message.Attempts >= _options.MaxOutboxAttempts)
        {
            await FinishAsync(message.Id, dispatched: false, failed: true, error, null, cancellationToken);
            LogGaveUp(logger, message.Id, message.Kind, error);
            await handler.GiveUpAsync(delivery, error, cancellationToken);
            return;
        }

        var backoff = TimeSpan.FromSeconds(Math.Min(300, Math.Pow(2, message.Attempts)));
        await FinishAsync(message.Id, dispatched: false, failed: false, error, clock.GetUtcNow() + backoff, cancellationToken);
        LogRetrying(logger, message.Id, message.Kind, message.Attempts, error);
    }

    private async Task<IReadOnlyList<OutboxRecord>> ClaimAsync(int max, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var skipLocked = db.IsPostgres ? " FOR UPDATE SKIP LOCKED" : "";
        var sql = $$"""
            UPDATE workflow_outbox SET "LockedBy" = {0}, "LockedUntil" = {1}, "Attempts" = "Attempts" + 1
            WHERE "Id" IN (SELECT "Id" FROM workflow_outbox
                           WHERE "DispatchedAt" IS NULL AND "FailedAt" IS NULL AND "NextAttemptAt" <= {2}
                             AND ("LockedUntil" IS NULL OR "LockedUntil" < {2})
                           ORDER BY "NextAttemptAt" LIMIT {3}{{skipLocked}})
            RETURNING *
            """;
        return await db.Outbox.FromSqlRaw(sql, node.Name, DbValues.Time(db, now + TimeSpan.FromMinutes(2)), DbValues.Time(db, now), max)
            .AsNoTracking().ToListAsync(cancellationToken);
    }

    private async Task FinishAsync(Guid id, bool dispatched, bool failed, string? error, DateTimeOffset? nextAttempt, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await db.Outbox.Where(o => o.Id == id).ExecuteUpdateAsync(
            s =>
            {
                s.SetProperty(o => o.LockedBy, (string?)null).SetProperty(o => o.LockedUntil, (DateTimeOffset?)null).SetProperty(o => o.LastError, error);
                if (dispatched)
                {
                    s.SetProperty(o => o.DispatchedAt, now);
                }

                if (failed)
                {
                    s.SetProperty(o => o.FailedAt, now);
                }

                if (nextAttempt is { } at)
                {
                    s.SetProperty(o => o.NextAttemptAt, at);
                }
            },
            CancellationToken.None);
    }

    [LoggerMessage(EventId = 3401, Level = LogLevel.Error, Message = "Outbox dispatcher loop failed; retrying after the poll interval")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 3402, Level = LogLevel.Warning, Message = "Outbox message {MessageId} ({Kind}) failed on attempt {Attempt}: {Error}; retrying with backoff")]
    private static partial void LogRetrying(ILogger logger, Guid messageId, string kind, int attempt, string error);

    [LoggerMessage(EventId = 3403, Level = LogLevel.Error, Message = "Outbox message {MessageId} ({Kind}) failed for good: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid messageId, string kind, string error);
}
