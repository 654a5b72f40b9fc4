using AgentFlow.Engine.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class BootstrapMarkerEntityTypeConfiguration : IEntityTypeConfiguration<BootstrapMarker>
{
    public void Configure(EntityTypeBuilder<BootstrapMarker> builder)
    {
        builder.ToTable("bootstrap_marker");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedNever();
    }
}
