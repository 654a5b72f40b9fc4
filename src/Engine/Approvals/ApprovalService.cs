using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Permissions;
using AgentFlow.Engine.Persistence;
using AgentFlow.Plugins.Skills;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentFlow.Engine.Approvals;

public sealed class ApprovalOptions
{
    public const string SectionName = "AgentFlow:Approvals";

    /// <summary>How long after the decision an approval can be used by the agent's call.</summary>
    public TimeSpan UseWithin { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The longest a <c>wait</c> request is held open.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(60);
}

/// <summary>Starts the <c>tool-approval</c> workflow for a request and tells it a request was decided (the Host implements it on the runtime).</summary>
public interface IApprovalWorkflowLauncher
{
    Task<Guid?> StartAsync(Guid orgId, Guid requestId, CancellationToken cancellationToken);

    Task NotifyDecidedAsync(Guid orgId, Guid instanceId, Guid requestId, CancellationToken cancellationToken);
}

/// <summary>Wakes the <c>wait</c> requests of this process when a request is decided (other nodes' waits poll).</summary>
public sealed class ApprovalSignals
{
    private readonly ConcurrentDictionary<Guid, TaskCompletionSource> _waiters = new();

    public async Task WaitAsync(Guid requestId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var waiter = _waiters.GetOrAdd(requestId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await waiter.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // The caller re-reads the request either way.
        }
    }

    public void Signal(Guid requestId)
    {
        if (_waiters.TryRemove(requestId, out var waiter))
        {
            waiter.TrySetResult();
        }
    }
}

/// <summary>A call that needs approval: what the request is made from.</summary>
public sealed record NewApproval(
    Guid AgentId, string AgentName, Guid? ToolCallId, string ToolId, ToolDefinition? Tool, JsonNode? Arguments,
    ApprovalPolicyView? Policy, ProfileApproval? ProfileApproval, string Reason);

/// <summary>Who decides: the authenticated user (never a field of the body).</summary>
public sealed record ApprovalCaller(Guid UserId, UserRole Role);

/// <summary>The effect of one vote.</summary>
public sealed record ApprovalVote(ApprovalRequest Request, int Approvals, int Required, bool Final);

/// <summary>What the timeout of a level did.</summary>
public enum EscalationOutcome
{
    /// <summary>The request moved to the next level.</summary>
    Escalated,

    /// <summary>It was already decided (or another worker escalated it): nothing changed.</summary>
    Unchanged,

