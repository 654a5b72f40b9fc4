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
        builder.HasIndex(o => o.Slug).IsUnique();
        builder.HasData(new Organization
        {
            Id = Organization.DefaultId,
            Name = DefaultOrganizationSeed.Name,
            Slug = DefaultOrganizationSeed.Slug,
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
}
