using AgentFlow.Engine.Retention;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class RetentionPolicyEntityTypeConfiguration : IEntityTypeConfiguration<RetentionPolicy>
{
    public void Configure(EntityTypeBuilder<RetentionPolicy> builder)
    {
        builder.ToTable("retention_policies");
        builder.HasKey(p => p.OrgId);
        builder.HasOne<Tenancy.Organization>().WithOne().HasForeignKey<RetentionPolicy>(p => p.OrgId).OnDelete(DeleteBehavior.Cascade);
    }
}
