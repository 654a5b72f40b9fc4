using System.Text.Json;
using AgentFlow.Studio.Components.Pages.Approvals;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>The inbox's own masking of tool arguments (a second pass over what the API already masked).</summary>
public sealed class StudioApprovalsArgumentMaskerTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("SMTP_Password")]
    [InlineData("clientSecret")]
    [InlineData("access-token")]
    [InlineData("apiKey")]
    [InlineData("API_KEY")]
    [InlineData("Authorization")]
    [InlineData("credentials")]
    [InlineData("privateKey")]
    [InlineData("key")]
    public void IsSecretKey_SecretNames_AreSecretWhateverTheirCase(string key) => Assert.True(ArgumentMasker.IsSecretKey(key));

    [Theory]
    [InlineData("to")]
    [InlineData("subject")]
    [InlineData("keyword")]
    [InlineData("monkey")]
    [InlineData("author")]
    public void IsSecretKey_OrdinaryNames_AreShown(string key) => Assert.False(ArgumentMasker.IsSecretKey(key));

    [Fact]
    public void ToMaskedJson_NestedObjectsAndArrays_MasksEverySecretValueAndKeepsTheRest()
    {
        using var document = JsonDocument.Parse("""
            {"to":"a@example.com","auth":{"user":"bob","Password":"hunter2"},
             "headers":[{"name":"x","Authorization":"Basic abc"},{"value":"Bearer tok-1"}],"token":{"nested":"deep"}}
            """);

        var masked = ArgumentMasker.ToMaskedJson(document.RootElement);

        Assert.DoesNotContain("hunter2", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("Basic abc", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("tok-1", masked, StringComparison.Ordinal);
        Assert.DoesNotContain("deep", masked, StringComparison.Ordinal);
        using var result = JsonDocument.Parse(masked);
        var root = result.RootElement;
        Assert.Equal("a@example.com", root.GetProperty("to").GetString());
        Assert.Equal(ArgumentMasker.Mask, root.GetProperty("auth").GetString()); // "auth" itself names a credential
        Assert.Equal(ArgumentMasker.Mask, root.GetProperty("headers")[0].GetProperty("Authorization").GetString());
        Assert.Equal("x", root.GetProperty("headers")[0].GetProperty("name").GetString());
        Assert.Equal(ArgumentMasker.Mask, root.GetProperty("headers")[1].GetProperty("value").GetString());
        Assert.Equal(ArgumentMasker.Mask, root.GetProperty("token").GetString());
    }

    [Fact]
    public void ToMaskedJson_NoArguments_IsAnEmptyObject() => Assert.Equal("{}", ArgumentMasker.ToMaskedJson(null));
}
