using System.Text.RegularExpressions;
using AgentFlow.Engine.Identity;

namespace AgentFlow.Engine.Tests.Identity;

public sealed partial class SecretTokensTests
{
    [Fact]
    public void NewApiKey_Always_HasPrefixAnd32LowerHexCharacters()
    {
        var key = SecretTokens.NewApiKey();

        Assert.Matches(ApiKeyFormat(), key);
        Assert.True(SecretTokens.LooksLikeApiKey(key));
    }

    [Fact]
    public void NewApiKey_ManyKeys_AreAllDistinct()
    {
        var keys = Enumerable.Range(0, 10_000).Select(_ => SecretTokens.NewApiKey()).ToList();

        Assert.All(keys, k => Assert.Matches(ApiKeyFormat(), k));
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
    }

    [Theory]
    [InlineData("ek_0123456789abcdef0123456789abcdef")]
    [InlineData("ek_00000000000000000000000000000000")]
    [InlineData("ek_ffffffffffffffffffffffffffffffff")]
    public void LooksLikeApiKey_WellFormed_ReturnsTrue(string value)
    {
        Assert.True(SecretTokens.LooksLikeApiKey(value));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("ek_")]
    [InlineData("ek_0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("ek_0123456789abcdef0123456789abcdeF")]
    [InlineData("ek_0123456789abcdef0123456789abcde")]
    [InlineData("ek_0123456789abcdef0123456789abcdef0")]
    [InlineData("sk_0123456789abcdef0123456789abcdef")]
    [InlineData("EK_0123456789abcdef0123456789abcdef")]
    [InlineData("ek-0123456789abcdef0123456789abcdef")]
    [InlineData("ek_0123456789abcdef0123456789abcdeg")]
    [InlineData("ek_0123456789abcdef 123456789abcdef")]
    [InlineData(" ek_0123456789abcdef0123456789abcde")]
    [InlineData("ek_0123456789abcdef0123456789abcdéf")]
    public void LooksLikeApiKey_Malformed_ReturnsFalse(string? value)
    {
        Assert.False(SecretTokens.LooksLikeApiKey(value));
    }

    [Theory]
    [InlineData("", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")]
    [InlineData("abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")]
    [InlineData("The quick brown fox jumps over the lazy dog", "d7a8fbb307d7809469ca9abcb0082e4f8d5651e46d3cdb762d02d0bf37c9e592")]
    public void Sha256Hex_KnownVector_ReturnsLowerHexDigest(string input, string expected)
    {
        Assert.Equal(expected, SecretTokens.Sha256Hex(input));
    }

    [Fact]
    public void Sha256Hex_NonAsciiInput_HashesUtf8Bytes()
    {
        // SHA-256 of the UTF-8 bytes C3 A9 ("é"), not of UTF-16 code units.
        Assert.Equal("4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c", SecretTokens.Sha256Hex("é"));
    }

    [Fact]
    public void NewOpaqueToken_Always_IsUrlSafeAnd43Characters()
    {
        var tokens = Enumerable.Range(0, 1_000).Select(_ => SecretTokens.NewOpaqueToken()).ToList();

        // 32 random bytes in unpadded base64url: 43 characters, no '+', '/' or '='.
        Assert.All(tokens, t => Assert.Matches(OpaqueTokenFormat(), t));
        Assert.Equal(tokens.Count, tokens.Distinct(StringComparer.Ordinal).Count());
        Assert.All(tokens, t => Assert.Equal(t, Uri.EscapeDataString(t)));
    }

    [Fact]
    public void NewOpaqueToken_Decoded_Is32Bytes()
    {
        var token = SecretTokens.NewOpaqueToken();

        var base64 = token.Replace('-', '+').Replace('_', '/') + "=";
        Assert.Equal(32, Convert.FromBase64String(base64).Length);
    }

    [GeneratedRegex("^ek_[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex ApiKeyFormat();

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex OpaqueTokenFormat();
}
