using AgentFlow.Engine.Agents;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class AgentEntityTypeConfiguration : IEntityTypeConfiguration<Agent>
{
    public void Configure(EntityTypeBuilder<Agent> builder)
    {
        builder.ToTable("agents");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Name).HasMaxLength(64);
        builder.Property(a => a.Email).HasMaxLength(254);
        builder.Property(a => a.Role).HasMaxLength(32);
        builder.Property(a => a.Status).HasConversion(s => AgentStatusNames.ToName(s), s => AgentStatusNames.Parse(s)).HasMaxLength(16);
        builder.Property(a => a.Metadata).IsJsonDocument();
        builder.Property(a => a.DisplayName).HasMaxLength(AgentConfigLimits.DisplayNameLength);
        builder.Property(a => a.State).HasMaxLength(16).HasDefaultValue(AgentStates.Draft);
        builder.Property(a => a.Config).IsJsonDocument().HasDefaultValue("{}");
        builder.Property(a => a.PermissionProfileId).HasMaxLength(AgentConfigLimits.PermissionProfileIdLength);
        builder.Property(a => a.ConfigVersion).HasDefaultValue(1);
        builder.Property(a => a.TokenBudgetMonthly).HasDefaultValue(0L);
        builder.Property(a => a.CostBudgetMonthlyMicroUsd).HasDefaultValue(0L);
        builder.HasIndex(a => new { a.OrgId, a.Name }).IsUnique();
        builder.HasIndex(a => new { a.OrgId, a.Email }).IsUnique();
        builder.HasIndex(a => new { a.OrgId, a.Status });
        builder.HasIndex(a => new { a.OrgId, a.State });
        builder.HasIndex(a => new { a.OrgId, a.CreatedAt });
        builder.HasOne<Tenancy.Organization>().WithMany().HasForeignKey(a => a.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}
