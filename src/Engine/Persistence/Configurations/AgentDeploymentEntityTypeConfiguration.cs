using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Deployment;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class AgentDeploymentEntityTypeConfiguration : IEntityTypeConfiguration<AgentDeployment>
{
    public void Configure(EntityTypeBuilder<AgentDeployment> builder)
    {
        builder.ToTable("agent_deployments");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Target).HasMaxLength(64);
        builder.Property(d => d.Phase).HasMaxLength(64);
        builder.Property(d => d.State).IsJsonDocument();
        builder.Property(d => d.Endpoint).HasMaxLength(2048);
        builder.Property(d => d.LastError).HasMaxLength(4000);
        builder.Property(d => d.DeployedBy).HasMaxLength(64);
        builder.Property(d => d.Health).HasMaxLength(16);
        builder.Property(d => d.Restarts).IsJsonDocument();
        // One deployment per agent; it goes with the agent (destroy removes it first).
        builder.HasIndex(d => d.AgentId).IsUnique();
        builder.HasIndex(d => d.OrgId);
        builder.HasOne<Agent>().WithMany().HasForeignKey(d => d.AgentId).OnDelete(DeleteBehavior.Cascade);
    }
}
