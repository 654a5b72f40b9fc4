using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Api;

/// <summary>
/// Guards over the real endpoint table: no route can be added without deciding who may call it, and no
/// mutating route without naming its audit action.
/// </summary>
public abstract class EndpointMetadataTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private static readonly string[] MutatingMethods = [HttpMethods.Post, HttpMethods.Put, HttpMethods.Patch, HttpMethods.Delete];

    // The SSO callbacks only answer 501 until SAML/OIDC are configured; there is nothing to audit yet.
    private static readonly string[] NotImplementedStubs = ["/auth/saml/", "/auth/oidc/"];

    [Fact]
    public void EndpointTable_ContainsTheApiRoutes()
    {
        var routes = Endpoints().Select(e => Route(e)).ToHashSet(StringComparer.Ordinal);

        foreach (var expected in new[] { "/api/agents", "/api/audit", "/api/rules", "/api/settings", "/api/retention", "/api/stats", "/api/workflows/definitions", "/api/workflows/descriptors/activities", "/api/engine/skills", "/api/engine/skills/by-category", "/api/engine/tools", "/api/engine/profiles/presets", "/api/engine/permissions/check", "/api/engine/runtime/tool-calls", "/auth/login", "/health", "/ready" })
        {
            Assert.Contains(expected, routes);
        }
    }

    [Fact]
    public void EveryMutatingApiAndAuthRoute_DeclaresAnAuditAction()
    {
        var missing = Endpoints()
            .Where(e => IsApiOrAuth(e) && Methods(e).Intersect(MutatingMethods, StringComparer.OrdinalIgnoreCase).Any())
            .Where(e => !NotImplementedStubs.Any(stub => Route(e).StartsWith(stub, StringComparison.Ordinal)))
            .Where(e => e.Metadata.GetMetadata<AuditActionMetadata>() is null && e.Metadata.GetMetadata<AuditExemptMetadata>() is not { Reason.Length: > 0 })
            .Select(Describe)
            .ToList();

        Assert.True(missing.Count == 0, "Mutating routes without an audit action: " + string.Join(", ", missing));
    }

    [Fact]
    public void AuditActions_AreDottedNamesUniquePerRoute()
    {
        var audited = Endpoints().Select(e => (Endpoint: e, Action: e.Metadata.GetMetadata<AuditActionMetadata>()?.Action)).Where(x => x.Action is not null).ToList();

        Assert.NotEmpty(audited);
        Assert.All(audited, x => Assert.Matches("^[a-z_]+\\.[a-z_]+$", x.Action!));
        var duplicates = audited.GroupBy(x => x.Action).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(x => Describe(x.Endpoint)))}").ToList();
        Assert.True(duplicates.Count == 0, "Audit actions used by more than one route: " + string.Join("; ", duplicates));
    }

    [Fact]
    public void EveryRoute_AllowsAnonymousOrRequiresARole()
    {
        var undecided = Endpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && e.Metadata.GetMetadata<RequiredRoleMetadata>() is null)
            .Select(Describe)
            .ToList();

        Assert.True(undecided.Count == 0, "Routes with neither AllowAnonymous nor a required role: " + string.Join(", ", undecided));
    }

    [Fact]
    public void RoleRoutes_AreEnforcedByTheMatchingPolicyAndNotAlsoAnonymous()
    {
        var wrong = new List<string>();
        foreach (var endpoint in Endpoints())
        {
            if (endpoint.Metadata.GetMetadata<RequiredRoleMetadata>() is not { } role)
            {
                continue;
            }

            // The metadata is only a label; the policy is what the authorization middleware enforces.
            var policies = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToList();
            if (!policies.Contains(RolePolicies.Name(role.Role)) || endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            {
                wrong.Add($"{Describe(endpoint)} (role {role.Role.ToName()}, policies [{string.Join(", ", policies)}])");
            }
        }

        Assert.True(wrong.Count == 0, "Role routes not enforced as declared: " + string.Join("; ", wrong));
    }

    [Theory]
    [InlineData("DELETE", "/api/agents/{id:guid}", UserRole.Admin)]
    [InlineData("POST", "/api/agents", UserRole.Member)]
    [InlineData("GET", "/api/audit", UserRole.Admin)]
    [InlineData("PATCH", "/api/settings", UserRole.Admin)]
    [InlineData("GET", "/api/settings", UserRole.Viewer)]
    [InlineData("PUT", "/api/retention", UserRole.Owner)]
    [InlineData("GET", "/api/retention", UserRole.Admin)]
    [InlineData("POST", "/api/rules", UserRole.Member)]
    [InlineData("DELETE", "/api/users/{id:guid}", UserRole.Owner)]
    [InlineData("GET", "/api/workflows/definitions", UserRole.Viewer)]
    [InlineData("GET", "/api/workflows/definitions/{definitionId}", UserRole.Viewer)]
    [InlineData("POST", "/api/workflows/definitions", UserRole.Admin)]
    [InlineData("PUT", "/api/workflows/definitions/{definitionId}", UserRole.Admin)]
    [InlineData("POST", "/api/workflows/definitions/{definitionId}/publish", UserRole.Admin)]
    [InlineData("POST", "/api/workflows/definitions/{definitionId}/retract", UserRole.Admin)]
    [InlineData("POST", "/api/workflows/definitions/{definitionId}/revert/{version:int}", UserRole.Admin)]
    [InlineData("DELETE", "/api/workflows/definitions/{definitionId}", UserRole.Admin)]
    [InlineData("POST", "/api/workflows/definitions/import", UserRole.Admin)]
    [InlineData("GET", "/api/workflows/definitions/export", UserRole.Viewer)]
    [InlineData("POST", "/api/workflows/definitions/{definitionId}/instances", UserRole.Member)]
    [InlineData("GET", "/api/workflows/descriptors/activities", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/skills", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/skills/{id}", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/tools", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/profiles/presets", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/profiles/{agentId:guid}", UserRole.Viewer)]
    [InlineData("PUT", "/api/engine/profiles/{agentId:guid}", UserRole.Admin)]
    [InlineData("POST", "/api/engine/profiles/{agentId:guid}/apply-preset", UserRole.Admin)]
    [InlineData("POST", "/api/engine/permissions/check", UserRole.Member)]
    [InlineData("GET", "/api/engine/permissions/{agentId:guid}/tools", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/permissions/{agentId:guid}/policy", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/activity/events", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/activity/tool-calls", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/activity/tool-calls/{id:guid}", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/activity/conversation/{sessionId}", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/activity/timeline/{agentId:guid}/{date}", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/activity/stats", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/activity/stream", UserRole.Viewer)]
    [InlineData("POST", "/api/engine/agents", UserRole.Admin)]
    [InlineData("GET", "/api/engine/agents", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/agents/{id:guid}", UserRole.Viewer)]
    [InlineData("PATCH", "/api/engine/agents/{id:guid}/config", UserRole.Admin)]
    [InlineData("GET", "/api/engine/agents/{id:guid}/usage", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/agents/{id:guid}/history", UserRole.Viewer)]
    [InlineData("POST", "/api/engine/agents/{id:guid}/deploy", UserRole.Admin)]
    [InlineData("POST", "/api/engine/agents/{id:guid}/stop", UserRole.Admin)]
    [InlineData("POST", "/api/engine/agents/{id:guid}/restart", UserRole.Admin)]
    [InlineData("POST", "/api/engine/agents/{id:guid}/hot-update", UserRole.Admin)]
    [InlineData("DELETE", "/api/engine/agents/{id:guid}", UserRole.Admin)]
    [InlineData("POST", "/api/engine/runtime/tool-calls", UserRole.Viewer)]
    [InlineData("POST", "/api/engine/runtime/tool-calls/{id:guid}/complete", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/usage/{orgId:guid}", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/stats/{orgId:guid}", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/agents/{id:guid}/deployment", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/approvals/pending", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/approvals/history", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/approvals/policies", UserRole.Viewer)]
    [InlineData("POST", "/api/engine/approvals/policies", UserRole.Admin)]
    [InlineData("DELETE", "/api/engine/approvals/policies/{id:guid}", UserRole.Admin)]
    [InlineData("GET", "/api/engine/deploy-targets", UserRole.Viewer)]
    [InlineData("GET", "/api/engine/deploy-targets/{id}", UserRole.Viewer)]
    [InlineData("GET", "/api/workflows/definitions/{definitionId}/versions", UserRole.Viewer)]
    [InlineData("GET", "/api/workflows/definitions/{definitionId}/export", UserRole.Viewer)]
    [InlineData("POST", "/api/workflows/definitions/validate", UserRole.Member)]
    [InlineData("GET", "/api/workflows/instances", UserRole.Viewer)]
    [InlineData("GET", "/api/workflows/instances/{instanceId:guid}", UserRole.Viewer)]
    [InlineData("GET", "/api/workflows/instances/{instanceId:guid}/journal", UserRole.Viewer)]
    [InlineData("POST", "/api/workflows/instances/{instanceId:guid}/cancel", UserRole.Admin)]
    [InlineData("POST", "/api/workflows/instances/{instanceId:guid}/signals/{name}", UserRole.Member)]
    [InlineData("GET", "/api/workflows/tasks", UserRole.Viewer)]
    [InlineData("GET", "/api/workflows/incidents", UserRole.Viewer)]
    [InlineData("GET", "/api/users", UserRole.Admin)]
    [InlineData("GET", "/api/api-keys", UserRole.Admin)]
    [InlineData("GET", "/api/plugins", UserRole.Admin)]
    public void Route_RequiresTheDocumentedRole(string method, string route, UserRole role)
    {
        var endpoint = Assert.Single(Endpoints(), e => Route(e) == route && Methods(e).Contains(method, StringComparer.OrdinalIgnoreCase));

        Assert.Equal(role, endpoint.Metadata.GetMetadata<RequiredRoleMetadata>()?.Role);
    }

    private List<RouteEndpoint> Endpoints()
    {
        host.SkipIfUnavailable();
        return [.. host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()];
    }

    // Group routes mapped at "/" come out as "/api/agents/"; compare without the trailing slash.
    private static string Route(RouteEndpoint endpoint) => "/" + (endpoint.RoutePattern.RawText ?? string.Empty).Trim('/');

    private static IReadOnlyList<string> Methods(RouteEndpoint endpoint) => endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? [];

    private static bool IsApiOrAuth(RouteEndpoint endpoint) =>
        Route(endpoint).StartsWith("/api/", StringComparison.Ordinal) || Route(endpoint).StartsWith("/auth/", StringComparison.Ordinal);

    private static string Describe(RouteEndpoint endpoint) => $"{string.Join("|", Methods(endpoint))} {Route(endpoint)}";
}

public sealed class SqliteEndpointMetadataTests(SqliteHostFixture host) : EndpointMetadataTests<SqliteHostFixture>(host);

public sealed class PostgresEndpointMetadataTests(PostgresHostFixture host) : EndpointMetadataTests<PostgresHostFixture>(host);
