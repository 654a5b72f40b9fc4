namespace AgentFlow.Workflows.Runtime;

/// <summary>The canonical keys triggers and bookmarks are indexed by, shared by publishing, activities and matching.</summary>
public static class RouteKeys
{
    /// <summary>"METHOD /path" with the method upper-cased and literal path segments lower-cased; parameters keep their names.</summary>
    public static string Http(string method, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(method);
        ArgumentNullException.ThrowIfNull(path);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries)
            .Select(s => s.StartsWith('{') ? s : s.ToLowerInvariant());
        return $"{method.Trim().ToUpperInvariant()} /{string.Join('/', segments)}";
    }

    /// <summary>The lower-case hex SHA-256 of a key (indexes stay small whatever the key length).</summary>
    public static string Hash(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(key)));
    }
}
