using System.Text.Json.Nodes;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Runtime;

/// <summary>Runs one claimed work item: a start, or a burst on an existing instance (resume, timer, continue, cancel, retry).</summary>
public sealed partial class WorkItemProcessor(
    WorkItemStore items,
    InstanceBurstRunner runner,
    IWorkflowRuntime runtime,
    TimeProvider clock,
    IOptions<WorkflowRuntimeOptions> options,
    ILogger<WorkItemProcessor> logger)
{
    private readonly WorkflowRuntimeOptions _options = options.Value;

    public async Task ProcessAsync(WorkItemRecord item, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(item);
        try
        {
            if (item.Kind is WorkItemKinds.Start or WorkItemKinds.Schedule)
            {
                await StartAsync(item, cancellationToken);
                await items.DeleteAsync(item.Id, cancellationToken);
                return;
            }

            if (item.InstanceId is not { } instanceId)
            {
                await items.DeadLetterAsync(item.Id, $"A {item.Kind} work item needs an instance.", cancellationToken);
                return;
            }

            var run = await runner.RunAsync(instanceId, (db, instance, ct) => SelectAsync(item, db, instance, ct), cancellationToken);
            switch (run.Outcome)
            {
                case BurstRunOutcome.Committed:
                    break;
                case BurstRunOutcome.NoOp or BurstRunOutcome.Missing:
                    await items.DeleteAsync(item.Id, cancellationToken);
                    if (item.Kind == WorkItemKinds.Timer && item.BookmarkId is { } orphan)
                    {
                        // A due bookmark no token waits on would be queued again on every poll: remove it.
                        await items.DeleteBookmarkAsync(orphan, cancellationToken);
                    }

                    break;
                case BurstRunOutcome.LeaseBusy:
                    await items.ReleaseAsync(item, TimeSpan.FromMilliseconds(50), null, countsAsAttempt: false, cancellationToken);
                    break;
                case BurstRunOutcome.Fenced:
                    LogFenced(logger, instanceId, item.Kind);
                    await items.ReleaseAsync(item, TimeSpan.Zero, "Another node committed the instance first.", countsAsAttempt: false, cancellationToken);
                    break;
                case BurstRunOutcome.Retain:
                    await items.ReleaseAsync(item, _options.StimulusRetryDelay, "No bookmark matches yet.", countsAsAttempt: false, cancellationToken);
                    break;
                case BurstRunOutcome.DeadLetter:
                    LogDeadLettered(logger, item.Id, run.Reason ?? "");
                    await items.DeadLetterAsync(item.Id, run.Reason ?? "Dead-lettered.", cancellationToken);
                    break;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The node is stopping: hand the item back at once rather than leave it locked until the lock expires.
            await items.ReleaseAsync(item, TimeSpan.Zero, null, countsAsAttempt: false, CancellationToken.None);
            throw;
        }
        catch (Exception ex)
        {
            LogFailed(logger, ex, item.Id, item.Kind, item.Attempts);
            var backoff = TimeSpan.FromSeconds(Math.Min(60, Math.Pow(2, Math.Max(0, item.Attempts - 1))));
            await items.ReleaseAsync(item, backoff, ex.Message, countsAsAttempt: true, CancellationToken.None);
        }
    }

    private async Task<TriggerSelection> SelectAsync(WorkItemRecord item, WorkflowDbContext db, WorkflowInstanceRecord instance, CancellationToken cancellationToken)
    {
        if (instance.Status is InstanceStatus.Finished or InstanceStatus.Cancelled)
        {
            return TriggerSelection.NoOp;
        }

        var extras = new CommitExtras(item.Id);
        switch (item.Kind)
        {
            case WorkItemKinds.Timer:
                // The poller copied the bookmark's kind and key into the item: no read needed. If the bookmark is gone
                // (the token was resumed another way), no token waits on its id any more and the burst is a no-op.
                var timer = JsonNode.Parse(item.PayloadJson ?? "{}") as JsonObject;
                var due = timer?["kind"] is not null && item.BookmarkId is { } bookmarkId
                    ? new BookmarkRecord
                    {
                        Id = bookmarkId, OrgId = item.OrgId, InstanceId = instance.Id,
                        Kind = timer["kind"]!.GetValue<string>(), Key = timer["key"]?.GetValue<string>() ?? "",
                    }
                    : await db.Bookmarks.AsNoTracking().FirstOrDefaultAsync(b => b.Id == item.BookmarkId, cancellationToken);
                return due is null ? TriggerSelection.NoOp : TriggerSelection.Run(new BurstTrigger.ResumeBookmark(due, null), extras);

            case WorkItemKinds.Resume:
                var payload = JsonNode.Parse(item.PayloadJson ?? "{}") as JsonObject ?? [];
                var kind = payload["kind"]?.GetValue<string>() ?? "";
                var key = payload["key"]?.GetValue<string>() ?? "";
                var stimulusId = payload["stimulusId"]?.GetValue<string>();
                if (stimulusId is not null && await db.ProcessedStimuli.AnyAsync(p => p.InstanceId == instance.Id && p.StimulusId == stimulusId, cancellationToken))
                {
                    return TriggerSelection.NoOp;
                }

                var hash = RouteKeys.Hash(key);
                var bookmark = await db.Bookmarks.AsNoTracking()
                    .Where(b => b.InstanceId == instance.Id && b.Kind == kind && b.KeyHash == hash)
                    .OrderBy(b => b.CreatedAt).FirstOrDefaultAsync(cancellationToken);
                if (bookmark is not null)
                {
                    return TriggerSelection.Run(new BurstTrigger.ResumeBookmark(bookmark, payload["payload"]?.DeepClone()), extras with { StimulusId = stimulusId });
                }

                if (kind == BookmarkKinds.Of(Activities.WaitKind.Child))
                {
                    return TriggerSelection.NoOp; // the parent did not wait for this child
                }

                return item.ExpiresAt is { } expires && clock.GetUtcNow() < expires
                    ? new TriggerSelection(BurstRunOutcome.Retain)
                    : new TriggerSelection(BurstRunOutcome.DeadLetter, Reason: $"No {kind} bookmark \"{key}\" appeared before the stimulus expired.");

            case WorkItemKinds.Continue:
                return TriggerSelection.Run(new BurstTrigger.ContinueBurst(), extras);

            case WorkItemKinds.Cancel:
                var reason = (JsonNode.Parse(item.PayloadJson ?? "{}") as JsonObject)?["reason"]?.GetValue<string>() ?? "Cancelled.";
                return TriggerSelection.Run(new BurstTrigger.Cancel(reason), extras);

            case WorkItemKinds.Retry:
                return instance.Status == InstanceStatus.Faulted
                    ? TriggerSelection.Run(new BurstTrigger.Retry(), extras with { ResolveIncidents = true })
                    : TriggerSelection.NoOp;

            default:
                return new TriggerSelection(BurstRunOutcome.DeadLetter, Reason: $"Unknown work item kind \"{item.Kind}\".");
        }
    }

    private async Task StartAsync(WorkItemRecord item, CancellationToken cancellationToken)
    {
        var payload = JsonNode.Parse(item.PayloadJson ?? "{}") as JsonObject ?? [];
        var trigger = payload["triggerEvent"] as JsonObject;
        var parent = payload["parent"] as JsonObject;
        try
        {
            await runtime.StartAsync(new StartWorkflowRequest
            {
                OrgId = item.OrgId,
                DefinitionId = payload["definitionId"]?.GetValue<string>() ?? "",
                VersionId = payload["versionId"]?.GetValue<string>() is { } v ? Guid.Parse(v) : null,
                Input = payload["input"]?.DeepClone() as JsonObject,
                CorrelationId = payload["correlationId"]?.GetValue<string>(),
                IdempotencyKey = item.IdempotencyKey,
                StartNodeId = payload["startNodeId"]?.GetValue<string>(),
                TriggerEvent = trigger is null ? null : new PendingResume(
                    trigger["kind"]?.GetValue<string>() ?? "", trigger["key"]?.GetValue<string>() ?? "", trigger["payload"]?.DeepClone()),
                Parent = parent is null ? null : new ParentLink(Guid.Parse(parent["instanceId"]!.GetValue<string>()), parent["key"]!.GetValue<string>()),
            }, cancellationToken);
        }
        catch (WorkflowNotFoundException ex) when (item.Kind == WorkItemKinds.Schedule)
        {
            // The schedule's version was retracted or replaced after this fire was queued.
            LogStaleSchedule(logger, item.Id, ex.Message);
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Work item {ItemId} ({Kind}, attempt {Attempt}) failed; it will be retried")]
    private static partial void LogFailed(ILogger logger, Exception exception, Guid itemId, string kind, int attempt);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Burst for instance {InstanceId} ({Kind}) was fenced: another node committed first")]
    private static partial void LogFenced(ILogger logger, Guid instanceId, string kind);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Work item {ItemId} dead-lettered: {Reason}")]
    private static partial void LogDeadLettered(ILogger logger, Guid itemId, string reason);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Information, Message = "Schedule fire {ItemId} dropped: {Reason}")]
    private static partial void LogStaleSchedule(ILogger logger, Guid itemId, string reason);
}
