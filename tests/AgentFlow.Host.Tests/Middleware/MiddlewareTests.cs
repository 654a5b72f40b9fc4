using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Middleware;

public abstract class MiddlewareTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string RequestIdHeader = "X-Request-Id";

    [Theory]
    [InlineData("/health")]
    [InlineData("/api/agents")]
    [InlineData("/api/no-such-route")]
    public async Task RequestId_SaneIncomingValue_IsEchoed(string path)
    {
        host.SkipIfUnavailable();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(RequestIdHeader, "client-req-42.a:b");

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal("client-req-42.a:b", Assert.Single(response.Headers.GetValues(RequestIdHeader)));
    }

    [Fact]
    public async Task RequestId_Absent_IsGenerated()
    {
        host.SkipIfUnavailable();
        var client = host.CreateClient();

        var first = await client.GetAsync("/health");
        var second = await client.GetAsync("/health");

        var firstId = Assert.Single(first.Headers.GetValues(RequestIdHeader));
        var secondId = Assert.Single(second.Headers.GetValues(RequestIdHeader));
        Assert.Matches(RequestIds.Safe(), firstId);
        Assert.NotEqual(firstId, secondId);
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("id;rm -rf /")]
    [InlineData("ünïcode")]
    [InlineData("")]
    public async Task RequestId_UnsafeIncomingValue_IsReplaced(string incoming)
    {
        host.SkipIfUnavailable();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.TryAddWithoutValidation(RequestIdHeader, incoming);

        var response = await host.CreateClient().SendAsync(request);

        var echoed = Assert.Single(response.Headers.GetValues(RequestIdHeader));
        Assert.NotEqual(incoming, echoed);
        Assert.Matches(RequestIds.Safe(), echoed);
    }

    [Fact]
    public async Task RequestId_TooLong_IsReplaced()
    {
        host.SkipIfUnavailable();
        var incoming = new string('a', 200);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add(RequestIdHeader, incoming);

        var response = await host.CreateClient().SendAsync(request);

        var echoed = Assert.Single(response.Headers.GetValues(RequestIdHeader));
        Assert.NotEqual(incoming, echoed);
        Assert.True(echoed.Length <= 128, echoed);
    }

    [Fact]
    public async Task RequestId_MaximumLength_IsEchoed()
    {
        host.SkipIfUnavailable();
        var incoming = new string('b', 128);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/health");
        request.Headers.Add(RequestIdHeader, incoming);

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal(incoming, Assert.Single(response.Headers.GetValues(RequestIdHeader)));
    }

    [Theory]
    [InlineData("given-id-1")]
    [InlineData(null)]
    [InlineData("a b")]
    public async Task ProblemBody_CarriesTheResponsesRequestId(string? incoming)
    {
        host.SkipIfUnavailable();
        var client = host.CreateClient();
        var responses = new List<HttpResponseMessage>();
        foreach (var path in new[] { "/api/agents", "/api/nothing-here" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            if (incoming is not null)
            {
                request.Headers.TryAddWithoutValidation(RequestIdHeader, incoming);
            }

            responses.Add(await client.SendAsync(request));
        }

        var unauthorized = await responses[0].AssertProblemAsync(HttpStatusCode.Unauthorized, "AUTHENTICATION_REQUIRED");
        var notFound = await responses[1].AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(Assert.Single(responses[0].Headers.GetValues(RequestIdHeader)), unauthorized.GetProperty("requestId").GetString());
        Assert.Equal(Assert.Single(responses[1].Headers.GetValues(RequestIdHeader)), notFound.GetProperty("requestId").GetString());
        if (incoming == "given-id-1")
        {
            Assert.Equal(incoming, unauthorized.GetProperty("requestId").GetString());
        }
    }

    [Fact]
    public async Task ValidationProblem_CarriesTheRequestId()
    {
        var tenant = await host.CreateTenantAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/agents") { Content = JsonContent.Create(new { name = "bad name!" }) };
        request.Headers.Add(RequestIdHeader, "validation-req-7");

        var response = await tenant.Owner.Client.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal("validation-req-7", problem.GetProperty("requestId").GetString());
        Assert.Equal("validation-req-7", Assert.Single(response.Headers.GetValues(RequestIdHeader)));
    }

    [Theory]
    [InlineData("GET", "/health", HttpStatusCode.OK)]
    [InlineData("GET", "/ready", HttpStatusCode.OK)]
    [InlineData("GET", "/api/agents", HttpStatusCode.Unauthorized)]
    [InlineData("GET", "/api/does-not-exist", HttpStatusCode.NotFound)]
    [InlineData("PUT", "/api/agents", HttpStatusCode.MethodNotAllowed)]
    [InlineData("POST", "/auth/login", HttpStatusCode.BadRequest)]
    [InlineData("GET", "/auth/oidc/authorize", HttpStatusCode.NotImplemented)]
    [InlineData("GET", "/openapi/v1.json", HttpStatusCode.OK)]
    public async Task SecurityHeaders_OnEveryResponse(string method, string path, HttpStatusCode status)
    {
        host.SkipIfUnavailable();
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (method != "GET")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        var response = await host.CreateClient().SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        AssertSecurityHeaders(response);
    }

    [Fact]
    public async Task SecurityHeaders_OnAuthenticatedSuccessAndValidationProblem()
    {
        var tenant = await host.CreateTenantAsync();

        var ok = await tenant.Owner.Client.GetAsync("/api/agents");
        var invalid = await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "" });

        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        AssertSecurityHeaders(ok);
        AssertSecurityHeaders(invalid);
    }

    [Fact]
    public async Task Body_2MiB_Returns413PayloadTooLarge()
    {
        var tenant = await host.CreateTenantAsync();
        var json = "{\"name\":\"big\",\"metadata\":{\"blob\":\"" + new string('x', 2 * 1024 * 1024) + "\"}}";

        var response = await tenant.Owner.Client.PostAsync("/api/agents", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        Assert.Equal(1 << 20, problem.GetProperty("details").GetProperty("limit").GetInt64());
        AssertSecurityHeaders(response);
        var list = await (await tenant.Owner.Client.GetAsync("/api/agents")).AssertSuccessAsync();
        Assert.Equal(0, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Body_2MiB_OnAnonymousRoute_Returns413()
    {
        host.SkipIfUnavailable();
        var json = "{\"email\":\"" + new string('x', 2 * 1024 * 1024) + "@example.com\",\"password\":\"whatever1\"}";

        var response = await host.CreateClient().PostAsync("/auth/login", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.AssertProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Body_900KB_WithVeryLongField_Returns400NamingTheField()
    {
        var tenant = await host.CreateTenantAsync();
        var json = "{\"name\":\"" + new string('a', 900 * 1024) + "\"}";

        var response = await tenant.Owner.Client.PostAsync("/api/agents", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(problem.GetProperty("details").TryGetProperty("name", out _), problem.ToString());
    }

    [Fact]
    public async Task Body_900KB_LongSettingsField_Returns400NotServerError()
    {
        var tenant = await host.CreateTenantAsync();
        var json = "{\"smtpHost\":\"" + new string('h', 900 * 1024) + "\"}";

        var response = await tenant.Owner.Client.PatchAsync("/api/settings", new StringContent(json, Encoding.UTF8, "application/json"));

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(problem.GetProperty("details").TryGetProperty("smtpHost", out _), problem.ToString());
    }

    [Fact]
    public async Task Body_NestedDepth100_Returns400()
    {
        var tenant = await host.CreateTenantAsync();
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 100)) + "1" + new string('}', 100);
        var json = "{\"name\":\"deep\",\"metadata\":" + nested + "}";

        var response = await tenant.Owner.Client.PostAsync("/api/agents", new StringContent(json, Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"expected 400, got {(int)response.StatusCode}: {body}");
        var code = JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
        Assert.True(code is "MALFORMED_JSON" or "VALIDATION_ERROR", $"unexpected code {code}");
    }

    [Fact]
    public async Task Body_NestedDepth100_InRuleConditions_Returns400()
    {
        var tenant = await host.CreateTenantAsync();
        var nested = string.Concat(Enumerable.Repeat("[", 100)) + new string(']', 100);
        var json = "{\"name\":\"deep\",\"conditions\":{\"x\":" + nested + "}}";

        var response = await tenant.Owner.Client.PostAsync("/api/rules", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString() ?? string.Empty, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    [InlineData("application/x-www-form-urlencoded")]
    public async Task Body_WrongContentType_Returns415Or400Problem(string mediaType)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync("/api/agents", new StringContent("{\"name\":\"typed\"}", Encoding.UTF8, mediaType));

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode is HttpStatusCode.UnsupportedMediaType or HttpStatusCode.BadRequest,
            $"expected 415 or 400, got {(int)response.StatusCode}: {body}");
        Assert.StartsWith("application/problem+json", response.Content.Headers.ContentType?.ToString() ?? string.Empty, StringComparison.Ordinal);
        var code = JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
        Assert.True(code is "UNSUPPORTED_MEDIA_TYPE" or "MALFORMED_JSON" or "VALIDATION_ERROR", $"unexpected code {code}");
        var list = await (await tenant.Owner.Client.GetAsync("/api/agents")).AssertSuccessAsync();
        Assert.Equal(0, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/api/does-not-exist")]
    [InlineData("/totally/unknown")]
    [InlineData("/api/agents/not-a-guid")]
    public async Task UnknownRoute_Returns404Problem(string path)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync(path);

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.Equal(path, problem.GetProperty("details").GetProperty("path").GetString());
    }

    [Fact]
    public async Task UnknownRoute_Anonymous_Returns404Problem()
    {
        host.SkipIfUnavailable();

        var response = await host.CreateClient().GetAsync("/api/does-not-exist");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Theory]
    [InlineData("PUT", "/api/agents")]
    [InlineData("DELETE", "/api/settings")]
    [InlineData("GET", "/auth/login")]
    public async Task WrongMethod_Returns405Problem(string method, string path)
    {
        var tenant = await host.CreateTenantAsync();
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = JsonContent.Create(new { name = "x" }) };

        var response = await tenant.Owner.Client.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.MethodNotAllowed, "METHOD_NOT_ALLOWED");
        Assert.Equal(method, problem.GetProperty("details").GetProperty("method").GetString());
        Assert.NotEmpty(response.Content.Headers.Allow);
    }

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("0", Header(response, "X-XSS-Protection"));
        Assert.False(string.IsNullOrEmpty(Header(response, "Referrer-Policy")), "Referrer-Policy missing");
        Assert.False(string.IsNullOrEmpty(Header(response, "Permissions-Policy")), "Permissions-Policy missing");
        var csp = Header(response, "Content-Security-Policy");
        Assert.False(string.IsNullOrEmpty(csp), "Content-Security-Policy missing");
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values)
        : response.Content.Headers.TryGetValues(name, out var contentValues) ? string.Join(",", contentValues)
        : null;
}

internal static partial class RequestIds
{
    /// <summary>What the Host accepts and generates: a short token of letters, digits and <c>._:-</c>.</summary>
    [GeneratedRegex("^[A-Za-z0-9._:-]{1,128}$")]
    public static partial Regex Safe();
}

public sealed class SqliteMiddlewareTests(SqliteHostFixture host) : MiddlewareTests<SqliteHostFixture>(host);

public sealed class PostgresMiddlewareTests(PostgresHostFixture host) : MiddlewareTests<PostgresHostFixture>(host);
