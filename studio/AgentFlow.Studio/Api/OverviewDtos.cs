namespace AgentFlow.Studio.Api;

// What the overview reads: GET /api/engine/stats/{orgId}, /api/engine/approvals/pending, /ready.

public sealed record OrganizationStats(StatsOrganization Org, StatsAgents Agents, StatsUsage Usage, RealTimeActivity RealTime);

public sealed record StatsOrganization(Guid Id, string Name, string Slug, string Plan);

public sealed record StatsAgents(int Total, IReadOnlyDictionary<string, int> ByState, IReadOnlyDictionary<string, int> ByStatus);

public sealed record StatsUsage(UsageTotals Today, UsageTotals ThisMonth, UsageTotals Total, LimitCheck Agents, LimitCheck TokenBudgetMonthly);

public sealed record UsageTotals(int ToolCalls, int FailedToolCalls, int BlockedToolCalls, long InputTokens, long OutputTokens,
    int Messages, long MessageTokens, long Tokens, decimal CostUsd);

public sealed record LimitCheck(string Resource, bool Allowed, long Limit, long Current, long Remaining);

public sealed record RealTimeActivity(int WindowMinutes, int EventsLast5Min, int ToolCallsLast5Min, int ErrorsLast5Min, int ActiveAgents, int ActiveSessions, string Source);

public sealed record ReadinessReport(bool Ready, IReadOnlyDictionary<string, string> Checks);
