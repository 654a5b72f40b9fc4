using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentFlow.Studio.Api;

// What the administration pages read and send: /api/audit, /api/api-keys, /api/users, /api/settings,
// /api/retention, /api/engine/orgs, /api/engine/plans, /api/plugins. Shapes follow the Host's records.

public sealed record AuditEntryDto(Guid Id, DateTimeOffset Timestamp, string Actor, string ActorType, string Action, string Resource, JsonElement Details, string? Ip, string? RequestId);

public sealed record ApiKeyDto(Guid Id, string Name, string KeyPrefix, IReadOnlyList<string> Scopes, Guid CreatedBy, DateTimeOffset CreatedAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt, bool Revoked, DateTimeOffset? RevokedAt, Guid? AgentId);

public sealed record CreatedApiKeyDto(ApiKeyDto Key, string Plaintext, string Warning);

public sealed record CreateApiKeyBody(string Name, IReadOnlyList<string> Scopes, DateTimeOffset? ExpiresAt, Guid? AgentId);

public sealed record UserDto(Guid Id, string Email, string Name, string Role, Guid OrgId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? LastLoginAt, string? SsoProvider);

public sealed record CreateUserBody(string Email, string Name, string Role, string Password);

/// <summary>Absent (null) fields are left as they are: the API changes only what is sent.</summary>
public sealed record UpdateUserBody(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Role);

public sealed record SettingsDto(string Name, string? Domain, string Subdomain, string? SmtpHost, int? SmtpPort, string? SmtpUser, string? SmtpPass,
    string? DkimPrivateKey, string? LogoUrl, string PrimaryColor, string Plan, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

/// <summary><c>PATCH /api/settings</c>: null leaves a field, <c>""</c> clears it, <c>***</c> keeps a stored secret.</summary>
public sealed record UpdateSettingsBody(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Domain,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Subdomain,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SmtpHost,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? SmtpPort,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SmtpUser,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? SmtpPass,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? DkimPrivateKey,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? LogoUrl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? PrimaryColor);

public sealed record RetentionDto(bool Enabled, int RetainDays, bool ArchiveFirst, IReadOnlyList<string> ExcludeTags, DateTimeOffset UpdatedAt, DateTimeOffset? LastAppliedAt);

public sealed record SetRetentionBody(bool Enabled, int RetainDays, bool ArchiveFirst, IReadOnlyList<string> ExcludeTags);

public sealed record PlanLimitsDto(long MaxAgents, long MaxUsers, long MaxKnowledgeBases,
    [property: JsonPropertyName("maxDocumentsPerKB")] long MaxDocumentsPerKnowledgeBase, long MaxStorageMb, long TokenBudgetMonthly, int ApiCallsPerMinute);

public sealed record PlanDto(string Name, PlanLimitsDto Limits, IReadOnlyList<string> DeploymentTargets, IReadOnlyList<string> Features, int AuditRetentionDays);

public sealed record OrganizationSettingsDto(string DefaultModel, string DefaultPermissionProfile, bool RequireApprovalForDeploy, int AuditRetentionDays,
    string DataRegion, IReadOnlyList<string> AllowedDomains);

public sealed record OrganizationDto(Guid Id, string Name, string Slug, string Plan, string? AdminEmail, OrganizationSettingsDto Settings,
    PlanLimitsDto Limits, IReadOnlyList<string> DeploymentTargets, IReadOnlyList<string> Features, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record OrganizationUsageDto(Guid OrgId, string Plan, LimitCheck Agents, LimitCheck Users, int ApiCallsPerMinute);

public sealed record ChangePlanBody(string Plan);

public sealed record PluginContributionsDto(IReadOnlyList<string> SkillPacks, IReadOnlyList<string> Skills, IReadOnlyList<string> Tools,
    IReadOnlyList<string> Presets, IReadOnlyList<string> DeployTargets, IReadOnlyList<string> Activities);

public sealed record PluginDto(string Id, string? Version, string Status, string Folder, string? DisplayName, string? Author, string? Description,
    PluginContributionsDto Contributes, IReadOnlyList<string> Errors, DateTimeOffset UpdatedAt);

public sealed record OrganizationSettingsBody(string? DefaultModel, string? DefaultPermissionProfile, bool? RequireApprovalForDeploy,
    int? AuditRetentionDays, string? DataRegion, IReadOnlyList<string>? AllowedDomains);

public sealed record UpdateOrganizationBody(string? Name, string? AdminEmail, OrganizationSettingsBody? Settings);
