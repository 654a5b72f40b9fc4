using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

public abstract class PermissionsApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private static readonly string[] MailPattern = ["agenticmail_*"];
    private static readonly string[] PrivateNetwork = ["10.0.0.0/8"];

    [Fact]
    public async Task PutProfile_PresetByName_StoresItWithVersion1()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant.Owner.Client);

        var response = await tenant.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "Developer Assistant" });

        var profile = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(1, profile.GetProperty("version").GetInt32());
        Assert.Equal("developer-assistant", profile.GetProperty("presetId").GetString());
        Assert.Equal("high", profile.GetProperty("maxRiskLevel").GetString());
        var stored = (await (await tenant.Owner.Client.GetAsync($"/api/engine/profiles/{agentId}")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("Developer Assistant", stored.GetProperty("name").GetString());
    }

    [Fact]
    public async Task PutProfile_Change_IncrementsVersionAndChangesTheDecision()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant.Owner.Client);
        await (await tenant.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "full-access" })).AssertSuccessAsync();
        var before = await CheckAsync(tenant.Owner.Client, agentId, "agenticmail_send");

        var response = await tenant.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "full-access", tools = new { blocked = MailPattern } });
        var after = await CheckAsync(tenant.Owner.Client, agentId, "agenticmail_send");

        Assert.Equal(2, (await response.AssertSuccessAsync()).GetProperty("data").GetProperty("version").GetInt32());
        Assert.True(before.GetProperty("allowed").GetBoolean());
        Assert.False(after.GetProperty("allowed").GetBoolean());
        Assert.Equal("Tool \"agenticmail_send\" is explicitly blocked", after.GetProperty("reason").GetString());
        Assert.Equal(2, after.GetProperty("profileVersion").GetInt32());
    }

    [Fact]
    public async Task ApplyPreset_ById_ReplacesTheProfile()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant.Owner.Client);

        var response = await tenant.Owner.Client.PostAsJsonAsync($"/api/engine/profiles/{agentId}/apply-preset", new { presetName = "customer-support" });

        var profile = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("Customer Support Agent", profile.GetProperty("name").GetString());
        Assert.True(profile.GetProperty("requireApproval").GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData("{\"preset\":\"Nobody\"}", "preset")]
    [InlineData("{\"skills\":{\"mode\":\"allowlist\",\"list\":[\"research\"]}}", "skills.list[0]")]
    [InlineData("{\"tools\":{\"allowed\":[\"no_such_tool\"]}}", "tools.allowed[0]")]
    [InlineData("{\"constraints\":{\"allowedWorkingHours\":{\"start\":\"09:00\",\"end\":\"17:00\",\"timezone\":\"Mars/Olympus\"}}}", "constraints.allowedWorkingHours.timezone")]
    [InlineData("{\"constraints\":{\"allowedWorkingHours\":{\"start\":\"25:00\",\"end\":\"17:00\",\"timezone\":\"UTC\"}}}", "constraints.allowedWorkingHours.start")]
    [InlineData("{\"constraints\":{\"allowedIPs\":[\"10.0.0.0/40\"]}}", "constraints.allowedIPs[0]")]
    [InlineData("{\"maxRiskLevel\":\"extreme\"}", "maxRiskLevel")]
    [InlineData("{\"rateLimits\":{\"toolCallsPerMinute\":0}}", "rateLimits.toolCallsPerMinute")]
    public async Task PutProfile_InvalidField_Returns400NamingIt(string body, string field)
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant.Owner.Client);

        var response = await tenant.Owner.Client.PutAsync($"/api/engine/profiles/{agentId}", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task Profiles_AgentOfAnotherOrganisation_Return404()
    {
        var owner = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(owner.Owner.Client);
        await (await owner.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "full-access" })).AssertSuccessAsync();

        var get = await other.Owner.Client.GetAsync($"/api/engine/profiles/{agentId}");
        var put = await other.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "sandbox" });
        var check = await other.Owner.Client.PostAsJsonAsync("/api/engine/permissions/check", new { agentId, toolId = "read" });
        var policy = await other.Owner.Client.GetAsync($"/api/engine/permissions/{agentId}/policy");

        await get.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await put.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await check.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await policy.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task PutProfile_AsMember_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant.Owner.Client);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await member.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "full-access" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task Check_SupportSendsEmail_RequiresApprovalAsMember()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant.Owner.Client);
        await (await tenant.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "Customer Support Agent" })).AssertSuccessAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var decision = await CheckAsync(member.Client, agentId, "agenticmail_send");

        Assert.True(decision.GetProperty("allowed").GetBoolean());
        Assert.True(decision.GetProperty("requiresApproval").GetBoolean());
        Assert.Equal("Requires human approval (risk level)", decision.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Check_NoProfile_IsDeniedWithTheReferenceReason()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant.Owner.Client);

        var decision = await CheckAsync(tenant.Owner.Client, agentId, "read");

        Assert.False(decision.GetProperty("allowed").GetBoolean());
        Assert.Equal("No permission profile assigned", decision.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Check_ContextIpAndTime_AreApplied()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant.Owner.Client);
        await (await tenant.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new
        {
            preset = "full-access",
            constraints = new { allowedIPs = PrivateNetwork, allowedWorkingHours = new { start = "09:00", end = "17:30", timezone = "Europe/Berlin" } },
        })).AssertSuccessAsync();

        var inside = await CheckAsync(tenant.Owner.Client, agentId, "read", new { ip = "10.2.3.4", time = "2026-01-15T16:29:00Z" });
        var late = await CheckAsync(tenant.Owner.Client, agentId, "read", new { ip = "10.2.3.4", time = "2026-01-15T16:31:00Z" });
        var foreign = await CheckAsync(tenant.Owner.Client, agentId, "read", new { ip = "8.8.8.8", time = "2026-01-15T10:00:00Z" });

        Assert.True(inside.GetProperty("allowed").GetBoolean());
        Assert.Equal("Outside working hours (09:00-17:30 Europe/Berlin)", late.GetProperty("reason").GetString());
        Assert.Equal("IP 8.8.8.8 not in allowlist", foreign.GetProperty("reason").GetString());
    }

    [Theory]
    [InlineData("{\"toolId\":\"read\"}", "agentId")]
    [InlineData("{\"agentId\":\"not-a-guid\",\"toolId\":\"read\"}", "agentId")]
    [InlineData("{\"agentId\":\"0195f7a0-0000-7000-8000-000000000000\"}", "toolId")]
    [InlineData("{\"agentId\":\"0195f7a0-0000-7000-8000-000000000000\",\"toolId\":\"read\",\"context\":{\"ip\":\"nope\"}}", "context.ip")]
    public async Task Check_BadBody_Returns400NamingTheField(string body, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync("/api/engine/permissions/check", new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task PolicyAndTools_SupportPreset_ComeFromTheCatalog()
    {
        var tenant = await host.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant.Owner.Client);
        await (await tenant.Owner.Client.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "customer-support" })).AssertSuccessAsync();

        var policy = (await (await tenant.Owner.Client.GetAsync($"/api/engine/permissions/{agentId}/policy")).AssertSuccessAsync()).GetProperty("data");
        var tools = await (await tenant.Owner.Client.GetAsync($"/api/engine/permissions/{agentId}/tools")).AssertSuccessAsync();

        var allowed = policy.GetProperty("allowedTools").EnumerateArray().Select(e => e.GetString()).ToList();
        Assert.Contains("agenticmail_send", allowed);
        Assert.Contains("exec", policy.GetProperty("blockedTools").EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("agenticmail_send", policy.GetProperty("approvalRequired").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(allowed.Count, tools.GetProperty("data").GetArrayLength());
    }

    private static async Task<Guid> CreateAgentAsync(HttpClient client)
    {
        var body = await (await client.PostAsJsonAsync("/api/agents", new { name = $"agent-{Guid.NewGuid():N}"[..20] })).AssertSuccessAsync(HttpStatusCode.Created);
        return body.GetProperty("data").GetProperty("id").GetGuid();
    }

    private static async Task<JsonElement> CheckAsync(HttpClient client, Guid agentId, string toolId, object? context = null) =>
        (await (await client.PostAsJsonAsync("/api/engine/permissions/check", new { agentId, toolId, context })).AssertSuccessAsync()).GetProperty("data");
}

public sealed class SqlitePermissionsApiTests(SqliteHostFixture host) : PermissionsApiTests<SqliteHostFixture>(host);

public sealed class PostgresPermissionsApiTests(PostgresHostFixture host) : PermissionsApiTests<PostgresHostFixture>(host);
