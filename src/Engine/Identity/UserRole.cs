namespace AgentFlow.Engine.Identity;

/// <summary>Roles in rank order: a role has every right of the roles below it.</summary>
public enum UserRole
{
    Viewer = 0,
    Member = 1,
    Admin = 2,
    Owner = 3,
}

public static class UserRoleNames
{
    public const string Viewer = "viewer";
    public const string Member = "member";
    public const string Admin = "admin";
    public const string Owner = "owner";

    public static readonly IReadOnlyList<string> All = [Owner, Admin, Member, Viewer];

    public static string ToName(this UserRole role) => role switch
    {
        UserRole.Owner => Owner,
        UserRole.Admin => Admin,
        UserRole.Member => Member,
        _ => Viewer,
    };

    public static bool TryParse(string? name, out UserRole role)
    {
        switch (name)
        {
            case Owner: role = UserRole.Owner; return true;
            case Admin: role = UserRole.Admin; return true;
            case Member: role = UserRole.Member; return true;
            case Viewer: role = UserRole.Viewer; return true;
            default: role = UserRole.Viewer; return false;
        }
    }
}
