using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using AgentFlow.Client;

namespace AgentFlow.AgentRuntime;

/// <summary>Where a task is.</summary>
internal enum AgentTaskState
{
    Running,
    WaitingForApproval,
    Completed,
    Failed,
}

/// <summary>One tool call the runtime was asked to make, and how it went.</summary>
internal sealed class AgentTask(Guid id, string toolId, JsonElement? arguments, DateTimeOffset createdAt)
{
    private readonly Lock _lock = new();

    public Guid Id { get; } = id;

    public string ToolId { get; } = toolId;

    public JsonElement? Arguments { get; } = arguments;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    public AgentTaskState State { get; private set; } = AgentTaskState.Running;

    public Guid? ToolCallId { get; private set; }

    public Guid? ApprovalId { get; private set; }

    public object? Result { get; private set; }

    public string? Error { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    /// <summary>Completes when the task is completed or failed (for <c>?wait=true</c>).</summary>
    public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void WaitForApproval(Guid approvalId)
    {
        lock (_lock)
        {
            ApprovalId = approvalId;
            State = AgentTaskState.WaitingForApproval;
        }
    }

    public void Resume()
    {
        lock (_lock)
        {
            State = AgentTaskState.Running;
        }
    }

    public void Complete(Guid? toolCallId, object result, DateTimeOffset at)
    {
        lock (_lock)
        {
            ToolCallId = toolCallId;
            Result = result;
            State = AgentTaskState.Completed;
            FinishedAt = at;
        }

        Done.TrySetResult();
    }

    public void Fail(string error, DateTimeOffset at)
    {
        lock (_lock)
        {
            Error = error;
            State = AgentTaskState.Failed;
            FinishedAt = at;
        }

        Done.TrySetResult();
    }

    public object ToJson()
    {
        lock (_lock)
        {
            return new
            {
                id = Id,
                toolId = ToolId,
                status = State switch
                {
                    AgentTaskState.Running => "running",
                    AgentTaskState.WaitingForApproval => "waitingForApproval",
                    AgentTaskState.Completed => "completed",
                    _ => "failed",
                },
                toolCallId = ToolCallId,
                approvalId = ApprovalId,
                result = Result,
                error = Error,
                createdAt = CreatedAt,
                finishedAt = FinishedAt,
            };
        }
    }
}

/// <summary>
/// Runs tool calls through the <see cref="EnterpriseHook"/>, never around it: ask, wait for a human when the server
/// says so, ask again with the approval, run, report. Tasks live in memory (the runtime is one agent's process).
/// </summary>
internal sealed partial class AgentTaskRunner(
    EnterpriseHook? hook, RuntimeSettings settings, TimeProvider time, IHostApplicationLifetime lifetime, ILogger<AgentTaskRunner> logger)
{
    // Finished tasks kept for GET /tasks/{id}; older ones are dropped so a long-running agent does not grow forever.
    private const int MaxFinishedTasks = 1000;

    private readonly ConcurrentDictionary<Guid, AgentTask> _tasks = new();
    private readonly ConcurrentQueue<Guid> _finished = new();
    private long _lastActivityTicks;

    public DateTimeOffset? LastActivityAt => Interlocked.Read(ref _lastActivityTicks) is var t and > 0 ? new DateTimeOffset(t, TimeSpan.Zero) : null;

    public long CompletedCount { get; private set; }

    public long FailedCount { get; private set; }

    public AgentTask? Find(Guid id) => _tasks.GetValueOrDefault(id);

    public (int Running, int WaitingForApproval) Active()
    {
        int running = 0, waiting = 0;
        foreach (var task in _tasks.Values)
        {
            if (task.State == AgentTaskState.Running)
            {
                running++;
            }
            else if (task.State == AgentTaskState.WaitingForApproval)
            {
                waiting++;
            }
        }

        return (running, waiting);
    }

    public AgentTask Start(string toolId, JsonElement? arguments, ToolRisk? riskHint)
    {
        var task = new AgentTask(Guid.NewGuid(), toolId, arguments, time.GetUtcNow());
        _tasks[task.Id] = task;
        Touch();
        LogTaskStarted(logger, task.Id, toolId);

        // Runs past the request that started it (202 + polling), but not past the process: stopping cancels it.
        _ = Task.Run(() => RunAsync(task, riskHint, lifetime.ApplicationStopping), CancellationToken.None);
        return task;
    }

    private async Task RunAsync(AgentTask task, ToolRisk? riskHint, CancellationToken cancellationToken)
    {
        try
        {
            if (hook is null)
            {
                Finish(task, "AGENTFLOW_SERVER_URL and AGENTFLOW_AGENT_KEY must be set for the runtime to call tools");
                return;
            }

            var risk = riskHint ?? SimulatedTools.RiskOf(task.ToolId);
            object? arguments = task.Arguments;
            var decision = await hook.BeforeToolCallAsync(task.ToolId, arguments, risk, sessionId: task.Id.ToString(), cancellationToken: cancellationToken);
            if (!decision.Allowed && decision.RequiresApproval)
            {
                if (decision.ApprovalId is not { } approvalId)
                {
                    Finish(task, $"The call requires an approval but the server opened none: {decision.Reason}");
                    return;
                }

                task.WaitForApproval(approvalId);
                LogWaitingForApproval(logger, task.Id, task.ToolId, approvalId);
                var approval = await hook.WaitForApprovalAsync(approvalId, settings.ApprovalTimeout, cancellationToken);
                Touch();
                if (approval.Status != ApprovalStatus.Approved)
                {
                    var reason = approval.Status switch
                    {
                        ApprovalStatus.Denied => "Approval denied",
                        ApprovalStatus.Expired => "Approval expired",
                        _ => "Approval not decided in time",
                    };
                    Finish(task, string.IsNullOrEmpty(approval.Reason) ? reason : $"{reason}: {approval.Reason}");
                    return;
                }

                task.Resume();
                decision = await hook.BeforeToolCallAsync(task.ToolId, arguments, risk, sessionId: task.Id.ToString(), approvalId: approvalId,
                    cancellationToken: cancellationToken);
            }

            if (!decision.Allowed)
            {
                Finish(task, $"Denied: {decision.Reason}");
                return;
            }

            var started = Stopwatch.GetTimestamp();
            var result = SimulatedTools.Run(task.ToolId, task.Arguments?.GetRawText() ?? "null");
            var duration = Stopwatch.GetElapsedTime(started);
            if (decision.ToolCallId is { } toolCallId && !await hook.AfterToolCallAsync(toolCallId, result, success: true, duration: duration, cancellationToken: cancellationToken))
            {
                LogCompletionNotReported(logger, task.Id, toolCallId);
            }

            task.Complete(decision.ToolCallId, result, time.GetUtcNow());
            lock (_tasks)
            {
                CompletedCount++;
            }

            Retire(task);
            LogTaskCompleted(logger, task.Id, task.ToolId, (long)duration.TotalMilliseconds);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Finish(task, "The runtime is shutting down");
        }
        catch (Exception e)
        {
            // A refused approval wait (4xx) or anything unexpected: the task fails, the runtime keeps serving.
            Finish(task, e.Message);
        }
    }

    private void Finish(AgentTask task, string error)
    {
        task.Fail(error, time.GetUtcNow());
        lock (_tasks)
        {
            FailedCount++;
        }

        Retire(task);
        LogTaskFailed(logger, task.Id, task.ToolId, error);
    }

    private void Retire(AgentTask task)
    {
        Touch();
        _finished.Enqueue(task.Id);
        while (_finished.Count > MaxFinishedTasks && _finished.TryDequeue(out var old))
        {
            _tasks.TryRemove(old, out _);
        }
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivityTicks, time.GetUtcNow().UtcTicks);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} started: tool {ToolId}")]
    private static partial void LogTaskStarted(ILogger logger, Guid taskId, string toolId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} waits for approval {ApprovalId} of tool {ToolId}")]
    private static partial void LogWaitingForApproval(ILogger logger, Guid taskId, string toolId, Guid approvalId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Task {TaskId} completed: tool {ToolId} in {DurationMs} ms")]
    private static partial void LogTaskCompleted(ILogger logger, Guid taskId, string toolId, long durationMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId} failed: tool {ToolId}: {Error}")]
    private static partial void LogTaskFailed(ILogger logger, Guid taskId, string toolId, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task {TaskId}: the completion of tool call {ToolCallId} could not be reported")]
    private static partial void LogCompletionNotReported(ILogger logger, Guid taskId, Guid toolCallId);
}
