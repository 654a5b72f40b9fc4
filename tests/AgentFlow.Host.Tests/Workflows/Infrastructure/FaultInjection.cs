using System.Data.Common;
using System.Text.RegularExpressions;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>The error a fault injector throws, so tests can tell it from a real failure.</summary>
public sealed class InjectedFaultException(string message) : Exception(message);

/// <summary>
/// How many faults an injector still throws: none until armed, then a fixed number or until disarmed. Shared by the
/// injectors below; thread-safe because workers of several loops save concurrently.
/// </summary>
public abstract class FaultSwitch
{
    private const int Always = -1;
    private int _remaining;
    private int _fired;

    /// <summary>How many faults were thrown so far.</summary>
    public int Fired => Volatile.Read(ref _fired);

    /// <summary>Throws on the next <paramref name="times"/> matching operations.</summary>
    public void Arm(int times = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(times);
        Volatile.Write(ref _remaining, times);
    }

    /// <summary>Throws on every matching operation until <see cref="Disarm"/>.</summary>
    public void ArmAlways() => Volatile.Write(ref _remaining, Always);

    public void Disarm() => Volatile.Write(ref _remaining, 0);

    /// <summary>Consumes one fault if armed; true when the caller must throw.</summary>
    protected bool TryConsume()
    {
        while (true)
        {
            var remaining = Volatile.Read(ref _remaining);
            if (remaining == 0)
            {
                return false;
            }

            var next = remaining == Always ? Always : remaining - 1;
            if (Interlocked.CompareExchange(ref _remaining, next, remaining) == remaining)
            {
                Interlocked.Increment(ref _fired);
                return true;
            }
        }
    }
}

/// <summary>
/// Throws from <c>SaveChanges</c> when the context is about to insert an entity of type <typeparamref name="TEntity"/>,
/// i.e. after the burst ran in memory and inside the commit's transaction: a crash between execution and commit.
/// </summary>
public sealed class SaveChangesFault<TEntity> : FaultSwitch, ISaveChangesInterceptor, IWorkflowDbInterceptor
    where TEntity : class
{
    public InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
    {
        ThrowIfMatching(eventData);
        return result;
    }

    public ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ThrowIfMatching(eventData);
        return ValueTask.FromResult(result);
    }

    private void ThrowIfMatching(DbContextEventData eventData)
    {
        var adds = eventData.Context?.ChangeTracker.Entries<TEntity>().Any(e => e.State == EntityState.Added) ?? false;
        if (adds && TryConsume())
        {
            throw new InjectedFaultException($"Injected fault: crash while saving a new {typeof(TEntity).Name}.");
        }
    }
}

/// <summary>
/// Throws when a command inserting into <paramref name="table"/> is about to run. Statements sent before it in the same
/// transaction (the fenced instance update, bookmark deletes, earlier inserts) did run: only the rollback undoes them.
/// </summary>
public sealed class InsertCommandFault(string table) : FaultSwitch, IDbCommandInterceptor, IWorkflowDbInterceptor
{
    private readonly Regex _insert = new($"INSERT INTO \"?{Regex.Escape(table)}\"?", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant);

    public InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        ThrowIfMatching(command);
        return result;
    }

    public ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        ThrowIfMatching(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        ThrowIfMatching(command);
        return result;
    }

    public ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
    {
        ThrowIfMatching(command);
        return ValueTask.FromResult(result);
    }

    public InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        ThrowIfMatching(command);
        return result;
    }

    public ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result, CancellationToken cancellationToken = default)
    {
        ThrowIfMatching(command);
        return ValueTask.FromResult(result);
    }

    private void ThrowIfMatching(DbCommand command)
    {
        if (_insert.IsMatch(command.CommandText) && TryConsume())
        {
            throw new InjectedFaultException($"Injected fault: crash while inserting into {table}.");
        }
    }
}
