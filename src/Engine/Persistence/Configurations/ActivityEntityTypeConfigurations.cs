using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

// No foreign key to agents: activity is an audit trail and outlives the agent it describes.
internal sealed class ActivityEventEntityTypeConfiguration : IEntityTypeConfiguration<ActivityEvent>
{
    public void Configure(EntityTypeBuilder<ActivityEvent> builder)
    {
        builder.ToTable("activity_events");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.SessionId).HasMaxLength(ActivityLimits.SessionIdLength);
        builder.Property(e => e.Type).HasMaxLength(ActivityLimits.TypeLength);
        builder.Property(e => e.Data).IsJsonDocument();
        // (org, id): paging newest first and SSE replay after an id; (org, agent, id): the same for one agent.
        builder.HasIndex(e => new { e.OrgId, e.Id });
        builder.HasIndex(e => new { e.OrgId, e.AgentId, e.Id });
        builder.HasIndex(e => new { e.OrgId, e.Timestamp });
        builder.HasIndex(e => new { e.OrgId, e.AgentId, e.Timestamp });
        builder.HasIndex(e => new { e.OrgId, e.Type });
        builder.HasOne<Organization>().WithMany().HasForeignKey(e => e.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ToolCallRecordEntityTypeConfiguration : IEntityTypeConfiguration<ToolCallRecord>
{
    public void Configure(EntityTypeBuilder<ToolCallRecord> builder)
    {
        builder.ToTable("tool_calls");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.SessionId).HasMaxLength(ActivityLimits.SessionIdLength);
        builder.Property(c => c.ToolId).HasMaxLength(ActivityLimits.ToolIdLength);
        builder.Property(c => c.ToolName).HasMaxLength(ActivityLimits.ToolNameLength);
        builder.Property(c => c.Parameters).IsJsonDocument();
        builder.Property(c => c.Status).HasConversion(s => ToolCallStatusNames.ToName(s), s => ToolCallStatusNames.Parse(s)).HasMaxLength(16);
        builder.Property(c => c.Output).HasMaxLength(ActivityLimits.ToolOutputLength);
        builder.Property(c => c.Error).HasMaxLength(ActivityLimits.ErrorLength);
        builder.Property(c => c.PermissionReason).HasMaxLength(ActivityLimits.ErrorLength);
        builder.HasIndex(c => new { c.OrgId, c.StartedAt });
        builder.HasIndex(c => new { c.OrgId, c.AgentId, c.StartedAt });
        builder.HasIndex(c => new { c.OrgId, c.ToolId });
        builder.HasOne<Organization>().WithMany().HasForeignKey(c => c.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ConversationMessageEntityTypeConfiguration : IEntityTypeConfiguration<ConversationMessage>
{
    public void Configure(EntityTypeBuilder<ConversationMessage> builder)
    {
        builder.ToTable("conversations");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.SessionId).HasMaxLength(ActivityLimits.SessionIdLength);
        builder.Property(m => m.Role).HasMaxLength(16);
        builder.Property(m => m.Content).HasMaxLength(ActivityLimits.MessageContentLength);
        builder.Property(m => m.Channel).HasMaxLength(ActivityLimits.ChannelLength);
        builder.HasIndex(m => new { m.OrgId, m.SessionId, m.Timestamp });
        builder.HasIndex(m => new { m.OrgId, m.AgentId, m.Timestamp });
        builder.HasOne<Organization>().WithMany().HasForeignKey(m => m.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}
