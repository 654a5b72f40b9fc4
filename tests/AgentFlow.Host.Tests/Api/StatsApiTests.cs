using System.Net;
using System.Net.Http.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Host.Tests.Api;

public abstract class StatsApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task GetStats_FreshOrganisation_CountsOwnerAndLogin()
    {
        var tenant = await host.CreateTenantAsync();

        var stats = (await (await tenant.Owner.Client.GetAsync("/api/stats")).AssertSuccessAsync()).GetProperty("data");

        Assert.Equal(0, stats.GetProperty("totalAgents").GetInt32());
        Assert.Equal(0, stats.GetProperty("activeAgents").GetInt32());
        Assert.Equal(1, stats.GetProperty("totalUsers").GetInt32());
        Assert.Equal(0, stats.GetProperty("activeApiKeys").GetInt32());
        // The owner's sign-in is the one audit event so far.
        Assert.Equal(1, stats.GetProperty("totalAuditEvents").GetInt32());
    }

    [Fact]
    public async Task GetStats_AsViewer_CountsOnlyCallersOrganisation()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        await tenant.Owner.Client.CreateAgentAsync("stats-a");
        await tenant.Owner.Client.CreateAgentAsync("stats-b");
        var archivedId = await tenant.Owner.Client.CreateAgentAsync("stats-c");
        await (await tenant.Owner.Client.PostAsync($"/api/agents/{archivedId}/archive", null)).AssertSuccessAsync();
        await CreateKeyAsync(tenant.Owner.Client, "kept");
        var revokedKey = await CreateKeyAsync(tenant.Owner.Client, "revoked");
        await (await tenant.Owner.Client.DeleteAsync($"/api/api-keys/{revokedKey}")).AssertSuccessAsync();

        // Noise in another organisation that must not be counted.
        await other.AddUserAsync(UserRole.Member);
        await other.Owner.Client.CreateAgentAsync("foreign-1");
        await other.Owner.Client.CreateAgentAsync("foreign-2");
        await CreateKeyAsync(other.Owner.Client, "foreign-key");
        await host.SeedAuditEntryAsync(other.OrgId, "agent.create", host.Now());

        var stats = (await (await viewer.Client.GetAsync("/api/stats")).AssertSuccessAsync()).GetProperty("data");

        Assert.Equal(3, stats.GetProperty("totalAgents").GetInt32());
        Assert.Equal(2, stats.GetProperty("activeAgents").GetInt32());
        Assert.Equal(2, stats.GetProperty("totalUsers").GetInt32());
        Assert.Equal(1, stats.GetProperty("activeApiKeys").GetInt32());
        // 2 sign-ins + 3 agent.create + 1 agent.archive + 2 api_key.create + 1 api_key.revoke.
        Assert.Equal(9, stats.GetProperty("totalAuditEvents").GetInt32());
        var stored = await host.InTenantAsync(tenant.OrgId, db => db.AuditEntries.CountAsync());
        Assert.Equal(stored, stats.GetProperty("totalAuditEvents").GetInt32());
    }

    [Fact]
    public async Task GetStats_Anonymous_Returns401()
    {
        host.SkipIfUnavailable();

        var response = await host.CreateClient().GetAsync("/api/stats");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "AUTHENTICATION_REQUIRED");
    }

    private static async Task<string> CreateKeyAsync(HttpClient client, string name)
    {
        var body = await (await client.PostAsJsonAsync("/api/api-keys", new { name, scopes = new List<string> { "read" } })).AssertSuccessAsync(HttpStatusCode.Created);
        return body.GetProperty("data").GetProperty("key").GetProperty("id").GetString()!;
    }
}

public sealed class SqliteStatsApiTests(SqliteHostFixture host) : StatsApiTests<SqliteHostFixture>(host);

public sealed class PostgresStatsApiTests(PostgresHostFixture host) : StatsApiTests<PostgresHostFixture>(host);
