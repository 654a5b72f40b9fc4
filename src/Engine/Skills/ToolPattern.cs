namespace AgentFlow.Engine.Skills;

/// <summary>
/// Tool lists in profiles accept wildcards: <c>*</c> matches any run of characters (<c>agenticmail_*</c>,
/// <c>*_send</c>, <c>*</c>). Everything else matches itself, case-sensitively, like tool ids.
/// </summary>
public static class ToolPattern
{
    /// <summary>Whether the entry is a pattern rather than a plain id.</summary>
    public static bool IsWildcard(string pattern) => pattern.Contains('*', StringComparison.Ordinal);

    /// <summary>Whether a list entry is well-formed: a tool id, optionally with <c>*</c> wildcards.</summary>
    public static bool IsValid(string pattern) =>
        pattern.Length is > 0 and <= 128 && pattern.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '*');

    /// <summary>Whether <paramref name="toolId"/> matches <paramref name="pattern"/>.</summary>
    public static bool IsMatch(string pattern, string toolId)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(toolId);
        if (!IsWildcard(pattern))
        {
            return string.Equals(pattern, toolId, StringComparison.Ordinal);
        }

        // Iterative glob with single-star backtracking: linear for the patterns profiles use, no regex allocation.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < toolId.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (p < pattern.Length && pattern[p] == toolId[t])
            {
                p++;
                t++;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Whether any entry of the list matches the tool.</summary>
    public static bool AnyMatch(IEnumerable<string> patterns, string toolId) => patterns.Any(p => IsMatch(p, toolId));
}
