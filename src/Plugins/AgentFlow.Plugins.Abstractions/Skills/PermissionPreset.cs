namespace AgentFlow.Plugins.Skills;

/// <summary>
/// A ready-made permission profile an administrator applies to an agent (by id or by name). It carries every
/// setting of a profile except what only makes sense per agent (approvers, working hours, IP allow list).
/// </summary>
/// <param name="Id">Unique id, lower-case kebab-case.</param>
/// <param name="Name">Unique display name (presets can be applied by name).</param>
/// <param name="Description">What an agent with this preset can and cannot do.</param>
public sealed record PermissionPreset(string Id, string Name, string Description)
{
    /// <summary>Whether <see cref="SkillIds"/> lists the allowed or the blocked skills.</summary>
    public SkillAccessMode SkillMode { get; init; } = SkillAccessMode.Allowlist;

    /// <summary>Skill ids; each must exist in the catalog.</summary>
    public IReadOnlyList<string> SkillIds { get; init; } = [];

    /// <summary>Tool ids or wildcard patterns (<c>agenticmail_*</c>) always blocked.</summary>
    public IReadOnlyList<string> BlockedTools { get; init; } = [];

    /// <summary>Tool ids or wildcard patterns allowed even when their skill is not.</summary>
    public IReadOnlyList<string> AllowedTools { get; init; } = [];

    /// <summary>Tools riskier than this are denied.</summary>
    public RiskLevel MaxRiskLevel { get; init; } = RiskLevel.Critical;

    /// <summary>Tools with any of these side effects are denied.</summary>
    public IReadOnlyList<string> BlockedSideEffects { get; init; } = [];

    /// <summary>When a human must approve a call.</summary>
    public ApprovalSettings RequireApproval { get; init; } = new(false, [], [], 30);

    /// <summary>Call budgets.</summary>
    public RateLimitSettings RateLimits { get; init; } = new(10, 100, 1000, 10);

    /// <summary>Execution limits.</summary>
    public ConstraintSettings Constraints { get; init; } = new(1, 60, false);
}

/// <summary>When a tool call needs a human's approval.</summary>
/// <param name="Enabled">Whether approvals apply at all.</param>
/// <param name="ForRiskLevels">Calls of tools with these risks need approval.</param>
/// <param name="ForSideEffects">Calls of tools with any of these side effects need approval.</param>
/// <param name="TimeoutMinutes">A request not decided within this time is denied.</param>
public sealed record ApprovalSettings(bool Enabled, IReadOnlyList<RiskLevel> ForRiskLevels, IReadOnlyList<string> ForSideEffects, int TimeoutMinutes);

/// <summary>Tool-call budgets of an agent.</summary>
/// <param name="ToolCallsPerMinute">Calls per minute.</param>
/// <param name="ToolCallsPerHour">Calls per hour.</param>
/// <param name="ToolCallsPerDay">Calls per day.</param>
/// <param name="ExternalActionsPerHour">Calls with side effects per hour (0 = none allowed).</param>
public sealed record RateLimitSettings(int ToolCallsPerMinute, int ToolCallsPerHour, int ToolCallsPerDay, int ExternalActionsPerHour);

/// <summary>Execution limits of an agent.</summary>
/// <param name="MaxConcurrentTasks">Tool calls in flight at once.</param>
/// <param name="MaxSessionDurationMinutes">Longest session.</param>
/// <param name="SandboxMode">When true every call is simulated, nothing real happens.</param>
public sealed record ConstraintSettings(int MaxConcurrentTasks, int MaxSessionDurationMinutes, bool SandboxMode);
