using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Activity;

namespace AgentFlow.Engine.Tests.Activity;

public sealed class SecretMaskerTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("PASSWORD")]
    [InlineData("db_password")]
    [InlineData("token")]
    [InlineData("accessToken")]
    [InlineData("refresh-token")]
    [InlineData("secret")]
    [InlineData("clientSecret")]
    [InlineData("apiKey")]
    [InlineData("api_key")]
    [InlineData("X-Api-Key")]
    [InlineData("Authorization")]
    [InlineData("credentials")]
    [InlineData("key")]
    [InlineData("private_key")]
    [InlineData("Cookie")]
    public void IsSecretKey_SecretNames_AreSecret(string key) => Assert.True(SecretMasker.IsSecretKey(key));

    [Theory]
    [InlineData("keyword")]
    [InlineData("monkey")]
    [InlineData("to")]
    [InlineData("subject")]
    [InlineData("author")]
    [InlineData("url")]
    public void IsSecretKey_OrdinaryNames_AreKept(string key) => Assert.False(SecretMasker.IsSecretKey(key));

    [Fact]
    public void MaskToJson_NestedObjectsAndArrays_MasksEverySecretValue()
    {
        var json = SecretMasker.MaskToJson(new
        {
            to = "user@example.com",
            password = "hunter2",
            config = new { Nested = new { ApiKey = new { value = "inner" } }, retries = 3 },
            headers = new object[] { new { authorization = "Basic dXNlcjpwYXNz" }, "plain" },
        });

        var root = JsonNode.Parse(json)!;
        Assert.Equal("user@example.com", (string?)root["to"]);
        Assert.Equal("***", (string?)root["password"]);
        Assert.Equal("***", (string?)root["config"]!["nested"]!["apiKey"]);
        Assert.Equal(3, (int?)root["config"]!["retries"]);
        Assert.Equal("***", (string?)root["headers"]![0]!["authorization"]);
        Assert.Equal("plain", (string?)root["headers"]![1]);
        Assert.DoesNotContain("hunter2", json, StringComparison.Ordinal);
        Assert.DoesNotContain("inner", json, StringComparison.Ordinal);
    }

    [Fact]
    public void MaskToJson_JsonElementAndDictionaryInput_AreMaskedCaseInsensitively()
    {
        var element = JsonDocument.Parse("""{"SECRET":"a","list":[{"Token":"b"}],"ok":"c"}""").RootElement;
        var dictionary = new Dictionary<string, object?> { ["Password"] = "d", ["inner"] = new Dictionary<string, object?> { ["AUTHORIZATION"] = "e" } };

        var fromElement = JsonNode.Parse(SecretMasker.MaskToJson(element))!;
        var fromDictionary = JsonNode.Parse(SecretMasker.MaskToJson(dictionary))!;

        Assert.Equal("***", (string?)fromElement["SECRET"]);
        Assert.Equal("***", (string?)fromElement["list"]![0]!["Token"]);
        Assert.Equal("c", (string?)fromElement["ok"]);
        Assert.Equal("***", (string?)fromDictionary["Password"]);
        Assert.Equal("***", (string?)fromDictionary["inner"]!["AUTHORIZATION"]);
    }

    [Fact]
    public void MaskToJson_BearerValueUnderAnOrdinaryKey_IsMasked()
    {
        var root = JsonNode.Parse(SecretMasker.MaskToJson(new { header = "Bearer eyJhbGciOi" }))!;

        Assert.Equal("***", (string?)root["header"]);
    }

    [Fact]
    public void MaskToJson_NonObjectAndNull_AreWrappedOrEmpty()
    {
        Assert.Equal("{}", SecretMasker.MaskToJson(null));
        Assert.Equal(42, (int?)JsonNode.Parse(SecretMasker.MaskToJson(42))!["value"]);
    }

    [Fact]
    public void MaskToJson_LongString_IsCut()
    {
        var root = JsonNode.Parse(SecretMasker.MaskToJson(new { body = new string('x', 5000) }))!;

        Assert.Equal(SecretMasker.MaxStringLength + 3, ((string?)root["body"])!.Length);
    }

    [Fact]
    public void MaskToJson_CallerNode_IsNotModified()
    {
        var node = new JsonObject { ["password"] = "keep-in-caller" };

        SecretMasker.MaskToJson(node);

        Assert.Equal("keep-in-caller", (string?)node["password"]);
    }
}
