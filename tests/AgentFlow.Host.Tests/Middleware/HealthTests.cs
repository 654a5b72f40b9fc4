using System.Net;
using System.Reflection;
using System.Text.Json;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Middleware;

public abstract class HealthTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task Health_ReturnsOkWithAssemblyVersionAndUptime()
    {
        host.SkipIfUnavailable();

        var response = await host.CreateClient().GetAsync("/health");

        var body = await response.AssertSuccessAsync();
        Assert.Equal("ok", body.GetProperty("status").GetString());
        var version = body.GetProperty("version").GetString();
        Assert.Equal(HostVersion.Expected, version);
        Assert.NotEqual("0.3.0", version);
        Assert.DoesNotContain('+', version!);
        Assert.Equal(JsonValueKind.Number, body.GetProperty("uptime").ValueKind);
        Assert.True(body.GetProperty("uptime").GetDouble() >= 0);
    }

    [Fact]
    public async Task Health_WithInvalidBearerToken_StillReturns200()
    {
        host.SkipIfUnavailable();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "garbage-token");

        var response = await host.CreateClient().SendAsync(request);

        // An invalid credential on an anonymous route must not turn the probe into a 401.
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Ready_DatabaseUp_Returns200WithDatabaseOk()
    {
        host.SkipIfUnavailable();

        var response = await host.CreateClient().GetAsync("/ready");

        var body = await response.AssertSuccessAsync();
        Assert.True(body.GetProperty("ready").GetBoolean());
        Assert.Equal("ok", body.GetProperty("checks").GetProperty("database").GetString());
    }
}

public sealed class SqliteHealthTests(SqliteHostFixture host) : HealthTests<SqliteHostFixture>(host);

public sealed class PostgresHealthTests(PostgresHostFixture host) : HealthTests<PostgresHostFixture>(host);

/// <summary>A Host whose PostgreSQL server does not answer: alive, but not ready.</summary>
public sealed class UnreachableDatabaseHealthTests(UnreachableDatabaseFixture host) : IClassFixture<UnreachableDatabaseFixture>
{
    [Fact]
    public async Task Ready_DatabaseUnreachable_Returns503WhileHealthStays200()
    {
        var client = host.CreateClient();

        var ready = await client.GetAsync("/ready");
        var health = await client.GetAsync("/health");

        var readyText = await ready.Content.ReadAsStringAsync();
        Assert.True(ready.StatusCode == HttpStatusCode.ServiceUnavailable, $"expected 503, got {(int)ready.StatusCode}: {readyText}");
        var body = JsonDocument.Parse(readyText).RootElement;
        Assert.False(body.GetProperty("ready").GetBoolean());
        Assert.Equal("unhealthy", body.GetProperty("checks").GetProperty("database").GetString());
        var healthBody = await health.AssertSuccessAsync();
        Assert.Equal("ok", healthBody.GetProperty("status").GetString());
    }
}

/// <summary>Points the Host at a PostgreSQL port where nothing listens, without migrating at start.</summary>
public sealed class UnreachableDatabaseFixture : AgentFlowHostFixture
{
    public override DatabaseProvider Provider => DatabaseProvider.Postgres;

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["AgentFlow:Database:MigrateOnStart"] = "false",
    };

    protected override Task<string> CreateDatabaseAsync() =>
        Task.FromResult("Host=127.0.0.1;Port=1;Database=x;Username=x;Password=x;Timeout=2");
}

internal static class HostVersion
{
    /// <summary>The Host assembly's informational version without the <c>+commit</c> suffix.</summary>
    public static string Expected =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];
}
