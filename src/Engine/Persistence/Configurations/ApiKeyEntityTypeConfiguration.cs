using AgentFlow.Engine.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class ApiKeyEntityTypeConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder)
    {
        builder.ToTable("api_keys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Name).HasMaxLength(128);
        builder.Property(k => k.KeyHash).HasMaxLength(64);
        builder.Property(k => k.KeyPrefix).HasMaxLength(16);
        builder.HasIndex(k => k.KeyHash).IsUnique();
        builder.HasIndex(k => k.KeyPrefix);
        builder.HasIndex(k => k.OrgId);
        builder.HasOne<User>().WithMany().HasForeignKey(k => k.CreatedBy).OnDelete(DeleteBehavior.Cascade);
    }
}
