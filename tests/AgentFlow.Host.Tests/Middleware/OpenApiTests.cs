using System.Text.Json;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Middleware;

public abstract class OpenApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task OpenApiDocument_ListsRoutesAndBothSecuritySchemes()
    {
        host.SkipIfUnavailable();

        var response = await host.CreateClient().GetAsync("/openapi/v1.json");

        var document = await response.AssertSuccessAsync();
        Assert.StartsWith("application/json", response.Content.Headers.ContentType?.ToString() ?? string.Empty, StringComparison.Ordinal);
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var path in new[] { "/api/agents", "/auth/login", "/api/retention", "/api/settings", "/api/audit", "/api/rules", "/api/workflows/definitions", "/api/workflows/definitions/{definitionId}/publish" })
        {
            Assert.True(paths.Contains(path), $"path {path} missing; document has: {string.Join(", ", paths.Order())}");
        }

        var schemes = document.GetProperty("components").GetProperty("securitySchemes");
        var bearer = schemes.GetProperty("bearer");
        Assert.Equal("http", bearer.GetProperty("type").GetString());
        Assert.Equal("bearer", bearer.GetProperty("scheme").GetString());
        var apiKey = schemes.GetProperty("apiKey");
        Assert.Equal("apiKey", apiKey.GetProperty("type").GetString());
        Assert.Equal("header", apiKey.GetProperty("in").GetString());
        Assert.Equal("X-API-Key", apiKey.GetProperty("name").GetString());
    }

    [Fact]
    public async Task OpenApiDocument_IsServedWithoutAuthentication()
    {
        host.SkipIfUnavailable();

        var response = await host.CreateClient().GetAsync("/openapi/v1.json");

        var document = await response.AssertSuccessAsync();
        Assert.Equal("AgentFlow API", document.GetProperty("info").GetProperty("title").GetString());
        Assert.Equal(JsonValueKind.Object, document.GetProperty("paths").ValueKind);
    }
}

public sealed class SqliteOpenApiTests(SqliteHostFixture host) : OpenApiTests<SqliteHostFixture>(host);

public sealed class PostgresOpenApiTests(PostgresHostFixture host) : OpenApiTests<PostgresHostFixture>(host);
