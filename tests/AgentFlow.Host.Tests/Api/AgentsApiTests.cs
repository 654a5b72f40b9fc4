using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

public abstract class AgentsApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task CreateAgent_ValidBody_Returns201WithDefaultsAndLocation()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "support-bot", metadata = new { team = "care" } });

        var body = await response.AssertSuccessAsync(HttpStatusCode.Created);
        var agent = body.GetProperty("data");
        Assert.Equal("support-bot", agent.GetProperty("name").GetString());
        Assert.Equal("support-bot@localhost", agent.GetProperty("email").GetString());
        Assert.Equal("assistant", agent.GetProperty("role").GetString());
        Assert.Equal("active", agent.GetProperty("status").GetString());
        Assert.Equal("care", agent.GetProperty("metadata").GetProperty("team").GetString());
        Assert.Equal($"/api/agents/{agent.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task CreateAgent_DuplicateName_Returns409()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "dup" })).AssertSuccessAsync(HttpStatusCode.Created);

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "dup" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("name", problem.GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task CreateAgent_SameNameInAnotherOrganisation_IsAllowed()
    {
        var first = await host.CreateTenantAsync();
        var second = await host.CreateTenantAsync();
        await (await first.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "shared-name" })).AssertSuccessAsync(HttpStatusCode.Created);

        var response = await second.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "shared-name" });

        await response.AssertSuccessAsync(HttpStatusCode.Created);
    }

    [Theory]
    [InlineData("{\"name\":\"bad name!\"}", "name")]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{}", "name")]
    [InlineData("{\"name\":123}", "name")]
    [InlineData("{\"name\":\"ok\",\"email\":\"not-an-email\"}", "email")]
    [InlineData("{\"name\":\"ok\",\"metadata\":[1,2]}", "metadata")]
    [InlineData("{\"name\":\"ok\",\"unknownField\":true}", "unknownField")]
    [InlineData("{\"name\":\"<script>alert(1)</script>\"}", "name")]
    [InlineData("{\"name\":\"x'; DROP TABLE agents; --\"}", "name")]
    public async Task CreateAgent_InvalidField_Returns400NamingTheField(string json, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync("/api/agents", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task CreateAgent_NameTooLong_Returns400()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = new string('a', 65) });

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Theory]
    [InlineData("{\"name\":")]
    [InlineData("not json at all")]
    [InlineData("")]
    public async Task CreateAgent_MalformedJson_Returns400(string json)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync("/api/agents", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var code = JsonDocument.Parse(body).RootElement.GetProperty("code").GetString();
        Assert.True(code is "MALFORMED_JSON" or "VALIDATION_ERROR", $"unexpected code {code}");
    }

    [Fact]
    public async Task ListAgents_PagesAndCountsOnlyOwnOrganisation()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        for (var i = 0; i < 5; i++)
        {
            await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = $"agent-{i}" })).AssertSuccessAsync(HttpStatusCode.Created);
        }

        await (await other.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "foreign" })).AssertSuccessAsync(HttpStatusCode.Created);

        var body = await (await tenant.Owner.Client.GetAsync("/api/agents?limit=2&offset=1")).AssertSuccessAsync();

        Assert.Equal(2, body.GetProperty("data").GetArrayLength());
        Assert.Equal(5, body.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal(2, body.GetProperty("meta").GetProperty("limit").GetInt32());
        Assert.Equal(1, body.GetProperty("meta").GetProperty("offset").GetInt32());
        Assert.DoesNotContain(body.GetProperty("data").EnumerateArray(), a => a.GetProperty("name").GetString() == "foreign");
    }

    [Theory]
    [InlineData("limit=0")]
    [InlineData("limit=201")]
    [InlineData("limit=abc")]
    [InlineData("offset=-1")]
    [InlineData("status=sleeping")]
    public async Task ListAgents_BadQuery_Returns400(string query)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync($"/api/agents?{query}");

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
    }

    [Fact]
    public async Task GetAgent_OfAnotherOrganisation_Returns404()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var created = await (await other.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "secret-agent" })).AssertSuccessAsync(HttpStatusCode.Created);
        var id = created.GetProperty("data").GetProperty("id").GetString();

        var get = await tenant.Owner.Client.GetAsync($"/api/agents/{id}");
        var patch = await tenant.Owner.Client.PatchAsJsonAsync($"/api/agents/{id}", new { name = "stolen" });
        var delete = await tenant.Owner.Client.DeleteAsync($"/api/agents/{id}");

        await get.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await patch.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await delete.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var still = await (await other.Owner.Client.GetAsync($"/api/agents/{id}")).AssertSuccessAsync();
        Assert.Equal("secret-agent", still.GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task ArchiveThenRestore_ChangesStatusAndFilterFindsIt()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "sleepy" })).AssertSuccessAsync(HttpStatusCode.Created);
        var id = created.GetProperty("data").GetProperty("id").GetString();

        var archived = await (await tenant.Owner.Client.PostAsync($"/api/agents/{id}/archive", null)).AssertSuccessAsync();
        var listed = await (await tenant.Owner.Client.GetAsync("/api/agents?status=archived")).AssertSuccessAsync();
        var restored = await (await tenant.Owner.Client.PostAsync($"/api/agents/{id}/restore", null)).AssertSuccessAsync();

        Assert.Equal("archived", archived.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal(1, listed.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal("active", restored.GetProperty("data").GetProperty("status").GetString());
    }

    [Fact]
    public async Task UpdateAgent_ChangesOnlyGivenFields()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "patchme", role = "researcher" })).AssertSuccessAsync(HttpStatusCode.Created);
        var id = created.GetProperty("data").GetProperty("id").GetString();

        var updated = await (await tenant.Owner.Client.PatchAsJsonAsync($"/api/agents/{id}", new { status = "suspended" })).AssertSuccessAsync();

        Assert.Equal("suspended", updated.GetProperty("data").GetProperty("status").GetString());
        Assert.Equal("researcher", updated.GetProperty("data").GetProperty("role").GetString());
        Assert.Equal("patchme", updated.GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task DeleteAgent_AsMember_Returns403WithRequiredAndCurrentRole()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);
        var created = await (await member.Client.PostAsJsonAsync("/api/agents", new { name = "keep-me" })).AssertSuccessAsync(HttpStatusCode.Created);
        var id = created.GetProperty("data").GetProperty("id").GetString();

        var response = await member.Client.DeleteAsync($"/api/agents/{id}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("required").GetString());
        Assert.Equal("member", problem.GetProperty("details").GetProperty("current").GetString());
    }

    [Fact]
    public async Task CreateAgent_AsViewer_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var response = await viewer.Client.PostAsJsonAsync("/api/agents", new { name = "nope" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        var list = await (await viewer.Client.GetAsync("/api/agents")).AssertSuccessAsync();
        Assert.Equal(0, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task DeleteAgent_AsAdmin_Returns204AndThen404()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "doomed" })).AssertSuccessAsync(HttpStatusCode.Created);
        var id = created.GetProperty("data").GetProperty("id").GetString();

        var delete = await tenant.Owner.Client.DeleteAsync($"/api/agents/{id}");
        var get = await tenant.Owner.Client.GetAsync($"/api/agents/{id}");

        Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        await get.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }
}

public sealed class SqliteAgentsApiTests(SqliteHostFixture host) : AgentsApiTests<SqliteHostFixture>(host);

public sealed class PostgresAgentsApiTests(PostgresHostFixture host) : AgentsApiTests<PostgresHostFixture>(host);
