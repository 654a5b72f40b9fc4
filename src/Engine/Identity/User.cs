using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Identity;

public sealed class User : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }

    /// <summary>Lower-case; unique across organisations because it is the login name.</summary>
    public required string Email { get; set; }
    public required string Name { get; set; }
    public UserRole Role { get; set; } = UserRole.Member;
    public string? PasswordHash { get; set; }
    public string? SsoProvider { get; set; }
    public string? SsoSubject { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastLoginAt { get; set; }
}
