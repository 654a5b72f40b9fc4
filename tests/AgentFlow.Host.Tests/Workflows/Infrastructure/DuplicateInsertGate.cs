using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>
/// Orders two concurrent inserts of work items with the same idempotency key (suffix) into one exact interleaving:
/// both pass the runtime's duplicate check, the first insert commits, the second conflicts on the unique key, and the
/// second's failure is held until <see cref="ReleaseFailureWhen"/> holds (e.g. the first item has been applied and
/// deleted by a worker) before it reaches the runtime's conflict handling.
/// </summary>
public sealed class DuplicateInsertGate(string idempotencyKeySuffix) : SaveChangesInterceptor, IWorkflowDbInterceptor
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TaskCompletionSource _bothArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _firstSaved = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _secondSettled = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrivals;
    private DbContext? _first;
    private DbContext? _second;

    /// <summary>What must be true before the second insert's failure is let through.</summary>
    public Func<Task<bool>> ReleaseFailureWhen { get; set; } = () => Task.FromResult(true);

    /// <summary>Whether the second insert failed (and was held).</summary>
    public bool SecondFailed { get; private set; }

    public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (eventData.Context is not { } context || !InsertsGatedItem(context))
        {
            return result;
        }

        var arrival = Interlocked.Increment(ref _arrivals);
        if (arrival > 2)
        {
            return result;
        }

        if (arrival == 1)
        {
            _first = context;
        }
        else
        {
            _second = context;
            _bothArrived.TrySetResult();
        }

        await _bothArrived.Task.WaitAsync(Timeout, cancellationToken);
        if (arrival == 2)
        {
            await _firstSaved.Task.WaitAsync(Timeout, cancellationToken);
        }

        return result;
    }

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (_first is not null && ReferenceEquals(eventData.Context, _first))
        {
            _firstSaved.TrySetResult();
        }
        else if (_second is not null && ReferenceEquals(eventData.Context, _second))
        {
            _secondSettled.TrySetResult();
        }

        return ValueTask.FromResult(result);
    }

    public override async Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(eventData);
        if (_second is null || !ReferenceEquals(eventData.Context, _second) || SecondFailed)
        {
            return;
        }

        SecondFailed = true;
        _secondSettled.TrySetResult();
        await WorkflowClusterExtensions.WaitUntilAsync(ReleaseFailureWhen, Timeout, () => "the condition that releases the conflicting insert");
    }

    /// <summary>
    /// Holds the workers' claims until the second insert has hit the database: otherwise a fast worker can apply and
    /// delete the first item before the second insert runs, and the two inserts never conflict.
    /// </summary>
    public IWorkflowDbInterceptor ClaimHold => new ClaimHoldInterceptor(this);

    private bool InsertsGatedItem(DbContext context) => context.ChangeTracker.Entries<WorkItemRecord>()
        .Any(e => e.State == EntityState.Added && e.Entity.IdempotencyKey.EndsWith(idempotencyKeySuffix, StringComparison.Ordinal));

    private sealed class ClaimHoldInterceptor(DuplicateInsertGate gate) : DbCommandInterceptor, IWorkflowDbInterceptor
    {
        public override async ValueTask<InterceptionResult<System.Data.Common.DbDataReader>> ReaderExecutingAsync(
            System.Data.Common.DbCommand command, CommandEventData eventData, InterceptionResult<System.Data.Common.DbDataReader> result, CancellationToken cancellationToken = default)
        {
            ArgumentNullException.ThrowIfNull(command);
            if (command.CommandText.Contains("UPDATE workflow_work_items SET \"LockedBy\"", StringComparison.Ordinal) && gate._firstSaved.Task.IsCompleted)
            {
                await gate._secondSettled.Task.WaitAsync(Timeout, cancellationToken);
            }

            return result;
        }
    }
}
