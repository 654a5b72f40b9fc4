namespace AgentFlow.Engine.Identity;

public sealed record CreateUserCommand(string? Email, string? Name, string? Role, string? Password);

/// <summary>A partial update: <see langword="null"/> leaves a field unchanged.</summary>
public sealed record UpdateUserCommand(string? Email, string? Name, string? Role, string? Password);

/// <summary>Who is acting, as far as user administration cares.</summary>
public readonly record struct Actor(Guid UserId, UserRole Role);
