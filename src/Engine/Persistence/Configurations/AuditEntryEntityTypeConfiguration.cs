using AgentFlow.Engine.Audit;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class AuditEntryEntityTypeConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("audit_log");
        AuditColumns.Configure(builder);
        builder.HasIndex(e => new { e.OrgId, e.Actor });
        builder.HasIndex(e => new { e.OrgId, e.Action });
    }
}

internal sealed class ArchivedAuditEntryEntityTypeConfiguration : IEntityTypeConfiguration<ArchivedAuditEntry>
{
    public void Configure(EntityTypeBuilder<ArchivedAuditEntry> builder)
    {
        builder.ToTable("audit_log_archive");
        AuditColumns.Configure(builder);
    }
}

internal static class AuditColumns
{
    public static void Configure<TEntry>(EntityTypeBuilder<TEntry> builder)
        where TEntry : AuditRecordColumns
    {
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Actor).HasMaxLength(64);
        builder.Property(e => e.ActorType).HasMaxLength(16);
        builder.Property(e => e.Action).HasMaxLength(64);
        builder.Property(e => e.Resource).HasMaxLength(512);
        builder.Property(e => e.Details).IsJsonDocument();
        builder.Property(e => e.Ip).HasMaxLength(64);
        builder.Property(e => e.RequestId).HasMaxLength(128);
        builder.HasIndex(e => new { e.OrgId, e.Timestamp });
    }
}
