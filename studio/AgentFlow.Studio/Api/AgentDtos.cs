namespace AgentFlow.Studio.Api;

// What the agent pages read and send: /api/engine/agents (src/Host/Endpoints/Engine/EngineAgentsApi*.cs),
// /api/engine/agents/{id}/deployment (DeploymentsApi.cs), /api/engine/profiles (PermissionsApi.cs),
// /api/engine/skills/by-category and /api/engine/profiles/presets (SkillsApi.cs), /api/engine/deploy-targets.

public sealed record EngineAgent(
    Guid Id,
    Guid OrgId,
    string Name,
    string? DisplayName,
    string Email,
    string Role,
    string Status,
    string State,
    int Version,
    AgentConfig Config,
    bool ConfigComplete,
    IReadOnlyList<string> MissingConfig,
    AgentHealth Health,
    AgentUsagePeriods? Usage,
    Guid? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record AgentHealth(string Status, DateTimeOffset? LastCheckAt);

public sealed record AgentConfig(
    string Name,
    string? DisplayName,
    string Email,
    AgentIdentity Identity,
    AgentModel Model,
    AgentDeployment Deployment,
    string? PermissionProfileId,
    AgentBudgets Budgets);

public sealed record AgentIdentity(string? Role = null, string? Tone = null, string? CustomTone = null, string? Language = null,
    string? Personality = null, string? Avatar = null);

public sealed record AgentModel(string? Provider = null, string? ModelId = null, string? ThinkingLevel = null, double? Temperature = null,
    int? MaxTokens = null, string? FallbackModelId = null);

public sealed record AgentDeployment(string? Target = null);

public sealed record AgentBudgets(long? TokenBudgetMonthly = null, decimal? CostBudgetMonthlyUsd = null);

/// <summary>The body of <c>POST /api/engine/agents</c> (<c>config</c>) and <c>PATCH …/config</c> (<c>updates</c>).</summary>
public sealed record AgentConfigInput(
    string? Name = null,
    string? DisplayName = null,
    string? Email = null,
    AgentIdentity? Identity = null,
    AgentModel? Model = null,
    AgentDeployment? Deployment = null,
    string? PermissionProfileId = null,
    AgentBudgets? Budgets = null);

public sealed record CreateAgentRequest(AgentConfigInput Config);

public sealed record UpdateAgentConfigRequest(AgentConfigInput Updates);

public sealed record AgentLifecycleRequest(string? Reason);

public sealed record AgentTransition(Guid Id, Guid AgentId, long Sequence, string? From, string To, string Trigger, string? Reason, string Actor, DateTimeOffset At);

public sealed record AgentUsagePeriods(DateTimeOffset TodayFrom, AgentUsageTotals Today, DateTimeOffset MonthFrom, AgentUsageTotals ThisMonth, AgentUsageTotals Total);

public sealed record AgentUsageTotals(int ToolCalls, int FailedToolCalls, int BlockedToolCalls, long InputTokens, long OutputTokens,
    int Messages, long MessageTokens, long Tokens, decimal CostUsd);

public sealed record AgentBudgetUse(AgentBudget Tokens, AgentBudget CostUsd);

/// <summary>A monthly budget against this month's use; <c>Budget</c> 0 is unlimited and has no percentage.</summary>
public sealed record AgentBudget(decimal Budget, decimal Used, double? Percent, bool Exceeded);

public sealed record AgentUsageReport(Guid AgentId, string State, AgentHealth Health, AgentUsagePeriods Usage, AgentBudgetUse Budgets);

public sealed record AgentDeploymentInfo(
    Guid Id, Guid AgentId, string Target, string Phase, string? Endpoint, string Health, int ConsecutiveFailures, int RestartsLast10Minutes,
    string? LastError, DateTimeOffset? LastCheckAt, string Status, string StatusMessage, IReadOnlyDictionary<string, string> State,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record AgentDeployTarget(string Id, string DisplayName, string Description);

public sealed record AgentSkillCategory(string Category, int Total, IReadOnlyList<AgentSkillSummary> Skills);

public sealed record AgentSkillSummary(string Id, string Name, string Description, string Category, string Risk, IReadOnlyList<string> ToolIds,
    IReadOnlyList<string> SideEffects);

public sealed record AgentPermissionPreset(string Id, string Name, string Description, ProfileSkills Skills, string MaxRiskLevel);

public sealed record ProfileSkills(string Mode, IReadOnlyList<string> List);

public sealed record ProfileTools(IReadOnlyList<string> Blocked, IReadOnlyList<string> Allowed);

public sealed record ProfileApproval(bool Enabled, IReadOnlyList<string> ForRiskLevels, IReadOnlyList<string> ForSideEffects, IReadOnlyList<string> Approvers,
    int TimeoutMinutes);

public sealed record ProfileRateLimits(int ToolCallsPerMinute, int ToolCallsPerHour, int ToolCallsPerDay, int ExternalActionsPerHour);

public sealed record ProfileWorkingHours(string Start, string End, string Timezone);

public sealed record ProfileConstraints(int MaxConcurrentTasks, int MaxSessionDurationMinutes, ProfileWorkingHours? AllowedWorkingHours, IReadOnlyList<string> AllowedIPs,
    bool SandboxMode);

public sealed record AgentProfile(
    Guid AgentId, int Version, string Name, string? Description, string? PresetId, ProfileSkills Skills, ProfileTools Tools, string MaxRiskLevel,
    IReadOnlyList<string> BlockedSideEffects, ProfileApproval RequireApproval, ProfileRateLimits RateLimits, ProfileConstraints Constraints,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary>The body of <c>PUT /api/engine/profiles/{agentId}</c>: the whole profile (parts left out would fall back to an empty base).</summary>
public sealed record AgentProfileInput(
    string? Preset, string Name, string? Description, ProfileSkills Skills, ProfileTools Tools, string MaxRiskLevel, IReadOnlyList<string> BlockedSideEffects,
    ProfileApproval RequireApproval, ProfileRateLimits RateLimits, ProfileConstraints Constraints);

public sealed record AgentApplyPresetRequest(string PresetName);

/// <summary>Helpers for live events about agents.</summary>
public static class AgentEvents
{
    public const string DeploymentPhase = "deployment_phase";
    public const string StateChanged = "agent_state_changed";

    /// <summary>The deploy target's steps, in order (DeploymentService).</summary>
    public static readonly IReadOnlyList<string> Phases = ["validate", "provision", "configure", "deploy", "verify"];
}
