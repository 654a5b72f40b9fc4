using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Settings;

/// <summary>One row per organisation.</summary>
public sealed class CompanySettings : IOrgOwned
{
    public Guid OrgId { get; set; }
    public required string Name { get; set; }
    public string? Domain { get; set; }
    public required string Subdomain { get; set; }
    public string? SmtpHost { get; set; }
    public int? SmtpPort { get; set; }
    public string? SmtpUser { get; set; }
    public string? SmtpPass { get; set; }
    public string? DkimPrivateKey { get; set; }
    public string? LogoUrl { get; set; }
    public string PrimaryColor { get; set; } = "#6366f1";
    public string Plan { get; set; } = "self-hosted";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
