using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Engine.Activity;

/// <summary>
/// The only writer of activity rows: drains the recorder's queue and inserts what has gathered (up to
/// <see cref="ActivityOptions.MaxBatchSize"/> records) in one transaction, then hands the committed events to
/// <see cref="ActivityHub"/>. Batches form by themselves under load (group commit): while one batch is being
/// written the next one queues up, so an idle system writes each record at once and a busy one in large batches.
/// </summary>
/// <remarks>
/// Shutdown: the queue is closed (later records are dropped and counted) and everything already queued is written
/// before the service stops, within the host's shutdown timeout. A batch the database refuses is retried three
/// times with a short backoff, then dropped and logged, so one poison batch cannot stop activity for good.
/// </remarks>
internal sealed partial class ActivityWriter(
    ActivityRecorder recorder,
    ActivityHub hub,
    IServiceScopeFactory scopes,
    IOptions<ActivityOptions> options,
    TimeProvider time,
    ILogger<ActivityWriter> logger) : IHostedService
{
    private static readonly TimeSpan[] RetryDelays = [TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];
    private long _written;

    /// <summary>Rows written since start (events, tool calls opened and messages).</summary>
    public long Written => Interlocked.Read(ref _written);

    private Task? _loop;

    // Not a BackgroundService: its loop is started with the stopping token, so a stop that comes before the loop
    // got going would cancel it unrun and drop the queue. This loop takes no token and ends when the queue does.
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop = Task.Run(DrainAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Closes the queue and waits (up to the host's shutdown timeout) until what it held is written.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        recorder.Complete();
        if (_loop is { } loop)
        {
            await loop.WaitAsync(cancellationToken);
        }
    }

    private async Task DrainAsync()
    {
        var reader = recorder.Reader;
        var batch = new List<ActivityOp>(options.Value.MaxBatchSize);
        var flushes = new List<FlushOp>();
        // Ends only when the queue is completed (StopAsync) and empty: shutdown drains it.
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (batch.Count < options.Value.MaxBatchSize && reader.TryRead(out var op))
            {
                if (op is FlushOp flush)
                {
                    flushes.Add(flush);
                    // A flush waits only for what came before it: write now rather than grow the batch further.
                    break;
                }

                batch.Add(op);
            }

            if (batch.Count > 0)
            {
                await WriteWithRetryAsync(batch);
                batch.Clear();
            }

            foreach (var flush in flushes)
            {
                flush.Done.TrySetResult();
            }

            flushes.Clear();
        }
    }

    private async Task WriteWithRetryAsync(List<ActivityOp> batch)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var events = await WriteAsync(batch);
                Interlocked.Add(ref _written, batch.Count(op => op is not ToolEndOp));
                events.Sort((a, b) => a.Id.CompareTo(b.Id));
                hub.Publish(events);
                return;
            }
            catch (Exception exception) when (attempt < RetryDelays.Length)
            {
                LogRetry(logger, batch.Count, attempt + 1, exception);
                await Task.Delay(RetryDelays[attempt], time);
            }
            catch (Exception exception)
            {
                LogBatchDropped(logger, batch.Count, exception);
                return;
            }
        }
    }

    /// <summary>Writes one batch in a fresh scope with no tenant (rows carry their own organisation).</summary>
    private async Task<List<ActivityEvent>> WriteAsync(List<ActivityOp> batch)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        var events = new List<ActivityEvent>(batch.Count);
        var opened = new Dictionary<Guid, ToolCallRecord>();
        var ends = new List<ToolEndOp>();
        foreach (var op in batch)
        {
            switch (op)
            {
                case EventOp e:
                    events.Add(Copy(e.Event));
                    break;
                case ToolStartOp s:
                    var call = Copy(s.Call);
                    opened[call.Id] = call;
                    db.ToolCalls.Add(call);
                    events.Add(Copy(s.Event));
                    break;
                case MessageOp m:
                    db.ConversationMessages.Add(Copy(m.Message));
                    events.Add(Copy(m.Event));
                    break;
                case ToolEndOp end:
                    ends.Add(end);
                    break;
            }
        }

        if (ends.Count > 0)
        {
            var missing = ends.Select(e => e.Input.ToolCallId).Where(id => !opened.ContainsKey(id)).Distinct().ToList();
            if (missing.Count > 0)
            {
                foreach (var call in await db.ToolCalls.IgnoreQueryFilters().Where(c => missing.Contains(c.Id)).ToListAsync())
                {
                    opened[call.Id] = call;
                }
            }

            foreach (var end in ends)
            {
                if (opened.TryGetValue(end.Input.ToolCallId, out var call) && call.OrgId == end.Input.OrgId && call.Status == ToolCallStatus.Running)
                {
                    events.Add(Close(call, end));
                }
                else
                {
                    // Unknown id, another organisation's call, or already closed: nothing of it is believable.
                    LogEndIgnored(logger, end.Input.ToolCallId);
                }
            }
        }

        db.ActivityEvents.AddRange(events);
        await db.SaveChangesAsync();
        return events;
    }

    private static ActivityEvent Close(ToolCallRecord call, ToolEndOp end)
    {
        var input = end.Input;
        call.Status = input.Success ? ToolCallStatus.Succeeded : ToolCallStatus.Failed;
        call.Success = input.Success;
        call.Output = ActivityRecorder.Cut(input.Output, ActivityLimits.ToolOutputLength);
        call.Error = ActivityRecorder.Cut(input.Error, ActivityLimits.ErrorLength);
        call.CompletedAt = end.CompletedAt;
        call.DurationMs = input.DurationMs ?? (long)Math.Max(0, (end.CompletedAt - call.StartedAt).TotalMilliseconds);
        call.InputTokens = input.InputTokens;
        call.OutputTokens = input.OutputTokens;
        call.CostMicroUsd = ActivityRecorder.ToMicroUsd(input.CostUsd);
        return new ActivityEvent
        {
            OrgId = call.OrgId,
            AgentId = call.AgentId,
            SessionId = call.SessionId,
            Type = input.Success ? ActivityTypes.ToolCallEnd : ActivityTypes.ToolCallError,
            Data = SecretMasker.MaskToJson(new Dictionary<string, object?>
            {
                ["toolCallId"] = call.Id,
                ["toolId"] = call.ToolId,
                ["durationMs"] = call.DurationMs,
                ["success"] = input.Success,
                ["error"] = call.Error,
            }),
            Timestamp = end.CompletedAt,
        };
    }

    // A retry must not see ids or tracking state left on the instances by a failed attempt.
    private static ActivityEvent Copy(ActivityEvent e) => new()
    {
        OrgId = e.OrgId, AgentId = e.AgentId, SessionId = e.SessionId, Type = e.Type, Data = e.Data, Timestamp = e.Timestamp,
    };

    private static ToolCallRecord Copy(ToolCallRecord c) => new()
    {
        Id = c.Id, OrgId = c.OrgId, AgentId = c.AgentId, SessionId = c.SessionId, ToolId = c.ToolId, ToolName = c.ToolName,
        Parameters = c.Parameters, Status = c.Status, StartedAt = c.StartedAt, PermissionAllowed = c.PermissionAllowed,
        PermissionReason = c.PermissionReason, RequiredApproval = c.RequiredApproval, ApprovalId = c.ApprovalId,
    };

    private static ConversationMessage Copy(ConversationMessage m) => new()
    {
        Id = m.Id, OrgId = m.OrgId, AgentId = m.AgentId, SessionId = m.SessionId, Role = m.Role, Content = m.Content,
        Channel = m.Channel, TokenCount = m.TokenCount, CostMicroUsd = m.CostMicroUsd, Timestamp = m.Timestamp,
    };

    [LoggerMessage(EventId = 5002, EventName = "ActivityBatchRetry", Level = LogLevel.Warning, Message = "Writing {Count} activity records failed (attempt {Attempt}); retrying")]
    private static partial void LogRetry(ILogger logger, int count, int attempt, Exception exception);

    [LoggerMessage(EventId = 5003, EventName = "ActivityBatchDropped", Level = LogLevel.Error, Message = "Gave up writing {Count} activity records")]
    private static partial void LogBatchDropped(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 5004, EventName = "ActivityToolEndIgnored", Level = LogLevel.Warning, Message = "Tool call end for {ToolCallId} ignored: no open call of that organisation")]
    private static partial void LogEndIgnored(ILogger logger, Guid toolCallId);
}
