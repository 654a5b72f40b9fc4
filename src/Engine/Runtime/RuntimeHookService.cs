using System.Collections.Concurrent;
using System.Net;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Approvals;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Permissions;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Runtime;

/// <summary>A tool call an agent is about to make. The agent is the credential's, never the body's.</summary>
public sealed record HookToolCallInput(Guid OrgId, Guid AgentId, string? ToolId, object? Arguments, string? SessionId, IPAddress? Ip)
{
    /// <summary>The approval the agent was given for exactly this call (same tool, same arguments), when it asks again after it.</summary>
    public Guid? ApprovalId { get; init; }
}

/// <summary>
/// The hook's answer. <c>Allowed</c> is false whenever the call must not run now, including when it needs approval
/// (<c>RequiresApproval</c>, with the <c>ApprovalId</c> of the request made for it: wait for its decision, then ask again
/// with that id). <c>ToolCallId</c> is the record opened (allowed) or written as blocked (denied), null only when
/// nothing could be recorded.
/// </summary>
public sealed record HookDecision(bool Allowed, bool RequiresApproval, string Reason, bool Sandbox, Guid? ToolCallId, Guid? ApprovalId = null);

/// <summary>How a call admitted by the hook ended.</summary>
public sealed record HookCompletionInput(bool Success, string? Result, string? Error, long? DurationMs, int? InputTokens, int? OutputTokens, decimal? CostUsd);

/// <summary>The budget events this completion caused (<c>budget_warning</c> / <c>budget_exceeded</c>, with the budget).</summary>
public sealed record BudgetEvent(string Type, string Budget, decimal Used, decimal Limit);

public sealed record HookCompletion(Guid ToolCallId, IReadOnlyList<BudgetEvent> BudgetEvents);

/// <summary>
/// Process-wide state of the hook: the calls admitted and not yet completed (so completing one needs no database
/// read, and the rate counters are released exactly once), and the budget alerts already raised this month.
/// </summary>
public sealed class RuntimeHookState
{
    internal ConcurrentDictionary<Guid, (Guid OrgId, Guid AgentId)> Open { get; } = new();

    internal ConcurrentDictionary<(Guid AgentId, int Month, string Budget, string Type), byte> Alerts { get; } = new();
}

