using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFlow.Engine.Activity;

/// <summary>
/// Turns whatever a caller recorded into a JSON object with secrets replaced by <c>***</c>, before it is
/// buffered, broadcast or stored. A key is secret when its name, lower-cased and without <c>_</c>/<c>-</c>,
/// contains one of <see cref="SecretKeyParts"/> or is exactly <c>key</c>; the whole value goes, whatever its
/// shape. Strings that carry an HTTP credential (<c>Bearer …</c>, <c>Basic …</c>) are masked wherever they are.
/// Unlike the reference, a bare <c>key</c> substring does not match, so <c>keyword</c> or <c>monkey</c> survive.
/// </summary>
public static class SecretMasker
{
    public const string Mask = "***";

    /// <summary>Longer strings are cut (the reference cuts at 200; arguments such as a mail body need more).</summary>
    public const int MaxStringLength = 1000;

    /// <summary>A document larger than this (after masking) is replaced by a marker; activity rows stay small.</summary>
    public const int MaxDocumentLength = 64 * 1024;

    private const int MaxDepth = 32;

    private static readonly string[] SecretKeyParts =
    [
        "password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "privatekey",
        "authorization", "credential", "cookie", "signature", "sessionkey",
    ];

    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web) { MaxDepth = 64 };

    /// <summary>True when a value under this key must not be kept.</summary>
    public static bool IsSecretKey(string key)
    {
        Span<char> buffer = key.Length <= 128 ? stackalloc char[key.Length] : new char[key.Length];
        var length = 0;
        foreach (var c in key)
        {
            if (c is not ('_' or '-' or '.' or ' '))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
        }

        var normalized = buffer[..length];
        if (normalized.SequenceEqual("key") || normalized.SequenceEqual("pwd") || normalized.SequenceEqual("auth"))
        {
            return true;
        }

        foreach (var part in SecretKeyParts)
        {
            if (normalized.IndexOf(part.AsSpan(), StringComparison.Ordinal) >= 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The masked JSON text of <paramref name="value"/>: an object stays an object; any other value is wrapped
    /// as <c>{"value": …}</c>; <see langword="null"/> is <c>{}</c>.
    /// </summary>
    public static string MaskToJson(object? value)
    {
        var node = value switch
        {
            null => null,
            JsonNode n => n.DeepClone(),
            string s => JsonValue.Create(s),
            _ => JsonSerializer.SerializeToNode(value, value.GetType(), SerializerOptions),
        };

        var masked = MaskNode(node, 0);
        var obj = masked as JsonObject ?? (masked is null ? [] : new JsonObject { ["value"] = masked });
        var text = obj.ToJsonString();
        return text.Length <= MaxDocumentLength
            ? text
            : new JsonObject { ["truncated"] = true, ["originalLength"] = text.Length }.ToJsonString();
    }

    private static JsonNode? MaskNode(JsonNode? node, int depth)
    {
        if (depth > MaxDepth)
        {
            return JsonValue.Create("[too deep]");
        }

        switch (node)
        {
            case JsonObject obj:
                var copy = new JsonObject();
                foreach (var (key, child) in obj)
                {
                    copy[key] = IsSecretKey(key) ? JsonValue.Create(Mask) : MaskNode(child, depth + 1);
                }

                return copy;
            case JsonArray array:
                var items = new JsonArray();
                foreach (var item in array)
                {
                    items.Add(MaskNode(item, depth + 1));
                }

                return items;
            case JsonValue value when value.TryGetValue<string>(out var text):
                return JsonValue.Create(MaskString(text));
            default:
                return node?.DeepClone();
        }
    }

    private static string MaskString(string text)
    {
        var trimmed = text.TrimStart();
        if (trimmed.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return Mask;
        }

        return text.Length <= MaxStringLength ? text : string.Concat(text.AsSpan(0, MaxStringLength), "...");
    }
}
