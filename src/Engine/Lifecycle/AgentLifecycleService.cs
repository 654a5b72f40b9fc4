using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Lifecycle;

/// <summary>
/// Moves the agents of the organisation in scope through their lifecycle and keeps the history. A transition
/// writes the new state and its history row in one transaction, and the state only changes if it is still the one
/// the decision was made on: of two concurrent conflicting transitions exactly one is stored, the other is refused
/// (409) against the state the winner left. Background actors (orchestrator, health monitor) call it from a scope
/// acting for the agent's organisation (<c>ScopedTenantContext.Use</c>). Every stored transition is also an
/// <c>agent_state_changed</c> activity event, so live views (the Studio) see state changes as they happen.
/// </summary>
public sealed class AgentLifecycleService(AgentFlowDbContext db, TimeProvider time, IActivityRecorder activity)
{
    public const string StateChangedEvent = "agent_state_changed";

    public const int ReasonLength = 500;
    public const int ActorLength = 64;

    /// <summary>
    /// Fires <paramref name="trigger"/> for the agent and stores the transition; <paramref name="actor"/> is a user id,
    /// or <see cref="AgentActors.System"/> / <see cref="AgentActors.HealthMonitor"/>.
    /// </summary>
    /// <exception cref="ResourceNotFoundException">No such agent in the organisation in scope.</exception>
    /// <exception cref="InvalidTransitionException">The trigger is not allowed from the agent's state (or the state changed meanwhile).</exception>
    /// <exception cref="InputValidationException">The reason is too long.</exception>
    public async Task<AgentStateHistory> FireAsync(Guid agentId, AgentTrigger trigger, string actor, string? reason, CancellationToken cancellationToken = default)
    {
        var cleanReason = ValidateReason(reason);
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken)
            ?? throw new ResourceNotFoundException("Agent", agentId.ToString());
        var transition = new AgentStateMachine(agent.State, AgentConfigView.Of(agent).IsComplete).Fire(trigger);

        // A caller already in a transaction (an orchestrator step) gets the transition as part of its own unit of work.
        var owned = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(cancellationToken) : null;
        try
        {
            var row = await ApplyAsync(agentId, transition, actor, cleanReason, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            if (owned is not null)
            {
                await owned.CommitAsync(cancellationToken);
            }

            // In a caller's transaction the event goes out at its save: a later rollback of that transaction (a failed
            // orchestrator step) is followed by the step's own failure event, so a watcher is never left misinformed.
            RecordStateChange(agent.OrgId, row);
            return row;
        }
        finally
        {
            if (owned is not null)
            {
                await owned.DisposeAsync();
            }
        }
    }

    /// <summary>What <paramref name="trigger"/> would do now, without doing it (the routes check before they call the orchestrator).</summary>
    /// <exception cref="ResourceNotFoundException">No such agent in the organisation in scope.</exception>
    /// <exception cref="InvalidTransitionException">The trigger is not allowed from the agent's state.</exception>
    public async Task<AgentTransition> CheckAsync(Guid agentId, AgentTrigger trigger, CancellationToken cancellationToken = default)
    {
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken)
            ?? throw new ResourceNotFoundException("Agent", agentId.ToString());
        return new AgentStateMachine(agent.State, AgentConfigView.Of(agent).IsComplete).Fire(trigger);
    }

    /// <summary>The agent's transitions, newest first.</summary>
    /// <exception cref="ResourceNotFoundException">No such agent in the organisation in scope.</exception>
    public async Task<Page<AgentStateHistory>> HistoryAsync(Guid agentId, PageRequest page, CancellationToken cancellationToken = default)
    {
        if (!await db.Agents.AnyAsync(a => a.Id == agentId, cancellationToken))
        {
            throw new ResourceNotFoundException("Agent", agentId.ToString());
        }

        return await db.AgentStateHistory.AsNoTracking()
            .Where(h => h.AgentId == agentId)
            .OrderByDescending(h => h.Sequence)
            .ToPageAsync(page, cancellationToken);
    }

    /// <summary>
    /// Inside the caller's transaction: moves the stored state from <c>transition.From</c> to <c>transition.To</c>
    /// if it is still <c>From</c>, and adds (unsaved) the history row. The conditional update also serialises the
    /// agent's transitions, which makes the next history sequence number safe to compute.
    /// </summary>
    /// <exception cref="InvalidTransitionException">The state changed since the decision; recomputed against the new state.</exception>
    internal async Task<AgentStateHistory> ApplyAsync(Guid agentId, AgentTransition transition, string actor, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var updated = await db.Agents
            .Where(a => a.Id == agentId && a.State == transition.From)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.State, transition.To).SetProperty(a => a.UpdatedAt, now), cancellationToken);
        if (updated == 0)
        {
            var current = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken)
                ?? throw new ResourceNotFoundException("Agent", agentId.ToString());
            var machine = new AgentStateMachine(current.State, AgentConfigView.Of(current).IsComplete);
            throw new InvalidTransitionException(current.State, transition.Trigger, machine.PermittedTriggers);
        }

        var last = await db.AgentStateHistory.Where(h => h.AgentId == agentId).MaxAsync(h => (long?)h.Sequence, cancellationToken) ?? 0;
        var row = NewRow(agentId, last + 1, transition.From, transition.To, AgentTriggerNames.ToName(transition.Trigger), actor, reason, now);
        db.AgentStateHistory.Add(row);
        return row;
    }

    internal void RecordStateChange(Guid orgId, AgentStateHistory row) =>
        activity.Record(new ActivityEventInput(orgId, row.AgentId, StateChangedEvent, new Dictionary<string, object?>
        {
            ["from"] = row.From,
            ["to"] = row.To,
            ["trigger"] = row.Trigger,
            ["actor"] = row.Actor,
            ["reason"] = row.Reason,
        }));

    /// <summary>The first row of an agent's history (no state before it), added alongside the new agent.</summary>
    internal static AgentStateHistory Created(Agent agent, string actor) =>
        NewRow(agent.Id, 1, null, agent.State, AgentTriggerNames.Create, actor, null, agent.CreatedAt);

    /// <exception cref="InputValidationException">The reason is longer than <see cref="ReasonLength"/>.</exception>
    public static string? ValidateReason(string? reason, string field = "reason")
    {
        if (string.IsNullOrWhiteSpace(reason))
        {
            return null;
        }

        var errors = new FieldErrors();
        var clean = errors.Text(field, reason, ReasonLength, required: false);
        errors.ThrowIfAny();
        return clean;
    }

    private static AgentStateHistory NewRow(Guid agentId, long sequence, string? from, string to, string trigger, string actor, string? reason, DateTimeOffset at)
    {
        if (string.IsNullOrWhiteSpace(actor) || actor.Length > ActorLength)
        {
            throw new ArgumentException($"An actor is a user id or a name of at most {ActorLength} characters.", nameof(actor));
        }

        return new AgentStateHistory
        {
            Id = Guid.CreateVersion7(at),
            AgentId = agentId,
            Sequence = sequence,
            From = from,
            To = to,
            Trigger = trigger,
            Actor = actor,
            Reason = reason,
            At = at,
        };
    }
}
