using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Rules;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class EmailRuleEntityTypeConfiguration : IEntityTypeConfiguration<EmailRule>
{
    public void Configure(EntityTypeBuilder<EmailRule> builder)
    {
        builder.ToTable("email_rules");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Name).HasMaxLength(128);
        builder.Property(r => r.Conditions).IsJsonDocument();
        builder.Property(r => r.Actions).IsJsonDocument();
        builder.HasIndex(r => new { r.OrgId, r.AgentId });
        builder.HasOne<Agent>().WithMany().HasForeignKey(r => r.AgentId).OnDelete(DeleteBehavior.Cascade);
    }
}
