using System.Text.Json;

namespace AgentFlow.Studio.Api;

// What the approvals inbox reads and sends: /api/engine/approvals/pending|history and /{id}/decide
// (src/Host/Endpoints/Engine/ApprovalsApi.cs: ApprovalRequestResponse, DecideApprovalRequest, ApprovalDecisionResponse).

public sealed record ApprovalVote(Guid UserId, string Action, string? Reason, int Level, DateTimeOffset At);

public sealed record ApprovalRequestDto(
    Guid Id, Guid AgentId, string AgentName, string ToolId, string? ToolName, string RiskLevel, IReadOnlyList<string> SideEffects,
    JsonElement? Parameters, string Reason, Guid? PolicyId, string? PolicyName, string Status, int Level, int Levels, int RequiredApprovals,
    int Approvals, IReadOnlyList<string> Approvers, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? DecidedAt,
    string? DecidedBy, string? DecisionReason, IReadOnlyList<ApprovalVote> Votes, Guid? WorkflowInstanceId, Guid? ToolCallId, bool Used);

public sealed record DecideApprovalBody(string Action, string? Reason);

public sealed record ApprovalDecisionDto(ApprovalRequestDto Request, int Approvals, int Required, bool Final);
