using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

public abstract partial class ApiKeysApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private static readonly string[] ReadScope = ["read"];
    private static readonly string[] AllScopes = ["*"];
    private static readonly object ValidRetention = new { enabled = true, retainDays = 90, archiveFirst = true, excludeTags = Array.Empty<string>() };

    [Fact]
    public async Task CreateKey_ReturnsPlaintextOnceWithPrefixAndWarning()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "ci", scopes = ReadScope });

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        var plaintext = data.GetProperty("plaintext").GetString()!;
        Assert.Matches(KeyShape(), plaintext);
        var key = data.GetProperty("key");
        Assert.Equal(plaintext[..11], key.GetProperty("keyPrefix").GetString());
        Assert.Equal("ci", key.GetProperty("name").GetString());
        Assert.Equal(["read"], key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal(tenant.Owner.Id, key.GetProperty("createdBy").GetGuid());
        Assert.False(key.GetProperty("revoked").GetBoolean());
        Assert.False(string.IsNullOrWhiteSpace(data.GetProperty("warning").GetString()));
        Assert.Equal($"/api/api-keys/{key.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        Assert.DoesNotContain(AuthHelpers.AllPropertyNames(key), n => n.Contains("hash", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task ListKeys_NeverShowsPlaintextOrHash()
    {
        var tenant = await host.CreateTenantAsync();
        var (id, plaintext) = await tenant.Owner.CreateApiKeyAsync(["*"]);

        var response = await tenant.Owner.Client.GetAsync("/api/api-keys");

        var raw = await response.Content.ReadAsStringAsync();
        var body = await response.AssertSuccessAsync();
        Assert.DoesNotContain(plaintext, raw, StringComparison.Ordinal);
        Assert.DoesNotContain(plaintext[11..], raw, StringComparison.Ordinal);
        Assert.DoesNotContain(AuthHelpers.AllPropertyNames(body), n => n.Contains("hash", StringComparison.OrdinalIgnoreCase) || n.Contains("plaintext", StringComparison.OrdinalIgnoreCase));
        var listed = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.Equal(plaintext[..11], listed.GetProperty("keyPrefix").GetString());
    }

    [Fact]
    public async Task Key_AuthenticatesAsItsCreatorViaXApiKey()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["read"]);
        using var client = host.CreateApiKeyClient(plaintext);

        var me = await (await client.GetAsync("/auth/me")).AssertSuccessAsync();
        var agents = await client.GetAsync("/api/agents");

        Assert.Equal(tenant.Owner.Id, me.GetProperty("id").GetGuid());
        Assert.Equal(tenant.OrgId, me.GetProperty("orgId").GetGuid());
        Assert.Equal("viewer", me.GetProperty("role").GetString());
        await agents.AssertSuccessAsync();
    }

    [Fact]
    public async Task Key_AuthenticatesAsBearerToken_AsAgentRuntimesSendIt()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["write"]);
        using var client = host.CreateBareClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", plaintext);

        var me = await (await client.GetAsync("/auth/me")).AssertSuccessAsync();
        var created = await client.PostAsJsonAsync("/api/agents", new { name = "made-by-bearer-key" });

        Assert.Equal("apikey", me.GetProperty("authMethod").GetString()?.ToLowerInvariant());
        Assert.Equal("member", me.GetProperty("role").GetString());
        await created.AssertSuccessAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Key_RevokedKeyAsBearerToken_Returns401InvalidApiKey()
    {
        var tenant = await host.CreateTenantAsync();
        var (id, plaintext) = await tenant.Owner.CreateApiKeyAsync(["read"]);
        await (await tenant.Owner.Client.DeleteAsync($"/api/api-keys/{id}")).AssertSuccessAsync();
        using var client = host.CreateBareClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", plaintext);

        var response = await client.GetAsync("/api/agents");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task ReadKey_CanListAgentsButNotCreate()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["read"]);
        using var client = host.CreateApiKeyClient(plaintext);

        var read = await client.GetAsync("/api/agents");
        var write = await client.PostAsJsonAsync("/api/agents", new { name = "read-only-attempt" });

        await read.AssertSuccessAsync();
        var problem = await write.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("viewer", problem.GetProperty("details").GetProperty("current").GetString());
        Assert.Equal("member", problem.GetProperty("details").GetProperty("required").GetString());
    }

    [Fact]
    public async Task WriteKey_CanCreateAgentsButNotListUsers()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["write"]);
        using var client = host.CreateApiKeyClient(plaintext);

        var create = await client.PostAsJsonAsync("/api/agents", new { name = "made-by-key" });
        var users = await client.GetAsync("/api/users");

        await create.AssertSuccessAsync(HttpStatusCode.Created);
        var problem = await users.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("required").GetString());
        Assert.Equal("member", problem.GetProperty("details").GetProperty("current").GetString());
    }

    [Fact]
    public async Task AdminKeyOfOwner_CanListUsersButNotSetRetention()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["admin"]);
        using var client = host.CreateApiKeyClient(plaintext);

        var users = await client.GetAsync("/api/users");
        var retention = await client.PutAsJsonAsync("/api/retention", ValidRetention);

        await users.AssertSuccessAsync();
        var problem = await retention.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("owner", problem.GetProperty("details").GetProperty("required").GetString());
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("current").GetString());
    }

    [Fact]
    public async Task AllScopesKeyOfOwner_CanSetRetention()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["*"]);
        using var client = host.CreateApiKeyClient(plaintext);

        var response = await client.PutAsJsonAsync("/api/retention", ValidRetention);

        var body = await response.AssertSuccessAsync();
        Assert.Equal(90, body.GetProperty("data").GetProperty("retainDays").GetInt32());
    }

    [Fact]
    public async Task AllScopesKeyOfAdmin_NeverExceedsItsCreatorsRole()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        var (_, plaintext) = await admin.CreateApiKeyAsync(["*"]);
        using var client = host.CreateApiKeyClient(plaintext);

        var users = await client.GetAsync("/api/users");
        var retention = await client.PutAsJsonAsync("/api/retention", ValidRetention);

        await users.AssertSuccessAsync();
        var problem = await retention.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("current").GetString());
    }

    [Fact]
    public async Task KeyOfDemotedCreator_LosesRightsAtOnce()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        var (_, plaintext) = await admin.CreateApiKeyAsync(["admin"]);
        using var client = host.CreateApiKeyClient(plaintext);
        await (await client.GetAsync("/api/users")).AssertSuccessAsync();

        await tenant.Owner.ChangeRoleAsync(admin.Id, "member");

        var users = await client.GetAsync("/api/users");
        var problem = await users.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("member", problem.GetProperty("details").GetProperty("current").GetString());
        await (await client.PostAsJsonAsync("/api/agents", new { name = "still-a-member" })).AssertSuccessAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task KeyOfDeletedCreator_StopsWorking()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        var (_, plaintext) = await admin.CreateApiKeyAsync(["read"]);
        using var client = host.CreateApiKeyClient(plaintext);
        await (await client.GetAsync("/api/agents")).AssertSuccessAsync();

        await (await tenant.Owner.Client.DeleteAsync($"/api/users/{admin.Id}")).AssertSuccessAsync(HttpStatusCode.NoContent);

        await (await client.GetAsync("/api/agents")).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Theory]
    [InlineData("{\"name\":\"k\",\"scopes\":[\"superuser\"]}", "scopes")]
    [InlineData("{\"name\":\"k\",\"scopes\":[\"read\",\"READ\"]}", "scopes")]
    [InlineData("{\"name\":\"k\",\"scopes\":[]}", "scopes")]
    [InlineData("{\"scopes\":[\"read\"]}", "name")]
    [InlineData("{\"name\":\"\",\"scopes\":[\"read\"]}", "name")]
    [InlineData("{\"name\":\"k\",\"scopes\":[\"read\"],\"expiresAt\":\"2001-01-01T00:00:00Z\"}", "expiresAt")]
    public async Task CreateKey_InvalidField_Returns400NamingIt(string json, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync("/api/api-keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
        var list = await (await tenant.Owner.Client.GetAsync("/api/api-keys")).AssertSuccessAsync();
        Assert.Equal(0, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task CreateKey_ExpiryInTheFuture_KeyWorks()
    {
        var tenant = await host.CreateTenantAsync();
        var expiresAt = TimeProvider.System.GetUtcNow().AddDays(30);

        var (id, plaintext) = await tenant.Owner.CreateApiKeyAsync(["read"], expiresAt);

        using var client = host.CreateApiKeyClient(plaintext);
        await (await client.GetAsync("/api/agents")).AssertSuccessAsync();
        var listed = Assert.Single((await (await tenant.Owner.Client.GetAsync("/api/api-keys")).AssertSuccessAsync()).GetProperty("data").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.True(Math.Abs((listed.GetProperty("expiresAt").GetDateTimeOffset() - expiresAt).TotalSeconds) < 1, listed.ToString());
    }

    [Fact]
    public async Task RevokeKey_StopsItAtOnceAndKeepsItListedAsRevoked()
    {
        var tenant = await host.CreateTenantAsync();
        var (id, plaintext) = await tenant.Owner.CreateApiKeyAsync(["read"]);
        using var client = host.CreateApiKeyClient(plaintext);
        await (await client.GetAsync("/api/agents")).AssertSuccessAsync();

        var revoke = await tenant.Owner.Client.DeleteAsync($"/api/api-keys/{id}");

        var revoked = await revoke.AssertSuccessAsync();
        Assert.True(revoked.GetProperty("data").GetProperty("revoked").GetBoolean());
        await (await client.GetAsync("/api/agents")).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
        var list = await (await tenant.Owner.Client.GetAsync("/api/api-keys")).AssertSuccessAsync();
        var listed = Assert.Single(list.GetProperty("data").EnumerateArray());
        Assert.Equal(id, listed.GetProperty("id").GetString());
        Assert.True(listed.GetProperty("revoked").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, listed.GetProperty("revokedAt").ValueKind);
    }

    [Fact]
    public async Task RevokeKey_OtherKeysKeepWorking()
    {
        var tenant = await host.CreateTenantAsync();
        var (revokedId, _) = await tenant.Owner.CreateApiKeyAsync(["read"]);
        var (_, kept) = await tenant.Owner.CreateApiKeyAsync(["read"]);

        await (await tenant.Owner.Client.DeleteAsync($"/api/api-keys/{revokedId}")).AssertSuccessAsync();

        using var client = host.CreateApiKeyClient(kept);
        await (await client.GetAsync("/api/agents")).AssertSuccessAsync();
    }

    [Fact]
    public async Task UseKey_SetsLastUsedAt()
    {
        var tenant = await host.CreateTenantAsync();
        var (id, plaintext) = await tenant.Owner.CreateApiKeyAsync(["read"]);
        var before = Assert.Single((await (await tenant.Owner.Client.GetAsync("/api/api-keys")).AssertSuccessAsync()).GetProperty("data").EnumerateArray());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("lastUsedAt").ValueKind);
        using var client = host.CreateApiKeyClient(plaintext);

        await (await client.GetAsync("/api/agents")).AssertSuccessAsync();

        var after = Assert.Single((await (await tenant.Owner.Client.GetAsync("/api/api-keys")).AssertSuccessAsync()).GetProperty("data").EnumerateArray());
        Assert.Equal(id, after.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.String, after.GetProperty("lastUsedAt").ValueKind);
        Assert.True(after.GetProperty("lastUsedAt").GetDateTimeOffset() >= after.GetProperty("createdAt").GetDateTimeOffset());
    }

    [Fact]
    public async Task CreateKey_AsMember_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await member.Client.PostAsJsonAsync("/api/api-keys", new { name = "mine", scopes = ReadScope });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("required").GetString());
        var list = await (await tenant.Owner.Client.GetAsync("/api/api-keys")).AssertSuccessAsync();
        Assert.Equal(0, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task CreateKey_WithMemberCappedKey_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["write"]);
        using var client = host.CreateApiKeyClient(plaintext);

        // A member-capped key may not create keys at all, let alone an owner-level one.
        var response = await client.PostAsJsonAsync("/api/api-keys", new { name = "escalate", scopes = AllScopes });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("ek_short")]
    [InlineData("ek_0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("ek_0123456789abcdef0123456789abcdef")]
    public async Task MalformedOrUnknownApiKey_Returns401InvalidApiKey(string presented)
    {
        await host.CreateTenantAsync();
        using var client = host.CreateApiKeyClient(presented);

        var response = await client.GetAsync("/api/agents");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_API_KEY");
    }

    [Fact]
    public async Task KeysOfAnotherOrganisation_AreInvisibleAndCannotBeRevoked()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var (foreignId, foreignPlaintext) = await other.Owner.CreateApiKeyAsync(["read"]);

        var list = await (await tenant.Owner.Client.GetAsync("/api/api-keys")).AssertSuccessAsync();
        var revoke = await tenant.Owner.Client.DeleteAsync($"/api/api-keys/{foreignId}");

        Assert.Equal(0, list.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.DoesNotContain(list.GetProperty("data").EnumerateArray(), k => k.GetProperty("id").GetString() == foreignId);
        await revoke.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        using var client = host.CreateApiKeyClient(foreignPlaintext);
        await (await client.GetAsync("/api/agents")).AssertSuccessAsync();
    }

    [Fact]
    public async Task Key_SeesOnlyItsOwnOrganisation()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        await (await other.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "foreign-agent" })).AssertSuccessAsync(HttpStatusCode.Created);
        await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "own-agent" })).AssertSuccessAsync(HttpStatusCode.Created);
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["read"]);
        using var client = host.CreateApiKeyClient(plaintext);

        var body = await (await client.GetAsync("/api/agents")).AssertSuccessAsync();

        var agent = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal("own-agent", agent.GetProperty("name").GetString());
    }

    [Fact]
    public async Task ApiKeyPost_NeedsNoCsrfHeader()
    {
        var tenant = await host.CreateTenantAsync();
        var (_, plaintext) = await tenant.Owner.CreateApiKeyAsync(["write"]);
        using var client = host.CreateApiKeyClient(plaintext);

        var response = await client.PostAsJsonAsync("/api/agents", new { name = "no-csrf-needed" });

        await response.AssertSuccessAsync(HttpStatusCode.Created);
    }

    [GeneratedRegex("^ek_[0-9a-f]{32}$")]
    private static partial Regex KeyShape();
}

public sealed class SqliteApiKeysApiTests(SqliteHostFixture host) : ApiKeysApiTests<SqliteHostFixture>(host);

public sealed class PostgresApiKeysApiTests(PostgresHostFixture host) : ApiKeysApiTests<PostgresHostFixture>(host);
