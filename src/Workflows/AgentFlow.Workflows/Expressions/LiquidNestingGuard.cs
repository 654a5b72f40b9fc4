using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace AgentFlow.Workflows.Expressions;

/// <summary>
/// Rejects Liquid templates nested deeper than <see cref="MaxDepth"/> before Fluid parses them. Fluid's parser
/// recurses once per nested block or bracket without a stack check: about 500 levels (a 7 KB template) overflow a
/// thread-pool thread's stack, and a stack overflow kills the process instead of throwing. Tenants author templates,
/// so the depth is bounded here. The count over-approximates (brackets in plain text and inside strings count too)
/// so that no quoting trick can hide nesting from it; real templates nest a handful of levels.
/// </summary>
internal static partial class LiquidNestingGuard
{
    /// <summary>The deepest block nesting, and separately the deepest bracket nesting, a template may have.</summary>
    public const int MaxDepth = 64;

    // Every tag Fluid parses as a block (with an end tag); an unclosed one still recurses, so openers count on their own.
    private static readonly HashSet<string> BlockTags = new(StringComparer.Ordinal)
    {
        "if", "unless", "case", "for", "tablerow", "capture", "comment", "raw", "ifchanged", "macro",
    };

    /// <summary>Checks the nesting depth of a template.</summary>
    /// <param name="template">The Liquid source.</param>
    /// <param name="error">Why the template is rejected.</param>
    /// <returns>Whether the template is shallow enough to parse safely.</returns>
    public static bool IsSafe(string template, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(template);
        var bracketDepth = 0;
        foreach (var c in template)
        {
            if (c is '(' or '[')
            {
                if (++bracketDepth > MaxDepth)
                {
                    error = $"The template nests brackets or parentheses more than {MaxDepth} levels deep.";
                    return false;
                }
            }
            else if (c is ')' or ']' && bracketDepth > 0)
            {
                bracketDepth--;
            }
        }

        // Inside {% liquid %} statements start lines instead of tags; when the tag is used, line starts count too.
        var tags = LiquidTagPattern().IsMatch(template) ? TagOrStatementPattern() : TagPattern();
        var blockDepth = 0;
        foreach (Match match in tags.Matches(template))
        {
            var name = match.Groups["name"].Value;
            if (BlockTags.Contains(name))
            {
                if (++blockDepth > MaxDepth)
                {
                    error = $"The template nests blocks more than {MaxDepth} levels deep.";
                    return false;
                }
            }
            else if (name.StartsWith("end", StringComparison.Ordinal) && blockDepth > 0)
            {
                blockDepth--;
            }
        }

        error = null;
        return true;
    }

    [GeneratedRegex(@"\{%-?\s*liquid\b", RegexOptions.CultureInvariant)]
    private static partial Regex LiquidTagPattern();

    [GeneratedRegex(@"\{%-?\s*(?<name>[A-Za-z_]\w*)", RegexOptions.CultureInvariant)]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"(?:\{%-?\s*(?:liquid\s+)?|\n|\r)\s*(?<name>[A-Za-z_]\w*)", RegexOptions.CultureInvariant)]
    private static partial Regex TagOrStatementPattern();
}
