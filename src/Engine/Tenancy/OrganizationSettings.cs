using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentFlow.Engine.Tenancy;

/// <summary>
/// An organisation's engine settings, stored as one JSON document on <see cref="Organization.Settings"/>. Missing
/// members read as their defaults, so a row written by an older version (or <c>{}</c>) is still valid.
/// </summary>
public sealed record OrganizationSettings
{
    public const string DefaultModelName = "anthropic/claude-sonnet-4-20250514";
    public const string DefaultProfileName = "Customer Support Agent";
    public const string DefaultRegion = "us-east-1";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public string DefaultModel { get; init; } = DefaultModelName;
    public string DefaultPermissionProfile { get; init; } = DefaultProfileName;
    public bool RequireApprovalForDeploy { get; init; } = true;
    public int AuditRetentionDays { get; init; } = 30;
    public string DataRegion { get; init; } = DefaultRegion;
    public IReadOnlyList<string> AllowedDomains { get; init; } = [];

    /// <summary>The defaults of a new organisation on that plan (retention follows the plan).</summary>
    public static OrganizationSettings For(Plan plan) => new() { AuditRetentionDays = plan.AuditRetentionDays };

    public static OrganizationSettings Parse(string json) =>
        string.IsNullOrWhiteSpace(json) ? new OrganizationSettings() : JsonSerializer.Deserialize<OrganizationSettings>(json, Json) ?? new OrganizationSettings();

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}
