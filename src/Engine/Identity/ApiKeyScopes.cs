namespace AgentFlow.Engine.Identity;

/// <summary>
/// Scopes cap the role a key acts with; the key's effective role is the lower of that cap and its creator's
/// current role, so a key never has more rights than the person who made it.
/// </summary>
public static class ApiKeyScopes
{
    public const string All = "*";
    public const string Read = "read";
    public const string Write = "write";
    public const string Admin = "admin";

    public static readonly IReadOnlyList<string> Known = [All, Read, Write, Admin];

    public static bool IsKnown(string scope) => Known.Contains(scope, StringComparer.Ordinal);

    /// <summary><c>read</c> → viewer (safe methods only), <c>write</c> → member, <c>admin</c> → admin, <c>*</c> → owner.</summary>
    public static UserRole RoleCap(IEnumerable<string> scopes)
    {
        var cap = UserRole.Viewer;
        foreach (var scope in scopes)
        {
            var role = scope switch
            {
                All => UserRole.Owner,
                Admin => UserRole.Admin,
                Write => UserRole.Member,
                _ => UserRole.Viewer,
            };
            cap = role > cap ? role : cap;
        }

        return cap;
    }

    public static UserRole EffectiveRole(UserRole creatorRole, IEnumerable<string> scopes)
    {
        var cap = RoleCap(scopes);
        return creatorRole < cap ? creatorRole : cap;
    }
}
