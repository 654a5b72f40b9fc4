using AgentFlow.Engine.Settings;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class CompanySettingsEntityTypeConfiguration : IEntityTypeConfiguration<CompanySettings>
{
    public void Configure(EntityTypeBuilder<CompanySettings> builder)
    {
        builder.ToTable("company_settings");
        builder.HasKey(s => s.OrgId);
        builder.Property(s => s.Name).HasMaxLength(200);
        builder.Property(s => s.Domain).HasMaxLength(253);
        builder.Property(s => s.Subdomain).HasMaxLength(63);
        builder.Property(s => s.SmtpHost).HasMaxLength(253);
        builder.Property(s => s.SmtpUser).HasMaxLength(256);
        builder.Property(s => s.SmtpPass).HasMaxLength(1024);
        builder.Property(s => s.DkimPrivateKey).HasMaxLength(8192);
        builder.Property(s => s.LogoUrl).HasMaxLength(2048);
        builder.Property(s => s.PrimaryColor).HasMaxLength(7);
        builder.Property(s => s.Plan).HasMaxLength(32);
        builder.HasIndex(s => s.Subdomain).IsUnique();
        builder.HasData(new CompanySettings
        {
            OrgId = Tenancy.Organization.DefaultId,
            Name = DefaultOrganizationSeed.Name,
            Subdomain = DefaultOrganizationSeed.Slug,
            CreatedAt = DefaultOrganizationSeed.CreatedAt,
            UpdatedAt = DefaultOrganizationSeed.CreatedAt,
        });
        builder.HasOne<Tenancy.Organization>().WithOne().HasForeignKey<CompanySettings>(s => s.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}
