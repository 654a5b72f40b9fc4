using System.Security.Cryptography;
using System.Text;

namespace AgentFlow.Engine.Identity;

/// <summary>Random secrets and their stored form (SHA-256, lower-case hex).</summary>
public static class SecretTokens
{
    private static readonly System.Buffers.SearchValues<char> LowerHex = System.Buffers.SearchValues.Create("0123456789abcdef");

    public const string ApiKeyPrefix = "ek_";

    /// <summary>Characters of the plaintext kept to recognise a key: <c>ek_</c> and 8 hex digits.</summary>
    public const int ApiKeyVisiblePrefixLength = 11;

    /// <summary><c>ek_</c> followed by 32 lower-case hex characters (128 random bits).</summary>
    public static string NewApiKey() => ApiKeyPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public static bool LooksLikeApiKey(string? value) =>
        value is { Length: 35 } && value.StartsWith(ApiKeyPrefix, StringComparison.Ordinal) && !value.AsSpan(3).ContainsAnyExcept(LowerHex);

    /// <summary>An opaque token for refresh: 256 random bits, URL-safe.</summary>
    public static string NewOpaqueToken() => Base64UrlEncode(RandomNumberGenerator.GetBytes(32));

    public static string Sha256Hex(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
