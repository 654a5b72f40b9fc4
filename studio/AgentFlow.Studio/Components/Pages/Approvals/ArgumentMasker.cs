using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentFlow.Studio.Components.Pages.Approvals;

/// <summary>
/// Hides the values of secret-looking keys in a tool call's arguments before the inbox shows them. The API already
/// stores approval arguments masked (the Engine's SecretMasker writes <c>***</c>); this second pass is defence in
/// depth for anything that slipped through and makes every masked value look the same on screen.
/// </summary>
internal static class ArgumentMasker
{
    public const string Mask = "••••";

    private const int MaxDepth = 32;

    // Compared after lower-casing and dropping '_', '-', '.' and spaces: "api_key", "API-Key" and "apiKey" are one key.
    private static readonly string[] SecretParts =
    [
        "password", "passwd", "passphrase", "secret", "token", "apikey", "accesskey", "privatekey",
        "authorization", "credential", "cookie", "signature", "sessionkey",
    ];

    private static readonly string[] SecretExact = ["key", "pwd", "auth"];

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static bool IsSecretKey(string key)
    {
        var normalized = new string([.. key.Where(c => c is not ('_' or '-' or '.' or ' ')).Select(char.ToLowerInvariant)]);
        return SecretExact.Contains(normalized, StringComparer.Ordinal) || SecretParts.Any(p => normalized.Contains(p, StringComparison.Ordinal));
    }

    /// <summary>The arguments as indented JSON with secret values replaced by <see cref="Mask"/>.</summary>
    public static string ToMaskedJson(JsonElement? arguments)
    {
        if (arguments is not { } element || element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null)
        {
            return "{}";
        }

        var masked = MaskNode(JsonNode.Parse(element.GetRawText()), 0);
        return masked?.ToJsonString(Indented) ?? "null";
    }

    private static JsonNode? MaskNode(JsonNode? node, int depth)
    {
        if (depth > MaxDepth)
        {
            return JsonValue.Create(Mask);
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
            case JsonValue value when value.TryGetValue<string>(out var text) && LooksLikeCredential(text):
                return JsonValue.Create(Mask);
            default:
                return node?.DeepClone();
        }
    }

    private static bool LooksLikeCredential(string text)
    {
        var trimmed = text.TrimStart();
        return trimmed.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
    }
}
