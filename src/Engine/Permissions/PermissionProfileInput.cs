using AgentFlow.Plugins.Skills;

namespace AgentFlow.Engine.Permissions;

/// <summary>
/// The body of <c>PUT /api/engine/profiles/{agentId}</c>: the reference's profile shape, every part optional.
/// With <see cref="Preset"/> (id or name) the preset is the base; without it, an empty profile is (allowlist with no
/// skills: nothing is allowed until something is granted). The given parts replace the base's.
/// </summary>
public sealed record PermissionProfileInput
{
    public string? Preset { get; init; }
    public string? Name { get; init; }
    public string? Description { get; init; }
    public SkillsInput? Skills { get; init; }
    public ToolsInput? Tools { get; init; }
    public string? MaxRiskLevel { get; init; }
    public IReadOnlyList<string>? BlockedSideEffects { get; init; }
    public ApprovalInput? RequireApproval { get; init; }
    public RateLimitsInput? RateLimits { get; init; }
    public ConstraintsInput? Constraints { get; init; }
}

public sealed record SkillsInput(string? Mode, IReadOnlyList<string>? List);

public sealed record ToolsInput(IReadOnlyList<string>? Blocked, IReadOnlyList<string>? Allowed);

public sealed record ApprovalInput(bool? Enabled, IReadOnlyList<string>? ForRiskLevels, IReadOnlyList<string>? ForSideEffects, IReadOnlyList<string>? Approvers, int? TimeoutMinutes);

public sealed record RateLimitsInput(int? ToolCallsPerMinute, int? ToolCallsPerHour, int? ToolCallsPerDay, int? ExternalActionsPerHour);

public sealed record ConstraintsInput(int? MaxConcurrentTasks, int? MaxSessionDurationMinutes, WorkingHoursInput? AllowedWorkingHours,
    IReadOnlyList<string>? AllowedIPs, bool? SandboxMode);

public sealed record WorkingHoursInput(string? Start, string? End, string? Timezone);

/// <summary>The empty base profile of a PUT without a preset.</summary>
internal static class EmptyProfile
{
    public static PermissionProfile Value { get; } = new()
    {
        Name = "Custom",
        Skills = new(SkillAccessMode.Allowlist.ToName(), []),
        MaxRiskLevel = RiskLevel.Low.ToName(),
    };
}
