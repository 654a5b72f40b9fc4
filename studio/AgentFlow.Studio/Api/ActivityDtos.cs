using System.Text.Json;

namespace AgentFlow.Studio.Api;

// What the activity page reads: /api/engine/activity/events (the same shape as a live event, AgentFlow.Studio.Live.LiveEvent),
// /tool-calls, /tool-calls/{id}, /timeline/{agentId}/{date} (src/Host/Endpoints/Engine/ActivityApi.cs), and /api/agents for names.

public sealed record ToolCallResultDto(bool Success, string? TruncatedOutput, string? Error);

public sealed record ToolCallTimingDto(DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, long? DurationMs);

public sealed record ToolCallCostDto(int? InputTokens, int? OutputTokens, decimal? EstimatedCostUsd);

public sealed record ToolCallPermissionDto(bool Allowed, string? Reason, bool RequiredApproval, Guid? ApprovalId);

public sealed record ToolCallDto(
    Guid Id, Guid OrgId, Guid AgentId, string? SessionId, string ToolId, string? ToolName, string Status, JsonElement Parameters,
    ToolCallResultDto? Result, ToolCallTimingDto Timing, ToolCallCostDto? Cost, ToolCallPermissionDto Permission);

public sealed record TimelineSummaryDto(int Events, int ToolCalls, int Errors, int Messages, int Sessions, decimal CostUsd);

public sealed record ToolUsageDto(string ToolId, int Count);

public sealed record TimelineDto(
    Guid AgentId, string Date, TimelineSummaryDto Summary, IReadOnlyList<ToolUsageDto> TopTools, IReadOnlyList<int> ActiveHours,
    IReadOnlyList<AgentFlow.Studio.Live.LiveEvent> Events, bool Truncated);

/// <summary>An agent as <c>GET /api/agents</c> lists it (readable by viewers, unlike <c>/api/engine/agents</c>).</summary>
public sealed record AgentSummaryDto(Guid Id, string Name, string Email, string Status);
