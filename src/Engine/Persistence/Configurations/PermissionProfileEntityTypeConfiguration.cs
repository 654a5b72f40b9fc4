using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Permissions;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class PermissionProfileEntityTypeConfiguration : IEntityTypeConfiguration<AgentPermissionProfile>
{
    public void Configure(EntityTypeBuilder<AgentPermissionProfile> builder)
    {
        builder.ToTable("permission_profiles");
        builder.HasKey(p => p.AgentId);
        builder.Property(p => p.Document).IsJsonDocument();
        builder.Property(p => p.Version).IsConcurrencyToken();
        builder.HasIndex(p => p.OrgId);
        builder.HasOne<Agent>().WithOne().HasForeignKey<AgentPermissionProfile>(p => p.AgentId).OnDelete(DeleteBehavior.Cascade);
    }
}
