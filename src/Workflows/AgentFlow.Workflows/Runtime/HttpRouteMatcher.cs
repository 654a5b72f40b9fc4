using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// Matches a request against the canonical keys of HTTP triggers and waits ("POST /expenses/{id}").
/// Literal segments compare case-insensitively; <c>{name}</c> captures one segment.
/// </summary>
public static class HttpRouteMatcher
{
    /// <summary>The captured route values when <paramref name="routeKey"/> matches the method and path; otherwise null.</summary>
    public static JsonObject? Match(string routeKey, string method, string path)
    {
        ArgumentNullException.ThrowIfNull(routeKey);
        var space = routeKey.IndexOf(' ', StringComparison.Ordinal);
        if (space <= 0 || !string.Equals(routeKey[..space], method, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var template = routeKey[(space + 1)..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var actual = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (template.Length != actual.Length)
        {
            return null;
        }

        var values = new JsonObject();
        for (var i = 0; i < template.Length; i++)
        {
            var segment = template[i];
            if (segment.Length > 2 && segment[0] == '{' && segment[^1] == '}')
            {
                values[segment[1..^1]] = Uri.UnescapeDataString(actual[i]);
            }
            else if (!string.Equals(segment, actual[i], StringComparison.OrdinalIgnoreCase))
            {
                return null;
            }
        }

        return values;
    }
}
