using System.Globalization;
using System.Net.Mail;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFlow.Engine.Approvals;

/// <summary>
/// Evaluates auto-approve conditions on a call's arguments. Every condition must hold; a missing argument fails its
/// condition (nothing is approved by default), and an array argument holds only if each element does, so
/// "recipient domain in [example.com]" is false as soon as one recipient is outside.
/// </summary>
public static class AutoApproveRules
{
    public static bool IsComparison(string op) => op is "lt" or "lte" or "gt" or "gte";

    public static bool TryNumber(string text, out decimal value) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Whether every condition holds; false for an empty list.</summary>
    public static bool AllHold(IReadOnlyList<AutoApproveCondition> conditions, JsonNode? arguments)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        return conditions.Count > 0 && conditions.All(c => Holds(c, Find(arguments, c.Argument)));
    }

    private static JsonNode? Find(JsonNode? root, string path)
    {
        var node = root;
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject obj || !obj.TryGetPropertyValue(part, out node))
            {
                return null;
            }
        }

        return node;
    }

    private static bool Holds(AutoApproveCondition condition, JsonNode? value)
    {
        if (value is null)
        {
            return false;
        }

        if (value is JsonArray array)
        {
            return array.Count > 0 && array.All(item => item is not null and not JsonArray && Holds(condition, item));
        }

        if (value is not JsonValue scalar)
        {
            return false;
        }

        var text = scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString();
        return condition.Operator switch
        {
            "domain_in" => AllDomainsIn(text, condition.Values),
            "in" => condition.Values.Contains(text, StringComparer.OrdinalIgnoreCase),
            "not_in" => !condition.Values.Contains(text, StringComparer.OrdinalIgnoreCase),
            "equals" => condition.Values.Any(v => string.Equals(v, text, StringComparison.OrdinalIgnoreCase)),
            _ => Compare(condition.Operator, text, condition.Values[0]),
        };
    }

    private static bool AllDomainsIn(string text, IReadOnlyList<string> domains)
    {
        // "a@x.com, b@y.com" is two recipients: each must be inside.
        var addresses = text.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return addresses.Length > 0 && addresses.All(a =>
            MailAddress.TryCreate(a, out var mail) && domains.Any(d => string.Equals(mail.Host, d.TrimStart('@'), StringComparison.OrdinalIgnoreCase)));
    }

    private static bool Compare(string op, string text, string limitText)
    {
        if (!TryNumber(text, out var value) || !TryNumber(limitText, out var limit))
        {
            return false;
        }

        return op switch
        {
            "lt" => value < limit,
            "lte" => value <= limit,
            "gt" => value > limit,
            "gte" => value >= limit,
            _ => false,
        };
    }
}

/// <summary>The identity of a call's arguments: SHA-256 of their canonical JSON (object keys sorted, no spaces).</summary>
public static class ArgumentsHash
{
    public static string Of(JsonNode? arguments)
    {
        var canonical = Canonical(arguments)?.ToJsonString() ?? "null";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    public static JsonNode? ToNode(object? arguments) => arguments switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        JsonElement { ValueKind: JsonValueKind.Undefined } => null,
        JsonElement element => JsonNode.Parse(element.GetRawText()),
        _ => JsonSerializer.SerializeToNode(arguments),
    };

    private static JsonNode? Canonical(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => KeyValuePair.Create(p.Key, Canonical(p.Value)))),
        JsonArray array => new JsonArray([.. array.Select(Canonical)]),
        null => null,
        _ => node.DeepClone(),
    };
}
