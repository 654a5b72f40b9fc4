using AgentFlow.Engine.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace AgentFlow.Engine.Persistence.Configurations;

internal sealed class UserEntityTypeConfiguration : IEntityTypeConfiguration<User>
{
    public void Configure(EntityTypeBuilder<User> builder)
    {
        builder.ToTable("users");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Email).HasMaxLength(254);
        builder.Property(u => u.Name).HasMaxLength(128);
        builder.Property(u => u.Role).HasConversion(r => r.ToName(), s => RoleFromName(s)).HasMaxLength(16);
        builder.Property(u => u.PasswordHash).HasMaxLength(256);
        builder.Property(u => u.SsoProvider).HasMaxLength(64);
        builder.Property(u => u.SsoSubject).HasMaxLength(256);
        builder.HasIndex(u => u.Email).IsUnique();
        builder.HasIndex(u => u.OrgId);
        builder.HasIndex(u => new { u.SsoProvider, u.SsoSubject });
        builder.HasOne<Tenancy.Organization>().WithMany().HasForeignKey(u => u.OrgId).OnDelete(DeleteBehavior.Cascade);
    }

    private static UserRole RoleFromName(string name) => UserRoleNames.TryParse(name, out var role) ? role : UserRole.Viewer;
}
