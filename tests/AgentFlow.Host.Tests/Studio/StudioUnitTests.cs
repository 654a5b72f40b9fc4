using AgentFlow.Studio;
using AgentFlow.Studio.Api;

namespace AgentFlow.Host.Tests.Studio;

public sealed class StudioReturnUrlTests
{
    [Theory]
    [InlineData("/studio", "/studio")]
    [InlineData("/studio/agents?state=running", "/studio/agents?state=running")]
    [InlineData("/studio?x=1", "/studio?x=1")]
    [InlineData(null, "/studio")]
    [InlineData("", "/studio")]
    [InlineData("https://evil.example/studio", "/studio")]
    [InlineData("//evil.example/studio", "/studio")]
    [InlineData("/studio\\..\\evil", "/studio")]
    [InlineData("/studiox", "/studio")]
    [InlineData("/api/agents", "/studio")]
    public void Sanitize_keeps_only_paths_inside_the_studio(string? returnUrl, string expected) =>
        Assert.Equal(expected, StudioReturnUrl.Sanitize(returnUrl));
}

public sealed class StudioApiAddressTests
{
    [Theory]
    [InlineData("http://+:5080", "http://127.0.0.1:5080")]
    [InlineData("http://*:5080", "http://127.0.0.1:5080")]
    [InlineData("http://0.0.0.0:5080", "http://127.0.0.1:5080")]
    [InlineData("http://[::]:5080", "http://127.0.0.1:5080")]
    [InlineData("http://localhost:5080", "http://localhost:5080")]
    [InlineData("http://10.1.2.3:8080", "http://10.1.2.3:8080")]
    public void ToLoopback_replaces_only_wildcard_hosts(string address, string expected) =>
        Assert.Equal(expected, StudioApiAddress.ToLoopback(address));
}
