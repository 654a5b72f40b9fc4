using AgentFlow.Engine.Approvals;
using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class ApprovalPolicyEntityTypeConfiguration : IEntityTypeConfiguration<ApprovalPolicy>
{
    public void Configure(EntityTypeBuilder<ApprovalPolicy> builder)
    {
        builder.ToTable("approval_policies");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Name).HasMaxLength(100);
        builder.Property(p => p.Description).HasMaxLength(1000);
        builder.Property(p => p.Definition).IsJsonDocument();
        builder.HasIndex(p => new { p.OrgId, p.Name }).IsUnique();
        builder.HasIndex(p => new { p.OrgId, p.CreatedAt });
        builder.HasOne<Organization>().WithMany().HasForeignKey(p => p.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}

// No foreign key to agents: like activity, an approval is part of the record and outlives the agent it was for.
internal sealed class ApprovalRequestEntityTypeConfiguration : IEntityTypeConfiguration<ApprovalRequest>
{
    public void Configure(EntityTypeBuilder<ApprovalRequest> builder)
    {
        builder.ToTable("approval_requests");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.AgentName).HasMaxLength(200);
        builder.Property(r => r.ToolId).HasMaxLength(128);
        builder.Property(r => r.ToolName).HasMaxLength(200);
        builder.Property(r => r.RiskLevel).HasMaxLength(16);
        builder.Property(r => r.SideEffects).IsJsonDocument();
        builder.Property(r => r.Arguments).IsJsonDocument();
        builder.Property(r => r.ArgumentsHash).HasMaxLength(64);
        builder.Property(r => r.PolicyName).HasMaxLength(100);
        builder.Property(r => r.Reason).HasMaxLength(500);
        builder.Property(r => r.Status).HasConversion(s => ApprovalStatusNames.ToName(s), s => Parse(s)).HasMaxLength(16);
        builder.Property(r => r.Plan).IsJsonDocument();
        builder.Property(r => r.DecidedBy).HasMaxLength(64);
        builder.Property(r => r.DecisionReason).HasMaxLength(2000);
        builder.HasMany(r => r.Decisions).WithOne().HasForeignKey(d => d.RequestId).OnDelete(DeleteBehavior.Cascade);
        builder.HasIndex(r => new { r.OrgId, r.Status, r.CreatedAt });
        builder.HasIndex(r => new { r.OrgId, r.AgentId, r.CreatedAt });
        builder.HasOne<Organization>().WithMany().HasForeignKey(r => r.OrgId).OnDelete(DeleteBehavior.Cascade);
    }

    private static ApprovalStatus Parse(string name) => name switch
    {
        "approved" => ApprovalStatus.Approved,
        "denied" => ApprovalStatus.Denied,
        "expired" => ApprovalStatus.Expired,
        _ => ApprovalStatus.Pending,
    };
}

internal sealed class ApprovalDecisionEntityTypeConfiguration : IEntityTypeConfiguration<ApprovalDecision>
{
    public void Configure(EntityTypeBuilder<ApprovalDecision> builder)
    {
        builder.ToTable("approval_decisions");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Reason).HasMaxLength(2000);
        // One vote per user per request: the quorum counts distinct approvers by construction.
        builder.HasIndex(d => new { d.RequestId, d.UserId }).IsUnique();
        builder.HasIndex(d => d.OrgId);
    }
}
