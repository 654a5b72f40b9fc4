using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Workflows.Runtime;

/// <summary>How a burst attempt on an existing instance ended.</summary>
public enum BurstRunOutcome
{
    /// <summary>The burst was committed.</summary>
    Committed,

    /// <summary>Nothing to do (the bookmark is gone, the instance finished, the stimulus was applied before).</summary>
    NoOp,

    /// <summary>Another node holds the instance's lease.</summary>
    LeaseBusy,

    /// <summary>Another node committed first; nothing of this burst was written.</summary>
    Fenced,

    /// <summary>The stimulus matches no bookmark yet; keep it for its time to live.</summary>
    Retain,

    /// <summary>The stimulus can never apply; park it for inspection.</summary>
    DeadLetter,

    /// <summary>The instance does not exist.</summary>
    Missing,
}

/// <summary>The trigger a caller picked for a leased instance, or why there is nothing to run.</summary>
public sealed record TriggerSelection(BurstRunOutcome Outcome, BurstTrigger? Trigger = null, CommitExtras? Extras = null, string? Reason = null)
{
    public static TriggerSelection Run(BurstTrigger trigger, CommitExtras extras) => new(BurstRunOutcome.Committed, trigger, extras);

    public static readonly TriggerSelection NoOp = new(BurstRunOutcome.NoOp);
}

/// <summary>The result of <see cref="InstanceBurstRunner.RunAsync"/>.</summary>
public sealed record BurstRun(BurstRunOutcome Outcome, BurstResult? Result = null, string? Reason = null);

/// <summary>
/// Lease → load → pick trigger → run burst → fenced commit → release, for an existing instance. Used by the workers
/// (work items) and inline by requests that must answer synchronously (HTTP resumes).
/// </summary>
public sealed class InstanceBurstRunner(
    IDbContextFactory<WorkflowDbContext> contexts,
    WorkflowGraphCache graphs,
    StepExecutor executor,
    BurstCommitter committer,
    InstanceLeases leases,
    RuntimeSignals signals)
{
    public delegate Task<TriggerSelection> TriggerSelector(WorkflowDbContext db, WorkflowInstanceRecord instance, CancellationToken cancellationToken);

    public async Task<BurstRun> RunAsync(Guid instanceId, TriggerSelector select, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(select);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var leased = await leases.TryAcquireAndLoadAsync(db, instanceId, cancellationToken);
        if (leased is null)
        {
            var exists = await db.Instances.AnyAsync(i => i.Id == instanceId, cancellationToken);
            return new BurstRun(exists ? BurstRunOutcome.LeaseBusy : BurstRunOutcome.Missing);
        }

        var (lease, instance) = leased;
        var committed = false;
        try
        {
            var selection = await select(db, instance, cancellationToken);
            if (selection.Outcome != BurstRunOutcome.Committed || selection.Trigger is null)
            {
                return new BurstRun(selection.Outcome, null, selection.Reason);
            }

            var graph = await graphs.GetAsync(db, instance.DefinitionVersionId, null, cancellationToken);
            var state = InstanceState.Deserialize(instance.StateJson);
            var result = await executor.RunAsync(graph, instance.Id, state, selection.Trigger, cancellationToken);
            if (!result.Applied)
            {
                // Only a no-op if what was read is still current; otherwise someone committed in between: try again.
                var current = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId).Select(i => i.RowVersion).FirstOrDefaultAsync(cancellationToken);
                return new BurstRun(current == instance.RowVersion ? BurstRunOutcome.NoOp : BurstRunOutcome.Fenced);
            }

            committed = await committer.CommitAsync(db, instance, result, selection.Extras ?? new CommitExtras(), cancellationToken);
            if (!committed)
            {
                return new BurstRun(BurstRunOutcome.Fenced);
            }

            AfterCommit(instance.Id, result, signals);
            return new BurstRun(BurstRunOutcome.Committed, result);
        }
        finally
        {
            if (!committed)
            {
                // The commit releases the lease itself; on every other path give it back now rather than on expiry.
                db.ChangeTracker.Clear();
                await InstanceLeases.ReleaseAsync(db, instanceId, lease, CancellationToken.None);
            }
        }
    }

    internal static void AfterCommit(Guid instanceId, BurstResult result, RuntimeSignals signals)
    {
        if (result.Outbox.Count > 0)
        {
            signals.NudgeOutbox();
        }

        if (result.NeedsContinue || (result.IsFinal && result.State.Parent is not null))
        {
            signals.NudgeWorkers();
        }

        signals.Committed(instanceId, result.Status);
    }
}