    /// <summary>The last level ran out and the default action decided it.</summary>
    Closed,
}

/// <summary>
/// Approval requests: made when a call needs approval (from the profile or a policy), run by the <c>tool-approval</c>
/// workflow (auto-approval, notification, waiting with the level's timeout, escalation), decided by permitted approvers
/// with a quorum of distinct users, and used once by the call they were made for (same tool, same arguments, within
/// <see cref="ApprovalOptions.UseWithin"/> of the decision). Every state change is a conditional update on the pending
/// status, so a decision racing a timeout has exactly one winner.
/// </summary>
public sealed class ApprovalService(
    AgentFlowDbContext db, IActivityRecorder recorder, ApprovalSignals signals, IEnumerable<IApprovalWorkflowLauncher> launchers,
    IOptions<ApprovalOptions> options, TimeProvider time)
{
    public const string System = "system";
    private readonly IApprovalWorkflowLauncher? _launcher = launchers.LastOrDefault();

    public async Task<ApprovalRequest> CreateAsync(NewApproval input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var orgId = db.CurrentOrgId ?? throw new InvalidOperationException("No organisation in scope.");
        var plan = PlanFor(input);
        var now = time.GetUtcNow();
        var request = new ApprovalRequest
        {
            Id = Guid.CreateVersion7(),
            AgentId = input.AgentId,
            AgentName = input.AgentName,
            ToolCallId = input.ToolCallId,
            ToolId = input.ToolId,
            ToolName = input.Tool?.Name,
            RiskLevel = input.Tool?.Risk.ToName() ?? "unknown",
            SideEffects = JsonSerializer.Serialize(input.Tool?.SideEffects ?? [], ApprovalPolicyService.Json),
            Arguments = SecretMasker.MaskToJson(input.Arguments),
            ArgumentsHash = ArgumentsHash.Of(input.Arguments),
            PolicyId = input.Policy?.Policy.Id,
            PolicyName = input.Policy?.Policy.Name,
            Reason = input.Reason,
            Plan = JsonSerializer.Serialize(plan, ApprovalPolicyService.Json),
            ExpiresAt = now.AddMinutes(plan.Levels[0].TimeoutMinutes),
            CreatedAt = now,
        };
        db.ApprovalRequests.Add(request);
        await db.SaveChangesAsync(cancellationToken);
        recorder.Record(new ActivityEventInput(orgId, input.AgentId, "approval_requested", new Dictionary<string, object?>
        {
            ["approvalId"] = request.Id,
            ["toolId"] = request.ToolId,
            ["policy"] = request.PolicyName,
            ["reason"] = request.Reason,
            ["expiresAt"] = request.ExpiresAt,
        }));

        if (_launcher is not null && await _launcher.StartAsync(orgId, request.Id, cancellationToken) is { } instanceId)
        {
            request.WorkflowInstanceId = instanceId;
            await db.ApprovalRequests.Where(r => r.Id == request.Id).ExecuteUpdateAsync(s => s.SetProperty(r => r.WorkflowInstanceId, instanceId), cancellationToken);
        }

        return request;
    }

    public async Task<ApprovalRequest> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.ApprovalRequests.AsNoTracking().Include(r => r.Decisions.OrderBy(d => d.At)).FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
        ?? throw new ResourceNotFoundException("Approval request", id.ToString());

    public async Task<(IReadOnlyList<ApprovalRequest> Items, int Total)> ListAsync(bool pending, Guid? agentId, int limit, int offset, CancellationToken cancellationToken = default)
    {
        var query = db.ApprovalRequests.AsNoTracking().Include(r => r.Decisions.OrderBy(d => d.At))
            .Where(r => pending ? r.Status == ApprovalStatus.Pending : r.Status != ApprovalStatus.Pending);
        if (agentId is { } agent)
        {
            query = query.Where(r => r.AgentId == agent);
        }

        var total = await query.CountAsync(cancellationToken);
        var items = await (pending ? query.OrderBy(r => r.CreatedAt) : query.OrderByDescending(r => r.CreatedAt))
            .ThenBy(r => r.Id).Skip(offset).Take(limit).ToListAsync(cancellationToken);
        return (items, total);
    }

    /// <summary>Records the caller's vote; a deny decides at once, approvals decide when the quorum of distinct users is reached.</summary>
    public async Task<ApprovalVote> DecideAsync(Guid id, ApprovalCaller caller, bool approve, string? reason, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(caller);
        if (reason is { Length: > 2000 })
        {
            throw InputValidationException.For("reason", "The reason is at most 2000 characters.");
        }

        var request = await GetAsync(id, cancellationToken);
        var plan = PlanOf(request);
        var now = time.GetUtcNow();
        if (request.Status != ApprovalStatus.Pending)
        {
            throw new ResourceConflictException($"Approval request {id} is already {ApprovalStatusNames.ToName(request.Status)}.", "id", "ALREADY_DECIDED");
        }

        if (now >= request.ExpiresAt)
        {
            throw new ResourceConflictException($"The time for level {request.Level} of approval request {id} has run out; it is being escalated or closed.", "id", "APPROVAL_EXPIRED");
        }

        var approvers = ApproversAt(plan, request.Level);
        if (!IsApprover(approvers, caller))
        {
            throw new OperationNotAllowedException("NOT_AN_APPROVER",
                $"You are not an approver of this request at level {request.Level} (approvers: {Describe(approvers)}).");
        }

        if (request.Decisions.Any(d => d.UserId == caller.UserId))
        {
            throw new ResourceConflictException("You have already decided on this request; a second vote by the same user does not count.", "id", "ALREADY_VOTED");
        }

        db.ApprovalDecisions.Add(new ApprovalDecision
        {
            Id = Guid.CreateVersion7(),
            RequestId = id,
            UserId = caller.UserId,
            Approve = approve,
            Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            Level = request.Level,
            At = now,
        });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The unique (request, user) index: the same user's concurrent second vote.
            throw new ResourceConflictException("You have already decided on this request; a second vote by the same user does not count.", "id", "ALREADY_VOTED");
        }

        // Counted after the vote is committed: of two concurrent last votes, the later commit sees both.
        var approvals = await db.ApprovalDecisions.CountAsync(d => d.RequestId == id && d.Approve, cancellationToken);
        var final = !approve || approvals >= plan.RequireMultiple;
        if (final)
        {
            var status = approve ? ApprovalStatus.Approved : ApprovalStatus.Denied;
            final = await CloseAsync(request, status, caller.UserId.ToString(), reason, cancellationToken);
        }
        else
        {
            recorder.Record(new ActivityEventInput(request.OrgId, request.AgentId, "approval_vote", new Dictionary<string, object?>
            {
                ["approvalId"] = id,
                ["by"] = caller.UserId,
                ["approvals"] = approvals,
                ["required"] = plan.RequireMultiple,
            }));
        }

        return new ApprovalVote(await GetAsync(id, cancellationToken), approvals, plan.RequireMultiple, final);
    }

