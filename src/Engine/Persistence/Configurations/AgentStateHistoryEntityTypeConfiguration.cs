using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Lifecycle;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class AgentStateHistoryEntityTypeConfiguration : IEntityTypeConfiguration<AgentStateHistory>
{
    public void Configure(EntityTypeBuilder<AgentStateHistory> builder)
    {
        builder.ToTable("agent_state_history");
        builder.HasKey(h => h.Id);
        builder.Property(h => h.From).HasMaxLength(16);
        builder.Property(h => h.To).HasMaxLength(16);
        builder.Property(h => h.Trigger).HasMaxLength(32);
        builder.Property(h => h.Reason).HasMaxLength(AgentLifecycleService.ReasonLength);
        builder.Property(h => h.Actor).HasMaxLength(AgentLifecycleService.ActorLength);
        builder.HasIndex(h => new { h.AgentId, h.At });
        // Transitions of one agent are serialised by the conditional state update; the unique order proves it.
        builder.HasIndex(h => new { h.AgentId, h.Sequence }).IsUnique();
        builder.HasIndex(h => h.OrgId);
        builder.HasOne<Tenancy.Organization>().WithMany().HasForeignKey(h => h.OrgId).OnDelete(DeleteBehavior.Cascade);
        // The history goes with its agent; the audit log keeps the destroy.
        builder.HasOne<Agent>().WithMany().HasForeignKey(h => h.AgentId).OnDelete(DeleteBehavior.Cascade);
    }
}