/// <summary>
/// The runtime hook (spec: Runtime Hooks): decides a real tool call with <see cref="PermissionEngine.Admit"/>
/// (counted against the rate and concurrency limits), records it, and on completion closes the record, releases the
/// counters and checks the agent's monthly budgets. Budget events are raised once per month per budget and level,
/// where the reference re-emitted the warning on every call.
/// </summary>
public sealed class RuntimeHookService(
    AgentFlowDbContext db, PermissionProfileService profiles, PermissionEngine engine, IActivityRecorder recorder,
    AgentUsageService usage, RuntimeHookState state, ApprovalPolicyService policies, ApprovalService approvals, TimeProvider time)
{
    public const string BudgetWarning = "budget_warning";
    public const string BudgetExceeded = "budget_exceeded";
    public const string NotRecordedReason = "Tool call could not be recorded (activity queue full); retry later";
    private const int MaxToolIdLength = 128;
    private const decimal WarningShare = 0.8m;

    public async Task<HookDecision> BeforeToolCallAsync(HookToolCallInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (string.IsNullOrWhiteSpace(input.ToolId) || input.ToolId.Length > MaxToolIdLength)
        {
            throw InputValidationException.For("toolId", $"The toolId field is required (at most {MaxToolIdLength} characters).");
        }

        var profile = await profiles.CompiledAsync(input.AgentId, cancellationToken);
        var context = new PermissionContext(time.GetUtcNow(), input.Ip);
        var tool = engine.Catalog.FindTool(input.ToolId);
        var toolName = tool?.Name;

        // Approval comes from the profile's rules or from the first matching policy of the organisation, for a call
        // the rules would otherwise allow (a denied call stays denied; a sandboxed one is simulated, never approved).
        // Limits are not part of this: a call that needs approval is not counted until it runs (Admit below).
        var check = engine.DecideRulesOnly(profile, input.ToolId, context);
        var policy = check.Allowed && !check.Sandbox && tool is not null ? await policies.MatchAsync(tool, cancellationToken) : null;
        var needsApproval = check.Allowed && (check.RequiresApproval || policy is not null);
        var approvalReason = policy is not null ? $"Policy \"{policy.Policy.Name}\" requires approval" : check.Reason;

        PermissionDecision decision;
        var approved = false;
        if (needsApproval && input.ApprovalId is { } approvalId)
        {
            // Admitted first (limits counted), consumed second: a call refused by a limit keeps its approval for a retry.
            decision = engine.Admit(profile, input.ToolId, context, approved: true);
            if (decision.Allowed)
            {
                var problem = await approvals.ConsumeAsync(approvalId, input.AgentId, input.ToolId, ArgumentsHash.Of(ArgumentsHash.ToNode(input.Arguments)), cancellationToken);
                if (problem is not null)
                {
                    engine.Counters.Complete(input.AgentId);
                    var refused = recorder.StartToolCall(new ToolCallStartInput(input.OrgId, input.AgentId, input.ToolId, input.Arguments, toolName, input.SessionId,
                        new ToolCallDecision(false, problem, true)));
                    return new HookDecision(false, true, problem, false, refused, approvalId);
                }

                approved = true;
            }
        }
        else if (needsApproval)
        {
            var blocked = recorder.StartToolCall(new ToolCallStartInput(input.OrgId, input.AgentId, input.ToolId, input.Arguments, toolName, input.SessionId,
                new ToolCallDecision(false, approvalReason, true)));
            var agentName = await db.Agents.AsNoTracking().Where(a => a.Id == input.AgentId).Select(a => a.DisplayName ?? a.Name).FirstOrDefaultAsync(cancellationToken) ?? "";
            var request = await approvals.CreateAsync(new NewApproval(input.AgentId, agentName, blocked, input.ToolId, tool,
                ArgumentsHash.ToNode(input.Arguments), policy, profile?.Profile.RequireApproval, approvalReason), cancellationToken);
            return new HookDecision(false, true, approvalReason, false, blocked, request.Id);
        }
        else
        {
            decision = engine.Admit(profile, input.ToolId, context);
        }

        var runs = decision.Allowed && (!decision.RequiresApproval || approved);
        var reason = approved ? $"Approved (approval {input.ApprovalId})" : decision.Reason;
        var id = recorder.StartToolCall(new ToolCallStartInput(input.OrgId, input.AgentId, input.ToolId, input.Arguments, toolName, input.SessionId,
            new ToolCallDecision(runs, reason, decision.RequiresApproval && !approved)));
        if (!runs)
        {
            return new HookDecision(false, decision.RequiresApproval, decision.Reason, decision.Sandbox, id);
        }

        if (id is not { } callId)
        {
            // Fail closed: a call the audit trail cannot show must not run. Release what Admit counted.
            engine.Counters.Complete(input.AgentId);
            return new HookDecision(false, false, NotRecordedReason, false, null);
        }

        state.Open[callId] = (input.OrgId, input.AgentId);
        return new HookDecision(true, false, reason, decision.Sandbox, callId, approved ? input.ApprovalId : null);
    }

    /// <exception cref="ResourceNotFoundException">No such tool call of this agent.</exception>
    /// <exception cref="ResourceConflictException">The call was blocked or is already completed.</exception>
    public async Task<HookCompletion> CompleteAsync(Guid orgId, Guid agentId, Guid toolCallId, HookCompletionInput input, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!state.Open.TryGetValue(toolCallId, out var owner) || owner != (orgId, agentId))
        {
            await EnsureCompletableAsync(agentId, toolCallId, cancellationToken);
        }

        // Validates before the call leaves the open set, so a bad body can be corrected and sent again.
        recorder.EndToolCall(new ToolCallEndInput(orgId, toolCallId, input.Success, input.Result, input.Error, input.DurationMs,
            input.InputTokens, input.OutputTokens, input.CostUsd));
        if (state.Open.TryRemove(toolCallId, out _))
        {
            engine.Counters.Complete(agentId);
        }

        return new HookCompletion(toolCallId, await CheckBudgetsAsync(orgId, agentId, cancellationToken));
    }

    private async Task EnsureCompletableAsync(Guid agentId, Guid toolCallId, CancellationToken cancellationToken)
    {
        // Not open in this process (restarted, or never ours): the table decides, through the tenant filter.
        await recorder.FlushAsync(cancellationToken);
        var call = await db.ToolCalls.AsNoTracking().FirstOrDefaultAsync(c => c.Id == toolCallId && c.AgentId == agentId, cancellationToken)
            ?? throw new ResourceNotFoundException("Tool call", toolCallId.ToString());
        if (call.Status != ToolCallStatus.Running)
        {
            throw new ResourceConflictException($"Tool call {toolCallId} is {ToolCallStatusNames.ToName(call.Status)} and cannot be completed.", "id");
        }
    }

    private async Task<IReadOnlyList<BudgetEvent>> CheckBudgetsAsync(Guid orgId, Guid agentId, CancellationToken cancellationToken)
    {
        var agent = await db.Agents.AsNoTracking().Where(a => a.Id == agentId)
            .Select(a => new { a.TokenBudgetMonthly, a.CostBudgetMonthlyMicroUsd }).FirstOrDefaultAsync(cancellationToken);
        if (agent is null || (agent.TokenBudgetMonthly <= 0 && agent.CostBudgetMonthlyMicroUsd <= 0))
        {
            return [];
        }

        // Usage is computed from the rows, so the completion just queued must be written first.
        await recorder.FlushAsync(cancellationToken);
        var month = (await usage.ForAgentAsync(agentId, cancellationToken)).Periods;
        var events = new List<BudgetEvent>(2);
        await CheckAsync("tokens", agent.TokenBudgetMonthly, month.ThisMonth.Tokens);
        await CheckAsync("cost", agent.CostBudgetMonthlyMicroUsd / 1_000_000m, month.ThisMonth.CostUsd);
        return events;

        async Task CheckAsync(string budget, decimal limit, decimal used)
        {
            if (limit <= 0 || used < limit * WarningShare)
            {
                return;
            }

            var type = used >= limit ? BudgetExceeded : BudgetWarning;
            var monthKey = (month.MonthFrom.Year * 100) + month.MonthFrom.Month;
            if (!state.Alerts.TryAdd((agentId, monthKey, budget, type), 0) || await AlreadyRaisedAsync(agentId, type, budget, month.MonthFrom, cancellationToken))
            {
                return;
            }

            var percent = Math.Round(used / limit * 100m, 1);
            recorder.Record(new ActivityEventInput(orgId, agentId, type, new Dictionary<string, object?>
            {
                ["budget"] = budget,
                ["used"] = used,
                ["limit"] = limit,
                ["percent"] = percent,
            }));
            events.Add(new BudgetEvent(type, budget, used, limit));
        }
    }

    /// <summary>After a restart the in-memory set is empty: the events of this month are the memory.</summary>
    private async Task<bool> AlreadyRaisedAsync(Guid agentId, string type, string budget, DateTimeOffset monthFrom, CancellationToken cancellationToken)
    {
        var data = await db.ActivityEvents.AsNoTracking().Where(e => e.AgentId == agentId && e.Type == type && e.Timestamp >= monthFrom)
            .Select(e => e.Data).ToListAsync(cancellationToken);
        return data.Any(d => d.Contains($"\"budget\":\"{budget}\"", StringComparison.Ordinal));
    }
}