    /// <summary>Approves the request as the system when its policy's auto-approve conditions hold on the (masked) arguments.</summary>
    public async Task<bool> TryAutoApproveAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var request = await GetAsync(id, cancellationToken);
        var plan = PlanOf(request);
        if (request.Status != ApprovalStatus.Pending || !AutoApproveRules.AllHold(plan.AutoApprove, JsonNode.Parse(request.Arguments)))
        {
            return false;
        }

        return await CloseAsync(request, ApprovalStatus.Approved, System, "Auto-approved: " + string.Join(" and ", plan.AutoApprove.Select(c => $"{c.Argument} {c.Operator} [{string.Join(", ", c.Values)}]")), cancellationToken);
    }

    /// <summary>The level <paramref name="level"/> ran out: move to the next level, or apply the default action after the last.</summary>
    public async Task<(EscalationOutcome Outcome, ApprovalRequest Request)> EscalateAsync(Guid id, int level, CancellationToken cancellationToken = default)
    {
        var request = await GetAsync(id, cancellationToken);
        if (request.Status != ApprovalStatus.Pending || request.Level != level)
        {
            return (EscalationOutcome.Unchanged, request);
        }

        var plan = PlanOf(request);
        var now = time.GetUtcNow();
        if (level < plan.Levels.Count)
        {
            var expires = now.AddMinutes(plan.Levels[level].TimeoutMinutes);
            var moved = await db.ApprovalRequests.Where(r => r.Id == id && r.Status == ApprovalStatus.Pending && r.Level == level)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.Level, level + 1).SetProperty(r => r.ExpiresAt, expires), cancellationToken);
            if (moved == 0)
            {
                return (EscalationOutcome.Unchanged, await GetAsync(id, cancellationToken));
            }

            recorder.Record(new ActivityEventInput(request.OrgId, request.AgentId, "approval_escalated", new Dictionary<string, object?>
            {
                ["approvalId"] = id,
                ["level"] = level + 1,
                ["approvers"] = Describe(ApproversAt(plan, level + 1)),
                ["expiresAt"] = expires,
            }));
            return (EscalationOutcome.Escalated, await GetAsync(id, cancellationToken));
        }

        var allow = plan.DefaultAction == ApprovalTimeout.Allow;
        var closed = await CloseAsync(request, allow ? ApprovalStatus.Approved : ApprovalStatus.Expired, System,
            allow ? "Auto-approved: approval timeout expired" : "Approval timed out", cancellationToken);
        return (closed ? EscalationOutcome.Closed : EscalationOutcome.Unchanged, await GetAsync(id, cancellationToken));
    }

    /// <summary>Uses an approval for the agent's call; null when it is valid for exactly this call, else why not.</summary>
    public async Task<string?> ConsumeAsync(Guid id, Guid agentId, string toolId, string argumentsHash, CancellationToken cancellationToken = default)
    {
        var request = await db.ApprovalRequests.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id && r.AgentId == agentId, cancellationToken);
        if (request is null)
        {
            return $"Approval {id} is not an approval of this agent";
        }

        if (request.Status != ApprovalStatus.Approved)
        {
            return $"Approval {id} is {ApprovalStatusNames.ToName(request.Status)}";
        }

        if (request.ToolId != toolId || request.ArgumentsHash != argumentsHash)
        {
            return $"Approval {id} was given for another call (tool {request.ToolId} with other arguments)";
        }

        if (request.DecidedAt is { } decided && time.GetUtcNow() > decided + options.Value.UseWithin)
        {
            return $"Approval {id} was not used within {options.Value.UseWithin.TotalMinutes:0} minutes of the decision";
        }

        var now = time.GetUtcNow();
        var used = await db.ApprovalRequests.Where(r => r.Id == id && r.ConsumedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.ConsumedAt, now), cancellationToken);
        return used == 1 ? null : $"Approval {id} has already been used";
    }

    /// <summary>Holds until the request is decided or the timeout (capped by <see cref="ApprovalOptions.MaxWait"/>) passes.</summary>
    public async Task<ApprovalRequest> WaitAsync(Guid id, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = time.GetUtcNow() + (timeout > options.Value.MaxWait ? options.Value.MaxWait : timeout);
        while (true)
        {
            var request = await GetAsync(id, cancellationToken);
            var left = deadline - time.GetUtcNow();
            if (request.Status != ApprovalStatus.Pending || left <= TimeSpan.Zero)
            {
                return request;
            }

            // Woken at once by a decision in this process; a decision on another node is seen by the next read.
            await signals.WaitAsync(id, left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken);
        }
    }

    public static ApprovalPlan PlanOf(ApprovalRequest request) =>
        JsonSerializer.Deserialize<ApprovalPlan>(request.Plan, ApprovalPolicyService.Json)
        ?? throw new InvalidOperationException($"Approval request {request.Id} has no plan.");

    public static ApproverSet ApproversAt(ApprovalPlan plan, int level)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var approvers = plan.Levels[Math.Clamp(level, 1, plan.Levels.Count) - 1].Approvers;
        return approvers.IsEmpty ? ApproverSet.Admins : approvers;
    }

    public static bool IsApprover(ApproverSet approvers, ApprovalCaller caller)
    {
        ArgumentNullException.ThrowIfNull(approvers);
        ArgumentNullException.ThrowIfNull(caller);
        return approvers.UserIds.Contains(caller.UserId) || approvers.Roles.Contains(caller.Role.ToName(), StringComparer.Ordinal);
    }

    private static string Describe(ApproverSet approvers) =>
        string.Join(", ", approvers.Roles.Select(r => "role " + r).Concat(approvers.UserIds.Select(u => "user " + u)));

    private async Task<bool> CloseAsync(ApprovalRequest request, ApprovalStatus status, string by, string? reason, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var closed = await db.ApprovalRequests.Where(r => r.Id == request.Id && r.Status == ApprovalStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.Status, status).SetProperty(r => r.DecidedAt, now)
                .SetProperty(r => r.DecidedBy, by).SetProperty(r => r.DecisionReason, reason), cancellationToken);
        if (closed == 0)
        {
            return false;
        }

        recorder.Record(new ActivityEventInput(request.OrgId, request.AgentId, "approval_decided", new Dictionary<string, object?>
        {
            ["approvalId"] = request.Id,
            ["toolId"] = request.ToolId,
            ["status"] = ApprovalStatusNames.ToName(status),
            ["by"] = by,
            ["reason"] = reason,
        }));
        signals.Signal(request.Id);
        if (_launcher is not null && request.WorkflowInstanceId is { } instanceId && by != System)
        {
            // A human decision ends the workflow's wait now, not at the level's timeout.
            await _launcher.NotifyDecidedAsync(request.OrgId, instanceId, request.Id, cancellationToken);
        }

        return true;
    }

    private static ApprovalPlan PlanFor(NewApproval input)
    {
        if (input.Policy is { } view)
        {
            var d = view.Definition;
            var levels = new List<EscalationLevel> { new(d.Approvers, d.Timeout.Minutes) };
            levels.AddRange(d.Escalation);
            var action = d.Timeout.DefaultAction;
            if (action == ApprovalTimeout.EscalateAdmin)
            {
                // One more level for the organisation's administrators, then the request is denied.
                levels.Add(new EscalationLevel(ApproverSet.Admins, d.Timeout.Minutes));
                action = ApprovalTimeout.Deny;
            }

            return new ApprovalPlan(levels, d.RequireMultiple, action, d.AutoApprove, d.Notify);
        }

        // The profile asked for approval and no policy matched: its approvers (user ids or roles), else the admins.
        var profile = input.ProfileApproval;
        var named = profile?.Approvers ?? [];
        var users = named.Select(a => Guid.TryParse(a, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToList();
        var roles = named.Where(a => !Guid.TryParse(a, out _) && UserRoleNames.All.Contains(a, StringComparer.Ordinal)).ToList();
        var minutes = Math.Clamp(profile?.TimeoutMinutes ?? 30, 1, ApprovalPolicyService.MaxTimeoutMinutes);
        return new ApprovalPlan([new EscalationLevel(new ApproverSet(users, roles), minutes)], 1, ApprovalTimeout.Deny, [], new ApprovalNotify(null, []));
    }
}
