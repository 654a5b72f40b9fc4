using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Agents;

/// <summary>
/// Usage in one period: tool calls (with those that failed or were blocked), tokens and cost. Tokens and cost add
/// the tool calls' (input + output) and the conversation messages' own counts, as the activity stats do.
/// </summary>
public sealed record UsageTotals(int ToolCalls, int FailedToolCalls, int BlockedToolCalls, long InputTokens, long OutputTokens,
    int Messages, long MessageTokens, long Tokens, decimal CostUsd)
{
    public static readonly UsageTotals Zero = new(0, 0, 0, 0, 0, 0, 0, 0, 0m);

    public UsageTotals Add(UsageTotals other) => new(ToolCalls + other.ToolCalls, FailedToolCalls + other.FailedToolCalls,
        BlockedToolCalls + other.BlockedToolCalls, InputTokens + other.InputTokens, OutputTokens + other.OutputTokens,
        Messages + other.Messages, MessageTokens + other.MessageTokens, Tokens + other.Tokens, CostUsd + other.CostUsd);
}

/// <summary>The UTC day, the UTC calendar month and all time, each with where it starts.</summary>
public sealed record UsagePeriods(DateTimeOffset TodayFrom, UsageTotals Today, DateTimeOffset MonthFrom, UsageTotals ThisMonth, UsageTotals Total);

/// <summary>A monthly budget against this month's use; <c>Budget</c> 0 is unlimited and has no percentage.</summary>
public sealed record BudgetUse(decimal Budget, decimal Used, double? Percent, bool Exceeded);

public sealed record AgentBudgetUse(BudgetUse Tokens, BudgetUse CostUsd);

public sealed record AgentUsage(Guid AgentId, string State, UsagePeriods Periods, AgentBudgetUse Budgets);

public sealed record AgentUsageLine(Guid AgentId, string Name, string? DisplayName, string State, UsageTotals Today, UsageTotals ThisMonth);

public sealed record OrganizationAgentUsage(Guid OrgId, string Plan, UsagePeriods Periods, LimitCheck Agents, LimitCheck TokenBudgetMonthly,
    IReadOnlyList<AgentUsageLine> ByAgent);

public sealed record RealTimeActivity(int WindowMinutes, int EventsLast5Min, int ToolCallsLast5Min, int ErrorsLast5Min, int ActiveAgents, int ActiveSessions, string Source);

public sealed record OrganizationStats(Organization Org, int TotalAgents, IReadOnlyDictionary<string, int> ByState, IReadOnlyDictionary<string, int> ByStatus,
    UsagePeriods Usage, LimitCheck Agents, LimitCheck TokenBudgetMonthly, RealTimeActivity RealTime);

/// <summary>
/// Agent and organisation usage, computed from the activity tables on each read (tool calls by start time,
/// messages by time; the indexes on organisation, agent and time serve the sums). No counter is kept beside the
/// rows, so usage can never disagree with the records it summarises. Every query names its organisation
/// explicitly, because the platform administrator reads other organisations' usage and stats.
/// </summary>
public sealed class AgentUsageService(AgentFlowDbContext db, UsageService plans, ActivityHub hub, TimeProvider time)
{
    private const decimal MicroUsdPerUsd = 1_000_000m;

    /// <exception cref="ResourceNotFoundException">No such agent in the caller's organisation.</exception>
    public async Task<AgentUsage> ForAgentAsync(Guid agentId, CancellationToken cancellationToken = default)
    {
        // Through the tenant filter: another organisation's agent does not exist here.
        var agent = await db.Agents.AsNoTracking().FirstOrDefaultAsync(a => a.Id == agentId, cancellationToken)
            ?? throw new ResourceNotFoundException("Agent", agentId.ToString());
        var periods = await PeriodsAsync(agent.OrgId, agent.Id, cancellationToken);
        var month = periods.ThisMonth;
        return new AgentUsage(agent.Id, agent.State, periods, new AgentBudgetUse(
            Budget(agent.TokenBudgetMonthly, month.Tokens),
            Budget(agent.CostBudgetMonthlyMicroUsd / MicroUsdPerUsd, month.CostUsd)));
    }

