using System.Net;
using System.Net.Http.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

public abstract class AuditApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private static readonly DateTimeOffset Jan2020 = new(2020, 1, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task CreateAgent_WritesEntryWithActorIpAndRequestId()
    {
        var tenant = await host.CreateTenantAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/agents") { Content = JsonContent.Create(new { name = "audited" }) };
        request.Headers.Add(AgentFlowHostFixture.TestClientIpHeader, "198.51.100.23");

        var response = await tenant.Owner.Client.SendAsync(request);

        var id = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetString();
        var requestId = Assert.Single(response.Headers.GetValues("X-Request-Id"));
        var entry = Assert.Single(await tenant.Owner.Client.AuditEntriesAsync("action=agent.create"));
        Assert.Equal(tenant.Owner.Id.ToString(), entry.GetProperty("actor").GetString());
        Assert.Equal("user", entry.GetProperty("actorType").GetString());
        Assert.Equal($"agent:{id}", entry.GetProperty("resource").GetString());
        Assert.Equal("198.51.100.23", entry.GetProperty("ip").GetString());
        Assert.Equal(requestId, entry.GetProperty("requestId").GetString());
        Assert.Equal("audited", entry.GetProperty("details").GetProperty("name").GetString());
    }

    [Fact]
    public async Task UpdateAndDeleteAgent_WriteEntriesNamingTheAgent()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await tenant.Owner.Client.CreateAgentAsync("short-lived");

        var update = await tenant.Owner.Client.PatchAsJsonAsync($"/api/agents/{id}", new { role = "researcher" });
        var delete = await tenant.Owner.Client.DeleteAsync($"/api/agents/{id}");

        await update.AssertSuccessAsync();
        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        var updated = Assert.Single(await tenant.Owner.Client.AuditEntriesAsync("action=agent.update"));
        var deleted = Assert.Single(await tenant.Owner.Client.AuditEntriesAsync("action=agent.delete"));
        Assert.Equal($"agent:{id}", updated.GetProperty("resource").GetString());
        Assert.Equal($"agent:{id}", deleted.GetProperty("resource").GetString());
        Assert.Equal(Assert.Single(update.Headers.GetValues("X-Request-Id")), updated.GetProperty("requestId").GetString());
        Assert.Equal(Assert.Single(delete.Headers.GetValues("X-Request-Id")), deleted.GetProperty("requestId").GetString());
        Assert.All([updated, deleted], e => Assert.Equal(tenant.Owner.Id.ToString(), e.GetProperty("actor").GetString()));
    }

    [Fact]
    public async Task CreateUser_WritesUserCreateEntry()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);

        var response = await admin.Client.PostAsJsonAsync("/api/users",
            new { email = $"new-{Guid.NewGuid():N}@example.com", name = "New Person", role = "member", password = "long-enough-password" });

        var userId = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetString();
        var entry = Assert.Single(await admin.Client.AuditEntriesAsync("action=user.create"));
        Assert.Equal(admin.Id.ToString(), entry.GetProperty("actor").GetString());
        Assert.Equal($"user:{userId}", entry.GetProperty("resource").GetString());
        Assert.Equal("member", entry.GetProperty("details").GetProperty("role").GetString());
        Assert.DoesNotContain("long-enough-password", entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UpdateSettings_WritesSettingsUpdateEntryWithoutSecrets()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { smtpPass = "audit-must-not-see-this" });

        await response.AssertSuccessAsync();
        var entry = Assert.Single(await tenant.Owner.Client.AuditEntriesAsync("action=settings.update"));
        Assert.Equal("settings", entry.GetProperty("resource").GetString());
        Assert.Equal("user", entry.GetProperty("actorType").GetString());
        Assert.Equal(Assert.Single(response.Headers.GetValues("X-Request-Id")), entry.GetProperty("requestId").GetString());
        Assert.DoesNotContain("audit-must-not-see-this", entry.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateRule_WritesRuleCreateEntry()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await member.Client.PostAsJsonAsync("/api/rules", new { name = "audited rule" });

        var ruleId = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetString();
        var entry = Assert.Single(await tenant.Owner.Client.AuditEntriesAsync("action=rule.create"));
        Assert.Equal(member.Id.ToString(), entry.GetProperty("actor").GetString());
        Assert.Equal($"rule:{ruleId}", entry.GetProperty("resource").GetString());
    }

    [Fact]
    public async Task SetRetention_WritesRetentionUpdateEntry()
    {
        var tenant = await host.CreateTenantAsync();

        await (await tenant.Owner.Client.PutAsJsonAsync("/api/retention", new { enabled = true, retainDays = 45 })).AssertSuccessAsync();

        var entry = Assert.Single(await tenant.Owner.Client.AuditEntriesAsync("action=retention.update"));
        Assert.Equal("retention", entry.GetProperty("resource").GetString());
        Assert.Equal(45, entry.GetProperty("details").GetProperty("retainDays").GetInt32());
    }

    [Fact]
    public async Task MutationWithApiKey_AuditsTheKeyAsActor()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await (await tenant.Owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "ci", scopes = new List<string> { "write" } }))
            .AssertSuccessAsync(HttpStatusCode.Created);
        var keyId = created.GetProperty("data").GetProperty("key").GetProperty("id").GetString();
        var agentId = await tenant.Owner.Client.CreateAgentAsync("key-target");
        using var keyClient = host.CreateClient();
        keyClient.DefaultRequestHeaders.Add("X-API-Key", created.GetProperty("data").GetProperty("plaintext").GetString());

        var response = await keyClient.PatchAsJsonAsync($"/api/agents/{agentId}", new { role = "via-key" });

        await response.AssertSuccessAsync();
        var entry = Assert.Single(await tenant.Owner.Client.AuditEntriesAsync("action=agent.update"));
        Assert.Equal(keyId, entry.GetProperty("actor").GetString());
        Assert.Equal("api-key", entry.GetProperty("actorType").GetString());
        Assert.Equal($"agent:{agentId}", entry.GetProperty("resource").GetString());
        Assert.Equal(tenant.Owner.Id.ToString(), entry.GetProperty("details").GetProperty("onBehalfOf").GetString());
        Assert.Equal(Assert.Single(response.Headers.GetValues("X-Request-Id")), entry.GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task CreateWithApiKey_KeepsHandlerDetailsAndTheUserBehindTheKey()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await (await tenant.Owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "ci", scopes = new List<string> { "write" } }))
            .AssertSuccessAsync(HttpStatusCode.Created);
        using var keyClient = host.CreateClient();
        keyClient.DefaultRequestHeaders.Add("X-API-Key", created.GetProperty("data").GetProperty("plaintext").GetString());

        await (await keyClient.PostAsJsonAsync("/api/agents", new { name = "made-by-key" })).AssertSuccessAsync(HttpStatusCode.Created);

        var entry = Assert.Single(await tenant.Owner.Client.AuditEntriesAsync("action=agent.create"));
        Assert.Equal("made-by-key", entry.GetProperty("details").GetProperty("name").GetString());
        Assert.Equal(tenant.Owner.Id.ToString(), entry.GetProperty("details").GetProperty("onBehalfOf").GetString());
    }

    [Fact]
    public async Task FailedMutations_WriteNoEntry()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        await tenant.Owner.Client.CreateAgentAsync("existing");
        var before = await tenant.Owner.Client.AuditEntriesAsync();

        var invalid = await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "bad name!" });
        var forbidden = await viewer.Client.PostAsJsonAsync("/api/agents", new { name = "viewer-made" });
        var missing = await tenant.Owner.Client.PatchAsJsonAsync($"/api/agents/{Guid.NewGuid()}", new { role = "x" });
        var missingRule = await tenant.Owner.Client.DeleteAsync($"/api/rules/{Guid.NewGuid()}");
        var conflict = await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "existing" });
        var badSettings = await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { primaryColor = "red" });
        var badLogin = await host.CreateClient().PostAsJsonAsync("/auth/login", new { email = tenant.Owner.Email, password = "wrong-password" });

        await invalid.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        await forbidden.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await missingRule.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await conflict.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        await badSettings.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        await badLogin.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        var after = await tenant.Owner.Client.AuditEntriesAsync();
        Assert.Equal(before.Select(e => e.GetProperty("id").GetString()), after.Select(e => e.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task Login_WritesAuthLoginEntryForTheUser()
    {
        var tenant = await host.CreateTenantAsync();

        var member = await tenant.AddUserAsync(UserRole.Member);

        var entry = Assert.Single(await tenant.Owner.Client.AuditEntriesAsync($"action=auth.login&actor={member.Id}"));
        Assert.Equal("user", entry.GetProperty("actorType").GetString());
        Assert.Equal($"user:{member.Id}", entry.GetProperty("resource").GetString());
        Assert.False(string.IsNullOrEmpty(entry.GetProperty("requestId").GetString()));
    }

    [Fact]
    public async Task QueryAudit_AsMember_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await member.Client.GetAsync("/api/audit");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("required").GetString());
    }

    [Fact]
    public async Task QueryAudit_AsAdmin_ListsNewestFirstWithMeta()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        await admin.Client.CreateAgentAsync("first");
        await admin.Client.CreateAgentAsync("second");

        var body = await (await admin.Client.GetAsync("/api/audit")).AssertSuccessAsync();

        var entries = body.GetProperty("data").EnumerateArray().ToArray();
        Assert.Equal(4, body.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal(50, body.GetProperty("meta").GetProperty("limit").GetInt32());
        Assert.Equal(["agent.create", "agent.create", "auth.login", "auth.login"], entries.Select(e => e.GetProperty("action").GetString()));
        var stamps = entries.Select(e => e.GetProperty("timestamp").GetDateTimeOffset()).ToArray();
        Assert.Equal(stamps.OrderByDescending(s => s), stamps);
    }

    [Theory]
    [InlineData("actor=alice", new[] { "e4", "e3", "e1" })]
    [InlineData("action=agent.create", new[] { "e4", "e1" })]
    [InlineData("resource=agent:", new[] { "e2", "e1" })]
    [InlineData("resource=agent:1", new[] { "e2", "e1" })]
    [InlineData("resource=rule", new[] { "e3" })]
    [InlineData("resource=agent_", new string[0])]
    [InlineData("resource=%25", new string[0])]
    [InlineData("from=2020-01-15T00:00:00Z&to=2020-03-15T00:00:00Z", new[] { "e3", "e2" })]
    [InlineData("from=2020-03-01T12:00:00Z&to=2020-12-31T00:00:00Z", new[] { "e4", "e3" })]
    [InlineData("to=2020-01-01T12:00:00Z", new[] { "e1" })]
    [InlineData("actor=alice&action=agent.create&to=2020-02-01T00:00:00Z", new[] { "e1" })]
    public async Task QueryAudit_Filter_ReturnsMatchingEntries(string query, string[] expected)
    {
        var tenant = await host.CreateTenantAsync();
        var seeded = await SeedFilterEntriesAsync(tenant.OrgId);

        var body = await (await tenant.Owner.Client.GetAsync($"/api/audit?{query}")).AssertSuccessAsync();

        var names = body.GetProperty("data").EnumerateArray().Select(e => seeded.GetValueOrDefault(e.GetProperty("id").GetGuid(), "other")).ToArray();
        Assert.Equal(expected, names);
        Assert.Equal(expected.Length, body.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task QueryAudit_LimitAndOffset_PageNewestFirst()
    {
        var tenant = await host.CreateTenantAsync();
        var seeded = await SeedFilterEntriesAsync(tenant.OrgId);

        var body = await (await tenant.Owner.Client.GetAsync("/api/audit?actor=alice&limit=2&offset=1")).AssertSuccessAsync();

        Assert.Equal(["e3", "e1"], body.GetProperty("data").EnumerateArray().Select(e => seeded[e.GetProperty("id").GetGuid()]));
        Assert.Equal(3, body.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal(2, body.GetProperty("meta").GetProperty("limit").GetInt32());
        Assert.Equal(1, body.GetProperty("meta").GetProperty("offset").GetInt32());
    }

    [Fact]
    public async Task QueryAudit_Limit500_IsAccepted()
    {
        var tenant = await host.CreateTenantAsync();

        var body = await (await tenant.Owner.Client.GetAsync("/api/audit?limit=500")).AssertSuccessAsync();

        Assert.Equal(500, body.GetProperty("meta").GetProperty("limit").GetInt32());
    }

    [Theory]
    [InlineData("limit=501", "limit")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("offset=-1", "offset")]
    [InlineData("from=yesterday", "from")]
    [InlineData("to=2020-13-45", "to")]
    [InlineData("from=2020-05-01T00:00:00Z&to=2020-04-01T00:00:00Z", "from")]
    public async Task QueryAudit_BadQuery_Returns400NamingTheParameter(string query, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync($"/api/audit?{query}");

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task QueryAudit_NeverShowsAnotherOrganisationsEntries()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var foreignAgent = await other.Owner.Client.CreateAgentAsync("foreign-agent");
        var foreignSeed = await host.SeedAuditEntryAsync(other.OrgId, "agent.create", Jan2020, actor: "alice", resource: "agent:1");
        await tenant.Owner.Client.CreateAgentAsync("own-agent");

        var all = await tenant.Owner.Client.AuditEntriesAsync();
        var byForeignActor = await tenant.Owner.Client.AuditEntriesAsync($"actor={other.Owner.Id}");
        var bySharedActor = await tenant.Owner.Client.AuditEntriesAsync("actor=alice");

        Assert.Equal(2, all.Length);
        Assert.All(all, e => Assert.Equal(tenant.Owner.Id.ToString(), e.GetProperty("actor").GetString()));
        Assert.DoesNotContain(all, e => e.GetProperty("resource").GetString() == $"agent:{foreignAgent}");
        Assert.DoesNotContain(all, e => e.GetProperty("id").GetGuid() == foreignSeed);
        Assert.Empty(byForeignActor);
        Assert.Empty(bySharedActor);
    }

    /// <summary>Four entries of 2020 with known fields; returns id → name (e1..e4).</summary>
    private async Task<Dictionary<Guid, string>> SeedFilterEntriesAsync(Guid orgId) => new()
    {
        [await host.SeedAuditEntryAsync(orgId, "agent.create", Jan2020, "alice", "agent:1")] = "e1",
        [await host.SeedAuditEntryAsync(orgId, "agent.update", Jan2020.AddMonths(1), "bob", "agent:1")] = "e2",
        [await host.SeedAuditEntryAsync(orgId, "rule.create", Jan2020.AddMonths(2), "alice", "rule:9")] = "e3",
        [await host.SeedAuditEntryAsync(orgId, "agent.create", Jan2020.AddMonths(3), "alice", "agentx:1")] = "e4",
    };
}

public sealed class SqliteAuditApiTests(SqliteHostFixture host) : AuditApiTests<SqliteHostFixture>(host);

public sealed class PostgresAuditApiTests(PostgresHostFixture host) : AuditApiTests<PostgresHostFixture>(host);
