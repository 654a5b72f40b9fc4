namespace AgentFlow.Engine.Approvals;

/// <summary>Which calls a policy applies to: any one matching criterion is enough.</summary>
/// <param name="RiskLevels">Tool risks (low, medium, high, critical).</param>
/// <param name="SideEffects">Tool side effects (sends-email…).</param>
/// <param name="ToolIds">Tool ids or wildcard patterns (<c>agenticmail_*</c>).</param>
/// <param name="AllExternalActions">Every tool with at least one side effect.</param>
public sealed record ApprovalTriggers(IReadOnlyList<string> RiskLevels, IReadOnlyList<string> SideEffects, IReadOnlyList<string> ToolIds, bool AllExternalActions);

/// <summary>Who may decide: these users, and users with these roles. Both empty means the organisation's admins and owners.</summary>
public sealed record ApproverSet(IReadOnlyList<Guid> UserIds, IReadOnlyList<string> Roles)
{
    public static ApproverSet Admins { get; } = new([], ["admin", "owner"]);

    public bool IsEmpty => UserIds.Count == 0 && Roles.Count == 0;
}

/// <summary>A level after the first: new approvers and how long they have.</summary>
public sealed record EscalationLevel(ApproverSet Approvers, int TimeoutMinutes);

/// <summary>What happens when the last level's time runs out: <c>deny</c>, <c>allow</c>, or <c>escalate_admin</c> (one more level for the admins, then deny).</summary>
public sealed record ApprovalTimeout(int Minutes, string DefaultAction)
{
    public const string Deny = "deny";
    public const string Allow = "allow";
    public const string EscalateAdmin = "escalate_admin";

    public static readonly IReadOnlyList<string> Actions = [Deny, Allow, EscalateAdmin];
}

/// <summary>
/// A condition on the call's arguments; a request whose arguments meet every condition of the policy is approved by the
/// system. <see cref="Argument"/> is a dotted path (<c>to</c>, <c>payment.amount</c>); an array value meets the condition
/// only if every element does.
/// </summary>
/// <param name="Argument">The argument's path.</param>
/// <param name="Operator"><c>domain_in</c>, <c>in</c>, <c>not_in</c>, <c>equals</c>, <c>lt</c>, <c>lte</c>, <c>gt</c>, <c>gte</c>.</param>
/// <param name="Values">The list (domains, values), or one number for the comparisons.</param>
public sealed record AutoApproveCondition(string Argument, string Operator, IReadOnlyList<string> Values)
{
    public static readonly IReadOnlyList<string> Operators = ["domain_in", "in", "not_in", "equals", "lt", "lte", "gt", "gte"];
}

/// <summary>Who is told about a new request or an escalation.</summary>
public sealed record ApprovalNotify(string? WebhookUrl, IReadOnlyList<string> Emails);

/// <summary>A policy's rules (stored as JSON in <see cref="ApprovalPolicy.Definition"/>).</summary>
public sealed record ApprovalPolicyDefinition(
    ApprovalTriggers Triggers,
    ApproverSet Approvers,
    int RequireMultiple,
    ApprovalTimeout Timeout,
    IReadOnlyList<EscalationLevel> Escalation,
    IReadOnlyList<AutoApproveCondition> AutoApprove,
    ApprovalNotify Notify);

/// <summary>
/// What a request follows, fixed when it is made: the levels (the first is the policy's approvers), the quorum, the
/// action when the last level times out, the auto-approve conditions and the notifications.
/// </summary>
public sealed record ApprovalPlan(
    IReadOnlyList<EscalationLevel> Levels,
    int RequireMultiple,
    string DefaultAction,
    IReadOnlyList<AutoApproveCondition> AutoApprove,
    ApprovalNotify Notify);