    /// <summary>The organisation's usage across its agents. The caller has already been allowed to see <paramref name="orgId"/>.</summary>
    public async Task<OrganizationAgentUsage> ForOrganizationAsync(Guid orgId, CancellationToken cancellationToken = default)
    {
        var plan = await plans.GetPlanAsync(orgId, cancellationToken);
        var (todayFrom, monthFrom) = PeriodStarts();
        var today = await ByAgentAsync(orgId, null, todayFrom, cancellationToken);
        var month = await ByAgentAsync(orgId, null, monthFrom, cancellationToken);
        var total = await ByAgentAsync(orgId, null, null, cancellationToken);
        var agents = await db.Agents.IgnoreQueryFilters().AsNoTracking().Where(a => a.OrgId == orgId)
            .OrderBy(a => a.Name).Select(a => new { a.Id, a.Name, a.DisplayName, a.State }).ToListAsync(cancellationToken);

        // Activity of agents since deleted still counts for the organisation, but has no line of its own.
        var lines = agents.Select(a => new AgentUsageLine(a.Id, a.Name, a.DisplayName, a.State,
            today.GetValueOrDefault(a.Id, UsageTotals.Zero), month.GetValueOrDefault(a.Id, UsageTotals.Zero))).ToList();
        var periods = new UsagePeriods(todayFrom, Sum(today), monthFrom, Sum(month), Sum(total));
        return new OrganizationAgentUsage(orgId, plan.Name, periods,
            LimitCheck.Of(PlanResources.MaxAgents, plan.Limits.MaxAgents, agents.Count),
            LimitCheck.Of(PlanResources.TokenBudgetMonthly, plan.Limits.TokenBudgetMonthly, periods.ThisMonth.Tokens),
            lines);
    }

