using System.Net;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Middleware;

/// <summary>
/// CORS on a Host that allows the Studio's origin, compared with the default Host that allows none. The concrete
/// classes declare the two class fixtures (a generic class cannot, as the two type parameters could be the same).
/// </summary>
public abstract class CorsTests<TCorsFixture, TDefaultFixture>(TCorsFixture cors, TDefaultFixture plain)
    where TCorsFixture : AgentFlowHostFixture
    where TDefaultFixture : AgentFlowHostFixture
{
    private const string StudioOrigin = "https://studio.example.com";

    [Fact]
    public async Task Preflight_FromAllowedOrigin_AllowsCredentialsAndAuthHeaders()
    {
        cors.SkipIfUnavailable();

        var response = await cors.CreateClient().SendAsync(Preflight(StudioOrigin, "POST", "content-type, x-api-key, x-csrf-token"));

        Assert.True(response.IsSuccessStatusCode, $"preflight answered {(int)response.StatusCode}");
        Assert.Equal(StudioOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        var allowedHeaders = Header(response, "Access-Control-Allow-Headers") ?? string.Empty;
        Assert.Contains("X-API-Key", allowedHeaders, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("X-CSRF-Token", allowedHeaders, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("POST", Header(response, "Access-Control-Allow-Methods") ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Preflight_ForPatchWithAuthorization_IsAllowed()
    {
        cors.SkipIfUnavailable();

        var response = await cors.CreateClient().SendAsync(Preflight(StudioOrigin, "PATCH", "authorization, content-type"));

        Assert.Equal(StudioOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("PATCH", Header(response, "Access-Control-Allow-Methods") ?? string.Empty, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SimpleRequest_FromAllowedOrigin_ExposesRequestIdAndRateLimitHeaders()
    {
        cors.SkipIfUnavailable();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("Origin", StudioOrigin);

        var response = await cors.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(StudioOrigin, Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("true", Header(response, "Access-Control-Allow-Credentials"));
        var exposed = Header(response, "Access-Control-Expose-Headers") ?? string.Empty;
        Assert.Contains("X-Request-Id", exposed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Retry-After", exposed, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("https://evil.example.com")]
    [InlineData("http://studio.example.com")]
    [InlineData("https://studio.example.com.evil.example")]
    [InlineData("null")]
    public async Task Preflight_FromOtherOrigin_GetsNoAllowOrigin(string origin)
    {
        cors.SkipIfUnavailable();

        var preflight = await cors.CreateClient().SendAsync(Preflight(origin, "POST", "x-api-key"));
        using var simple = new HttpRequestMessage(HttpMethod.Get, "/health");
        simple.Headers.Add("Origin", origin);
        var get = await cors.CreateClient().SendAsync(simple);

        Assert.Null(Header(preflight, "Access-Control-Allow-Origin"));
        Assert.Null(Header(preflight, "Access-Control-Allow-Credentials"));
        Assert.Null(Header(get, "Access-Control-Allow-Origin"));
    }

    [Fact]
    public async Task DefaultHost_SendsNoCorsHeaders()
    {
        plain.SkipIfUnavailable();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add("Origin", StudioOrigin);

        var preflight = await plain.CreateClient().SendAsync(Preflight(StudioOrigin, "POST", "x-api-key"));
        var get = await plain.CreateClient().SendAsync(request);

        foreach (var response in new[] { preflight, get })
        {
            Assert.DoesNotContain(response.Headers, h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase));
        }
    }

    private static HttpRequestMessage Preflight(string origin, string method, string headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Options, "/api/agents");
        request.Headers.Add("Origin", origin);
        request.Headers.Add("Access-Control-Request-Method", method);
        request.Headers.Add("Access-Control-Request-Headers", headers);
        return request;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

public sealed class SqliteCorsTests(SqliteCorsFixture cors, SqliteHostFixture plain) : CorsTests<SqliteCorsFixture, SqliteHostFixture>(cors, plain), IClassFixture<SqliteCorsFixture>, IClassFixture<SqliteHostFixture>;

public sealed class PostgresCorsTests(PostgresCorsFixture cors, PostgresHostFixture plain) : CorsTests<PostgresCorsFixture, PostgresHostFixture>(cors, plain), IClassFixture<PostgresCorsFixture>, IClassFixture<PostgresHostFixture>;

public sealed class SqliteCorsFixture : SqliteHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => CorsSettings.Values;
}

public sealed class PostgresCorsFixture : PostgresHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => CorsSettings.Values;
}

internal static class CorsSettings
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        ["AgentFlow:Http:CorsOrigins:0"] = "https://studio.example.com",
    };
}
