namespace AgentFlow.Studio.Components.Designer;

/// <summary>A line of a diff: kept (' '), added ('+') or removed ('-').</summary>
public sealed record DiffLine(char Kind, string Text);

/// <summary>
/// A line diff by longest common subsequence. Definitions are a few hundred lines, so the quadratic table is small;
/// common leading and trailing lines are trimmed first so typical edits cost far less.
/// </summary>
public static class LineDiff
{
    public static IReadOnlyList<DiffLine> Compute(string before, string after)
    {
        var a = Split(before);
        var b = Split(after);
        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && a[prefix] == b[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && a[a.Length - 1 - suffix] == b[b.Length - 1 - suffix])
        {
            suffix++;
        }

        var result = new List<DiffLine>(a.Length + b.Length);
        result.AddRange(a.Take(prefix).Select(l => new DiffLine(' ', l)));
        var n = a.Length - prefix - suffix;
        var m = b.Length - prefix - suffix;
        var lcs = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                lcs[i, j] = a[prefix + i] == b[prefix + j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        int x = 0, y = 0;
        while (x < n || y < m)
        {
            if (x < n && y < m && a[prefix + x] == b[prefix + y])
            {
                result.Add(new DiffLine(' ', a[prefix + x]));
                x++;
                y++;
            }
            else if (x < n && (y == m || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                // Removed lines first, then the lines that replace them (the usual reading order of a diff).
                result.Add(new DiffLine('-', a[prefix + x]));
                x++;
            }
            else
            {
                result.Add(new DiffLine('+', b[prefix + y]));
                y++;
            }
        }

        result.AddRange(a.Skip(a.Length - suffix).Select(l => new DiffLine(' ', l)));
        return result;
    }

    private static string[] Split(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
}
