using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class OrganizationEntityTypeConfiguration : IEntityTypeConfiguration<Organization>
{
    public void Configure(EntityTypeBuilder<Organization> builder)
    {
        builder.ToTable("organizations");
        builder.HasKey(o => o.Id);
        builder.Property(o => o.Name).HasMaxLength(200);
        builder.Property(o => o.Slug).HasMaxLength(64);
        builder.Property(o => o.Plan).HasMaxLength(32);
        builder.Property(o => o.AdminEmail).HasMaxLength(254);
        builder.Property(o => o.Settings).IsJsonDocument();
        builder.HasIndex(o => o.Slug).IsUnique();
        builder.HasData(new Organization
        {
            Id = Organization.DefaultId,
            Name = DefaultOrganizationSeed.Name,
            Slug = DefaultOrganizationSeed.Slug,
            Plan = PlanNames.SelfHosted,
            Settings = DefaultOrganizationSeed.Settings,
            CreatedAt = DefaultOrganizationSeed.CreatedAt,
            UpdatedAt = DefaultOrganizationSeed.CreatedAt,
        });
    }
}

/// <summary>The default organisation exists from the first migration on, so single-tenant mode needs no start-up code.</summary>
internal static class DefaultOrganizationSeed
{
    public const string Name = "My Company";
    public const string Slug = "my-company";
    public static readonly DateTimeOffset CreatedAt = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Self-hosted: nobody else to approve a deploy (as the reference's default organisation). Written out, since seed data must be constant.</summary>
    public const string Settings =
        """{"defaultModel":"anthropic/claude-sonnet-4-20250514","defaultPermissionProfile":"Customer Support Agent","requireApprovalForDeploy":false,"auditRetentionDays":365,"dataRegion":"us-east-1","allowedDomains":[]}""";
}
