using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Approvals;

/// <summary>
/// When calls need a human, who decides, and what happens when nobody does. The rules are one JSON document
/// (<see cref="ApprovalPolicyDefinition"/>); name and enabled flag are columns, because they are listed and filtered.
/// </summary>
public sealed class ApprovalPolicy : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public bool Enabled { get; set; } = true;

    /// <summary>The <see cref="ApprovalPolicyDefinition"/> as JSON.</summary>
    public string Definition { get; set; } = "{}";

    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One tool call waiting for (or decided by) humans. The approvers, escalation levels, quorum and timeout action are a
/// snapshot of the policy taken when the request was made (<see cref="Plan"/>): editing or deleting the policy changes
/// nothing for requests in flight.
/// </summary>
public sealed class ApprovalRequest : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid AgentId { get; set; }
    public required string AgentName { get; set; }

    /// <summary>The blocked tool-call record that asked.</summary>
    public Guid? ToolCallId { get; set; }

    public required string ToolId { get; set; }
    public string? ToolName { get; set; }
    public required string RiskLevel { get; set; }

    /// <summary>JSON array of the tool's side effects.</summary>
    public string SideEffects { get; set; } = "[]";

    /// <summary>The call's arguments, secrets masked, as JSON.</summary>
    public string Arguments { get; set; } = "{}";

    /// <summary>SHA-256 (hex) of the call's arguments in canonical JSON: the approval is valid for these arguments only.</summary>
    public required string ArgumentsHash { get; set; }

    public Guid? PolicyId { get; set; }
    public string? PolicyName { get; set; }

    /// <summary>Why approval is needed (the policy's or the profile's reason).</summary>
    public required string Reason { get; set; }

    public ApprovalStatus Status { get; set; } = ApprovalStatus.Pending;

    /// <summary>The current escalation level, from 1.</summary>
    public int Level { get; set; } = 1;

    /// <summary>The <see cref="ApprovalPlan"/> as JSON.</summary>
    public string Plan { get; set; } = "{}";

    /// <summary>When the current level times out.</summary>
    public DateTimeOffset ExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>Who made the final decision: a user id, or <c>system</c> (auto-approval, timeout).</summary>
    public string? DecidedBy { get; set; }

    public string? DecisionReason { get; set; }

    /// <summary>The <c>tool-approval</c> workflow instance that runs the request.</summary>
    public Guid? WorkflowInstanceId { get; set; }

    /// <summary>When an approved request was used by the agent's call (an approval is used once).</summary>
    public DateTimeOffset? ConsumedAt { get; set; }

    public List<ApprovalDecision> Decisions { get; set; } = [];
}

/// <summary>One approver's vote on a request (one per user per request).</summary>
public sealed class ApprovalDecision : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid RequestId { get; set; }
    public Guid UserId { get; set; }
    public bool Approve { get; set; }
    public string? Reason { get; set; }
    public int Level { get; set; }
    public DateTimeOffset At { get; set; }
}

public enum ApprovalStatus
{
    Pending = 0,
    Approved = 1,
    Denied = 2,
    Expired = 3,
}

public static class ApprovalStatusNames
{
    public static string ToName(ApprovalStatus status) => status switch
    {
        ApprovalStatus.Pending => "pending",
        ApprovalStatus.Approved => "approved",
        ApprovalStatus.Denied => "denied",
        ApprovalStatus.Expired => "expired",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };
}
