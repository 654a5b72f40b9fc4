using System.Collections.Concurrent;
using AgentFlow.Workflows.Persistence;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// In-process wake-ups after a commit (new work, new outbox rows). Purely an optimisation: every loop also polls the
/// database, so a lost nudge (or work committed by another node) only costs one poll interval.
/// </summary>
public sealed class RuntimeSignals : IDisposable
{
    private readonly SemaphoreSlim _work = new(0, int.MaxValue);
    private readonly SemaphoreSlim _outbox = new(0, int.MaxValue);
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _idle = new();

    public void NudgeWorkers()
    {
        if (_work.CurrentCount == 0)
        {
            _work.Release();
        }
    }

    public void NudgeOutbox()
    {
        if (_outbox.CurrentCount == 0)
        {
            _outbox.Release();
        }
    }

    public Task<bool> WaitForWorkAsync(TimeSpan timeout, CancellationToken cancellationToken) => _work.WaitAsync(timeout, cancellationToken);

    public Task<bool> WaitForOutboxAsync(TimeSpan timeout, CancellationToken cancellationToken) => _outbox.WaitAsync(timeout, cancellationToken);

    /// <summary>A task that completes when this node next commits a burst of the instance that leaves it not running.</summary>
    public Task WhenIdle(Guid instanceId) =>
        _idle.GetOrAdd(instanceId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

    public void Committed(Guid instanceId, InstanceStatus status)
    {
        if (status != InstanceStatus.Running && _idle.TryRemove(instanceId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }

    public void Dispose()
    {
        _work.Dispose();
        _outbox.Dispose();
    }
}
