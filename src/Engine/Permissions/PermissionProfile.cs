using AgentFlow.Engine.Tenancy;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Engine.Permissions;

/// <summary>
/// An agent's permission profile in the reference's shape (<c>AgentPermissionProfile</c>), already validated and
/// normalised: names are the lower-case wire names (<c>allowlist</c>, <c>high</c>), lists never null. It is what the
/// database stores (as one JSON document) and what the API answers, so the two cannot drift apart.
/// </summary>
public sealed record PermissionProfile
{
    public string Name { get; init; } = "Custom";
    public string? Description { get; init; }

    /// <summary>The preset the profile was built from, if any.</summary>
    public string? PresetId { get; init; }
    public ProfileSkills Skills { get; init; } = new(CatalogNamesAccess.Allowlist, []);
    public ProfileTools Tools { get; init; } = new([], []);
    public string MaxRiskLevel { get; init; } = "critical";
    public IReadOnlyList<string> BlockedSideEffects { get; init; } = [];
    public ProfileApproval RequireApproval { get; init; } = new(false, [], [], [], 30);
    public RateLimitSettings RateLimits { get; init; } = new(10, 100, 1000, 10);
    public ProfileConstraints Constraints { get; init; } = new(1, 60, null, [], false);

    /// <summary>The profile a preset stands for (approvers, working hours and IPs are per agent, so empty).</summary>
    public static PermissionProfile FromPreset(PermissionPreset preset)
    {
        ArgumentNullException.ThrowIfNull(preset);
        return new()
        {
            Name = preset.Name,
            Description = preset.Description,
            PresetId = preset.Id,
            Skills = new(preset.SkillMode.ToName(), preset.SkillIds),
            Tools = new(preset.BlockedTools, preset.AllowedTools),
            MaxRiskLevel = preset.MaxRiskLevel.ToName(),
            BlockedSideEffects = preset.BlockedSideEffects,
            RequireApproval = new(preset.RequireApproval.Enabled, [.. preset.RequireApproval.ForRiskLevels.Select(r => r.ToName())],
                preset.RequireApproval.ForSideEffects, [], preset.RequireApproval.TimeoutMinutes),
            RateLimits = preset.RateLimits,
            Constraints = new(preset.Constraints.MaxConcurrentTasks, preset.Constraints.MaxSessionDurationMinutes, null, [], preset.Constraints.SandboxMode),
        };
    }
}

/// <summary><c>skills{mode, list}</c>: mode is <c>allowlist</c> or <c>blocklist</c>.</summary>
public sealed record ProfileSkills(string Mode, IReadOnlyList<string> List);

/// <summary><c>tools{blocked, allowed}</c>: tool ids or <c>*</c> patterns.</summary>
public sealed record ProfileTools(IReadOnlyList<string> Blocked, IReadOnlyList<string> Allowed);

/// <summary><c>requireApproval</c>: when a permitted call still needs a human.</summary>
public sealed record ProfileApproval(bool Enabled, IReadOnlyList<string> ForRiskLevels, IReadOnlyList<string> ForSideEffects, IReadOnlyList<string> Approvers, int TimeoutMinutes);

/// <summary><c>constraints</c>: execution limits, working hours, IP allow list, sandbox.</summary>
public sealed record ProfileConstraints(int MaxConcurrentTasks, int MaxSessionDurationMinutes, WorkingHours? AllowedWorkingHours,
    IReadOnlyList<string> AllowedIPs, bool SandboxMode);

/// <summary>Working hours as <c>HH:mm</c> in an IANA time zone; an end before the start spans midnight.</summary>
public sealed record WorkingHours(string Start, string End, string Timezone);

internal static class CatalogNamesAccess
{
    public const string Allowlist = "allowlist";
    public const string Blocklist = "blocklist";
}

/// <summary>The stored profile of one agent (table <c>permission_profiles</c>, one row per agent).</summary>
public sealed class AgentPermissionProfile : IOrgOwned
{
    public Guid AgentId { get; set; }
    public Guid OrgId { get; set; }

    /// <summary>The <see cref="PermissionProfile"/> as a JSON document.</summary>
    public string Document { get; set; } = "{}";

    /// <summary>Starts at 1 and grows by one on every change; cached decisions are keyed by it.</summary>
    public int Version { get; set; }
    public Guid? UpdatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
