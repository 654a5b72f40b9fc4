using AgentFlow.Engine.Agents;
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
        builder.HasIndex(k => k.AgentId);
        // Deleting the agent deletes its keys: a key must never outlive the agent it speaks for.
        builder.HasOne<Agent>().WithMany().HasForeignKey(k => k.AgentId).OnDelete(DeleteBehavior.Cascade);
        builder.HasOne<User>().WithMany().HasForeignKey(k => k.CreatedBy).OnDelete(DeleteBehavior.Cascade);
    }
}