    /// <summary>The organisation's dashboard: agents by state and status, usage, and the last five minutes of activity.</summary>
    /// <exception cref="ResourceNotFoundException">No such organisation.</exception>
    public async Task<OrganizationStats> StatsAsync(Guid orgId, CancellationToken cancellationToken = default)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == orgId, cancellationToken)
            ?? throw new ResourceNotFoundException("Organization", orgId.ToString());
        var plan = PlanCatalog.ForStored(org.Plan);
        var agents = db.Agents.IgnoreQueryFilters().AsNoTracking().Where(a => a.OrgId == orgId);
        var byState = await agents.GroupBy(a => a.State).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var byStatus = await agents.GroupBy(a => a.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var total = byState.Sum(s => s.Count);
        var periods = await PeriodsAsync(orgId, null, cancellationToken);

        return new OrganizationStats(org, total,
            byState.OrderBy(s => s.Key, StringComparer.Ordinal).ToDictionary(s => s.Key, s => s.Count, StringComparer.Ordinal),
            byStatus.ToDictionary(s => AgentStatusNames.ToName(s.Key), s => s.Count, StringComparer.Ordinal),
            periods,
            LimitCheck.Of(PlanResources.MaxAgents, plan.Limits.MaxAgents, total),
            LimitCheck.Of(PlanResources.TokenBudgetMonthly, plan.Limits.TokenBudgetMonthly, periods.ThisMonth.Tokens),
            await RealTimeAsync(orgId, cancellationToken));
    }

    private async Task<RealTimeActivity> RealTimeAsync(Guid orgId, CancellationToken cancellationToken)
    {
        var window = ActivityQueries.RecentWindow;
        var since = time.GetUtcNow() - window;
        IReadOnlyList<ActivityEvent>? recent = hub.RecentSince(orgId, since);
        var source = "buffer";
        if (recent is null)
        {
            source = "database";
            recent = await db.ActivityEvents.IgnoreQueryFilters().AsNoTracking().Where(e => e.OrgId == orgId && e.Timestamp >= since).ToListAsync(cancellationToken);
        }

        return new RealTimeActivity(
            (int)window.TotalMinutes,
            recent.Count,
            recent.Count(e => e.Type is ActivityTypes.ToolCallStart or ActivityTypes.ToolCallEnd or ActivityTypes.ToolCallError),
            recent.Count(e => ActivityTypes.Errors.Contains(e.Type)),
            recent.Where(e => e.AgentId is not null).Select(e => e.AgentId).Distinct().Count(),
            recent.Where(e => e.SessionId is not null).Select(e => e.SessionId).Distinct().Count(),
            source);
    }

    private async Task<UsagePeriods> PeriodsAsync(Guid orgId, Guid? agentId, CancellationToken cancellationToken)
    {
        var (todayFrom, monthFrom) = PeriodStarts();
        return new UsagePeriods(
            todayFrom, Sum(await ByAgentAsync(orgId, agentId, todayFrom, cancellationToken)),
            monthFrom, Sum(await ByAgentAsync(orgId, agentId, monthFrom, cancellationToken)),
            Sum(await ByAgentAsync(orgId, agentId, null, cancellationToken)));
    }

    private (DateTimeOffset Today, DateTimeOffset Month) PeriodStarts()
    {
        var now = time.GetUtcNow().ToUniversalTime();
        return (new DateTimeOffset(now.Year, now.Month, now.Day, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero));
    }

    private async Task<Dictionary<Guid, UsageTotals>> ByAgentAsync(Guid orgId, Guid? agentId, DateTimeOffset? from, CancellationToken cancellationToken)
    {
        var calls = db.ToolCalls.IgnoreQueryFilters().AsNoTracking().Where(c => c.OrgId == orgId);
        var messages = db.ConversationMessages.IgnoreQueryFilters().AsNoTracking().Where(m => m.OrgId == orgId);
        if (agentId is { } agent)
        {
            calls = calls.Where(c => c.AgentId == agent);
            messages = messages.Where(m => m.AgentId == agent);
        }

        if (from is { } start)
        {
            calls = calls.Where(c => c.StartedAt >= start);
            messages = messages.Where(m => m.Timestamp >= start);
        }

        var callSums = await calls.GroupBy(c => c.AgentId).Select(g => new
        {
            AgentId = g.Key,
            Count = g.Count(),
            Failed = g.Count(c => c.Status == ToolCallStatus.Failed),
            Blocked = g.Count(c => c.Status == ToolCallStatus.Blocked),
            Input = g.Sum(c => (long)(c.InputTokens ?? 0)),
            Output = g.Sum(c => (long)(c.OutputTokens ?? 0)),
            Cost = g.Sum(c => c.CostMicroUsd ?? 0),
        }).ToListAsync(cancellationToken);
        var messageSums = await messages.GroupBy(m => m.AgentId).Select(g => new
        {
            AgentId = g.Key,
            Count = g.Count(),
            Tokens = g.Sum(m => (long)(m.TokenCount ?? 0)),
            Cost = g.Sum(m => m.CostMicroUsd ?? 0),
        }).ToListAsync(cancellationToken);

        var result = new Dictionary<Guid, UsageTotals>();
        foreach (var c in callSums)
        {
            result[c.AgentId] = new UsageTotals(c.Count, c.Failed, c.Blocked, c.Input, c.Output, 0, 0, c.Input + c.Output, c.Cost / MicroUsdPerUsd);
        }

        foreach (var m in messageSums)
        {
            var own = new UsageTotals(0, 0, 0, 0, 0, m.Count, m.Tokens, m.Tokens, m.Cost / MicroUsdPerUsd);
            result[m.AgentId] = result.TryGetValue(m.AgentId, out var calls2) ? calls2.Add(own) : own;
        }

        return result;
    }

    private static UsageTotals Sum(Dictionary<Guid, UsageTotals> byAgent) => byAgent.Values.Aggregate(UsageTotals.Zero, (sum, next) => sum.Add(next));

    private static BudgetUse Budget(decimal budget, decimal used) =>
        budget == 0
            ? new BudgetUse(0, used, null, false)
            : new BudgetUse(budget, used, Math.Round((double)(used / budget) * 100, 1), used >= budget);
}
