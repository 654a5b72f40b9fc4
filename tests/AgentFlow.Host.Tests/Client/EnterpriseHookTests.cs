using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using AgentFlow.Client;
using AgentFlow.Host.Tests.Api.Engine;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Client;

/// <summary>The .NET client against the real Host (allowed, denied, completion) and against servers that fail.</summary>
public abstract class EnterpriseHookTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private static readonly string[] MailBlocked = ["agenticmail_*"];

    [Fact]
    public async Task BeforeAndAfter_AllowedTool_DecidesAndClosesTheRecord()
    {
        var tenant = await host.CreateTenantAsync();
        var (agentId, key) = await AgentWithKeyAsync(tenant, blocked: null);
        using var http = host.CreateBareClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = key });

        var decision = await hook.BeforeToolCallAsync("agenticmail_send", new { to = "a@example.com" }, sessionId: "s1", cancellationToken: TestContext.Current.CancellationToken);
        var reported = await hook.AfterToolCallAsync(decision.ToolCallId!.Value, new { ok = true }, duration: TimeSpan.FromMilliseconds(12), inputTokens: 3,
            cancellationToken: TestContext.Current.CancellationToken);

        Assert.True(decision.Allowed);
        Assert.False(decision.ServerUnreachable);
        Assert.True(reported);
        await host.Recorder().FlushAsync(TestContext.Current.CancellationToken);
        var call = (await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/tool-calls/{decision.ToolCallId}", TestContext.Current.CancellationToken))
            .AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("succeeded", call.GetProperty("status").GetString());
        Assert.Equal(agentId, call.GetProperty("agentId").GetGuid());
    }

    [Fact]
    public async Task Before_BlockedTool_IsDeniedWithTheServersReason()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, key) = await AgentWithKeyAsync(tenant, blocked: MailBlocked);
        using var http = host.CreateBareClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = key });

        var decision = await hook.BeforeToolCallAsync("agenticmail_send", cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(decision.Allowed);
        Assert.Equal("Tool \"agenticmail_send\" is explicitly blocked", decision.Reason);
    }

    [Fact]
    public async Task Before_UnboundKey_IsDeniedNotFailedOpen()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, key) = await tenant.Owner.CreateApiKeyAsync(["*"]);
        using var http = host.CreateBareClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = key });

        var decision = await hook.BeforeToolCallAsync("web_search", riskHint: ToolRisk.Low, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(decision.Allowed);
        Assert.False(decision.ServerUnreachable);
        Assert.Contains("AGENT_KEY_REQUIRED", decision.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ToolRisk.Critical, false)]
    [InlineData(ToolRisk.High, false)]
    [InlineData(ToolRisk.Medium, true)]
    [InlineData(ToolRisk.Low, true)]
    public async Task Before_StoppedServer_FailsClosedForHighAndCriticalOnly(ToolRisk risk, bool allowed)
    {
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = StoppedServerAddress() });

        var decision = await hook.BeforeToolCallAsync("some_tool", riskHint: risk, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(allowed, decision.Allowed);
        Assert.True(decision.ServerUnreachable);
        Assert.Null(decision.ToolCallId);
    }

    [Fact]
    public async Task Before_StoppedServerUnknownRisk_FailsClosed()
    {
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = StoppedServerAddress() });

        var decision = await hook.BeforeToolCallAsync("some_tool", cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(decision.Allowed);
        Assert.True(decision.ServerUnreachable);
    }

    [Fact]
    public async Task Before_StoppedServerAllClosedConfigured_DeniesLowRisk()
    {
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = StoppedServerAddress(), LowRiskFailMode = FailMode.Closed });

        var decision = await hook.BeforeToolCallAsync("web_search", riskHint: ToolRisk.Low, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(decision.Allowed);
    }

    [Fact]
    public async Task Before_ServerAnswers503_FailsClosedForTheCatalogsCriticalTool()
    {
        // The catalog is served, then the decision route fails: the client must know "exec" is critical without a hint.
        await using var server = await StartServerAsync(app =>
        {
            app.MapGet("/api/engine/tools", () => Results.Json(new { data = new[] { new { id = "exec", risk = "critical" }, new { id = "web_search", risk = "low" } } }));
            app.MapPost("/api/engine/runtime/tool-calls", () => Results.StatusCode(StatusCodes.Status503ServiceUnavailable));
        });
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = server.Address });

        var exec = await hook.BeforeToolCallAsync("exec", cancellationToken: TestContext.Current.CancellationToken);
        var search = await hook.BeforeToolCallAsync("web_search", cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(exec.Allowed);
        Assert.Contains("critical", exec.Reason, StringComparison.Ordinal);
        Assert.True(search.Allowed);
        Assert.True(search.ServerUnreachable);
    }

    [Fact]
    public async Task Before_ServerTooSlow_TimesOutAndFailsClosedForHighRisk()
    {
        await using var server = await StartServerAsync(app => app.MapPost("/api/engine/runtime/tool-calls", async (CancellationToken ct) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return Results.Ok();
        }));
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = server.Address, Timeout = TimeSpan.FromMilliseconds(200) });

        var decision = await hook.BeforeToolCallAsync("exec", riskHint: ToolRisk.High, cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(decision.Allowed);
        Assert.Contains("timeout", decision.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task After_StoppedServer_ReturnsFalseWithoutThrowing()
    {
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = StoppedServerAddress() });

        var reported = await hook.AfterToolCallAsync(Guid.NewGuid(), "result", cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(reported);
    }

    private static async Task<(Guid AgentId, string Key)> AgentWithKeyAsync(TestTenant tenant, string[]? blocked)
    {
        var body = await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = $"agent-{Guid.NewGuid():N}"[..20] })).AssertSuccessAsync(HttpStatusCode.Created);
        var agentId = body.GetProperty("data").GetProperty("id").GetGuid();
        await (await tenant.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "full-access", tools = new { blocked = blocked ?? [] } })).AssertSuccessAsync();
        var key = await (await tenant.Owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "hook", agentId })).AssertSuccessAsync(HttpStatusCode.Created);
        return (agentId, key.GetProperty("data").GetProperty("plaintext").GetString()!);
    }

    /// <summary>An address where a server listened a moment ago: connections to it are refused.</summary>
    private static Uri StoppedServerAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    private static async Task<LocalServer> StartServerAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new LocalServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    private sealed class LocalServer(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}

public sealed class SqliteEnterpriseHookTests(SqliteHostFixture host) : EnterpriseHookTests<SqliteHostFixture>(host);

public sealed class PostgresEnterpriseHookTests(PostgresHostFixture host) : EnterpriseHookTests<PostgresHostFixture>(host);
