using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

public abstract class OrganizationsApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string Orgs = "/api/engine/orgs";

    [Fact]
    public async Task CreateOrganization_PlatformAdminWithTeamPlan_Returns201WithPlanLimitsAndSettings()
    {
        var admin = await PlatformAdminAsync();
        var slug = NewSlug();

        var response = await admin.Client.PostAsJsonAsync(Orgs, new { name = "Team Co", slug, plan = "team", adminEmail = "Billing@Team.example" });

        var org = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        Assert.Equal(slug, org.GetProperty("slug").GetString());
        Assert.Equal("team", org.GetProperty("plan").GetString());
        Assert.Equal("billing@team.example", org.GetProperty("adminEmail").GetString());
        Assert.Equal(25, org.GetProperty("limits").GetProperty("maxAgents").GetInt64());
        Assert.Equal(50, org.GetProperty("limits").GetProperty("maxUsers").GetInt64());
        Assert.Equal(100, org.GetProperty("limits").GetProperty("maxDocumentsPerKB").GetInt64());
        Assert.Equal(120, org.GetProperty("limits").GetProperty("apiCallsPerMinute").GetInt32());
        Assert.Equal(7, org.GetProperty("features").GetArrayLength());
        Assert.Equal(90, org.GetProperty("settings").GetProperty("auditRetentionDays").GetInt32());
        Assert.True(org.GetProperty("settings").GetProperty("requireApprovalForDeploy").GetBoolean());
        Assert.Equal($"{Orgs}/{org.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task CreateOrganization_NoPlanNoSlug_IsFreeWithSlugFromName()
    {
        var admin = await PlatformAdminAsync();
        var name = "Acme " + Guid.NewGuid().ToString("N")[..8];

        var response = await admin.Client.PostAsJsonAsync(Orgs, new { name });

        var org = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        Assert.Equal("free", org.GetProperty("plan").GetString());
        Assert.Equal(OrganizationProvisioner.Slugify(name), org.GetProperty("slug").GetString());
        Assert.Equal(3, org.GetProperty("limits").GetProperty("maxAgents").GetInt64());
        Assert.Equal(["knowledge-base"], org.GetProperty("features").EnumerateArray().Select(f => f.GetString()!).ToArray());
    }

    [Theory]
    [InlineData("bogus")]
    [InlineData("Team")]
    [InlineData("")]
    public async Task CreateOrganization_UnknownPlan_Returns400NamingPlan(string plan)
    {
        var admin = await PlatformAdminAsync();

        var response = await admin.Client.PostAsJsonAsync(Orgs, new { name = "Bogus plan", slug = NewSlug(), plan });

        var problem = await response.AssertValidationErrorForAsync("plan");
        Assert.Contains("free, team, enterprise, self-hosted", problem.GetProperty("details").GetProperty("plan")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateOrganization_DuplicateSlug_Returns409()
    {
        var admin = await PlatformAdminAsync();
        var slug = NewSlug();
        await (await admin.Client.PostAsJsonAsync(Orgs, new { name = "First", slug })).AssertSuccessAsync(HttpStatusCode.Created);

        var response = await admin.Client.PostAsJsonAsync(Orgs, new { name = "Second", slug });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("slug", problem.GetProperty("details").GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("Upper-Case")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    [InlineData("double--dash")]
    [InlineData("under_score")]
    public async Task CreateOrganization_InvalidSlug_Returns400(string slug)
    {
        var admin = await PlatformAdminAsync();

        var response = await admin.Client.PostAsJsonAsync(Orgs, new { name = "Bad slug", slug });

        await response.AssertValidationErrorForAsync("slug");
    }

    [Fact]
    public async Task CreateOrganization_OwnerOfAnotherOrganisation_Returns403()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync(Orgs, new { name = "Sneaky", slug = NewSlug(), plan = "enterprise" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "PLATFORM_ADMIN_REQUIRED");
    }

    [Fact]
    public async Task CreateAgent_BeyondFreePlanLimit_Returns403PlanLimitWithDetails()
    {
        var tenant = await TenantOnPlanAsync("free");
        for (var i = 0; i < 3; i++)
        {
            await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = $"agent-{i}" })).AssertSuccessAsync(HttpStatusCode.Created);
        }

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "one-too-many" });

        var details = (await response.AssertProblemAsync(HttpStatusCode.Forbidden, "PLAN_LIMIT")).GetProperty("details");
        Assert.Equal("maxAgents", details.GetProperty("resource").GetString());
        Assert.Equal(3, details.GetProperty("limit").GetInt64());
        Assert.Equal(3, details.GetProperty("current").GetInt64());
        Assert.Equal("free", details.GetProperty("plan").GetString());
        var list = await (await tenant.Owner.Client.GetAsync("/api/agents")).AssertSuccessAsync();
        Assert.Equal(3, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task CreateUser_BeyondFreePlanLimit_Returns403PlanLimitWithDetails()
    {
        var tenant = await TenantOnPlanAsync("free");
        for (var i = 0; i < 4; i++)
        {
            await (await tenant.Owner.Client.PostAsJsonAsync("/api/users",
                new { email = $"u{i}-{Guid.NewGuid():N}@example.com", role = "member", password = TestTenant.Password })).AssertSuccessAsync(HttpStatusCode.Created);
        }

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/users",
            new { email = $"sixth-{Guid.NewGuid():N}@example.com", role = "member", password = TestTenant.Password });

        var details = (await response.AssertProblemAsync(HttpStatusCode.Forbidden, "PLAN_LIMIT")).GetProperty("details");
        Assert.Equal("maxUsers", details.GetProperty("resource").GetString());
        Assert.Equal(5, details.GetProperty("limit").GetInt64());
        Assert.Equal(5, details.GetProperty("current").GetInt64());
        Assert.Equal("free", details.GetProperty("plan").GetString());
    }

    [Fact]
    public async Task CreateAgent_InvalidBodyAtLimit_Returns400NotPlanLimit()
    {
        var tenant = await TenantOnPlanAsync("free");
        for (var i = 0; i < 3; i++)
        {
            await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = $"agent-{i}" })).AssertSuccessAsync(HttpStatusCode.Created);
        }

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "bad name!" });

        await response.AssertValidationErrorForAsync("name");
    }

    [Fact]
    public async Task ChangePlan_FreeToTeam_LiftsTheAgentLimit()
    {
        var admin = await PlatformAdminAsync();
        var tenant = await TenantOnPlanAsync("free", admin);
        for (var i = 0; i < 3; i++)
        {
            await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = $"agent-{i}" })).AssertSuccessAsync(HttpStatusCode.Created);
        }

        var change = await admin.Client.PostAsJsonAsync($"{Orgs}/{tenant.OrgId}/change-plan", new { plan = "team" });

        var org = (await change.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("team", org.GetProperty("plan").GetString());
        Assert.Equal(90, org.GetProperty("settings").GetProperty("auditRetentionDays").GetInt32());
        await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "fourth" })).AssertSuccessAsync(HttpStatusCode.Created);
        var settings = await (await tenant.Owner.Client.GetAsync("/api/settings")).AssertSuccessAsync();
        Assert.Equal("team", settings.GetProperty("data").GetProperty("plan").GetString());
    }

    [Fact]
    public async Task ChangePlan_UnknownPlan_Returns400AndKeepsThePlan()
    {
        var admin = await PlatformAdminAsync();
        var tenant = await TenantOnPlanAsync("free", admin);

        var response = await admin.Client.PostAsJsonAsync($"{Orgs}/{tenant.OrgId}/change-plan", new { plan = "bogus" });

        await response.AssertValidationErrorForAsync("plan");
        var org = await (await admin.Client.GetAsync($"{Orgs}/{tenant.OrgId}")).AssertSuccessAsync();
        Assert.Equal("free", org.GetProperty("data").GetProperty("plan").GetString());
    }

    [Fact]
    public async Task ChangePlan_OwnerOfTheOrganisation_Returns403()
    {
        var tenant = await TenantOnPlanAsync("free");

        var response = await tenant.Owner.Client.PostAsJsonAsync($"{Orgs}/{tenant.OrgId}/change-plan", new { plan = "enterprise" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "PLATFORM_ADMIN_REQUIRED");
    }

    [Fact]
    public async Task GetUsage_AgentsAndUsers_CountsAgainstThePlan()
    {
        var tenant = await TenantOnPlanAsync("free");
        await tenant.AddUserAsync(UserRole.Member);
        await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "a1" })).AssertSuccessAsync(HttpStatusCode.Created);
        await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "a2" })).AssertSuccessAsync(HttpStatusCode.Created);

        var response = await tenant.Owner.Client.GetAsync($"{Orgs}/{tenant.OrgId}/usage");

        var usage = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("free", usage.GetProperty("plan").GetString());
        Assert.Equal(2, usage.GetProperty("agents").GetProperty("current").GetInt64());
        Assert.Equal(3, usage.GetProperty("agents").GetProperty("limit").GetInt64());
        Assert.Equal(1, usage.GetProperty("agents").GetProperty("remaining").GetInt64());
        Assert.Equal(2, usage.GetProperty("users").GetProperty("current").GetInt64());
        Assert.Equal(3, usage.GetProperty("users").GetProperty("remaining").GetInt64());
        Assert.Equal(30, usage.GetProperty("apiCallsPerMinute").GetInt32());
    }

    [Fact]
    public async Task CheckLimit_WithAndWithoutCount_UsesTheCountOrTheUsage()
    {
        var tenant = await TenantOnPlanAsync("free");
        await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "a1" })).AssertSuccessAsync(HttpStatusCode.Created);
        var url = $"{Orgs}/{tenant.OrgId}/check-limit";

        var counted = (await (await tenant.Owner.Client.PostAsJsonAsync(url, new { resource = "maxAgents" })).AssertSuccessAsync()).GetProperty("data");
        var zero = (await (await tenant.Owner.Client.PostAsJsonAsync(url, new { resource = "maxAgents", currentCount = 0 })).AssertSuccessAsync()).GetProperty("data");
        var full = (await (await tenant.Owner.Client.PostAsJsonAsync(url, new { resource = "maxKnowledgeBases", currentCount = 1 })).AssertSuccessAsync()).GetProperty("data");

        Assert.Equal(1, counted.GetProperty("current").GetInt64());
        Assert.True(counted.GetProperty("allowed").GetBoolean());
        Assert.Equal(0, zero.GetProperty("current").GetInt64());
        Assert.Equal(3, zero.GetProperty("remaining").GetInt64());
        Assert.False(full.GetProperty("allowed").GetBoolean());
        Assert.Equal(1, full.GetProperty("limit").GetInt64());
        Assert.Equal(0, full.GetProperty("remaining").GetInt64());
    }

    [Theory]
    [InlineData("{\"resource\":\"maxBananas\"}", "resource")]
    [InlineData("{}", "resource")]
    [InlineData("{\"resource\":\"maxAgents\",\"currentCount\":-1}", "currentCount")]
    public async Task CheckLimit_BadInput_Returns400(string json, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync($"{Orgs}/{tenant.OrgId}/check-limit", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Theory]
    [InlineData("free", "knowledge-base", true)]
    [InlineData("free", "sso", false)]
    [InlineData("team", "sso", true)]
    [InlineData("team", "white-label", false)]
    [InlineData("self-hosted", "sla", false)]
    [InlineData("enterprise", "sla", true)]
    public async Task CheckFeature_PlanAndFeature_AnswersFromThePlan(string plan, string feature, bool allowed)
    {
        var tenant = await TenantOnPlanAsync(plan);

        var response = await tenant.Owner.Client.PostAsJsonAsync($"{Orgs}/{tenant.OrgId}/check-feature", new { feature });

        var data = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(allowed, data.GetProperty("allowed").GetBoolean());
        Assert.Equal(plan, data.GetProperty("plan").GetString());
    }

    [Fact]
    public async Task CheckFeature_UnknownFeature_Returns400()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync($"{Orgs}/{tenant.OrgId}/check-feature", new { feature = "time-travel" });

        await response.AssertValidationErrorForAsync("feature");
    }

    [Fact]
    public async Task UpdateOrganization_Owner_ChangesNameAndSettingsOnly()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PatchAsJsonAsync($"{Orgs}/{tenant.OrgId}",
            new { name = "Renamed", settings = new { defaultModel = "openai/gpt-4o", auditRetentionDays = 60, allowedDomains = OrganisationRoutes.MixedCaseDomains } });

        var org = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("Renamed", org.GetProperty("name").GetString());
        Assert.Equal("self-hosted", org.GetProperty("plan").GetString());
        var settings = org.GetProperty("settings");
        Assert.Equal("openai/gpt-4o", settings.GetProperty("defaultModel").GetString());
        Assert.Equal(60, settings.GetProperty("auditRetentionDays").GetInt32());
        Assert.Equal("Customer Support Agent", settings.GetProperty("defaultPermissionProfile").GetString());
        Assert.Equal("example.com", settings.GetProperty("allowedDomains")[0].GetString());
    }

    [Theory]
    [InlineData("{\"settings\":{\"auditRetentionDays\":0}}", "settings.auditRetentionDays")]
    [InlineData("{\"name\":\"\"}", "name")]
    [InlineData("{\"plan\":\"enterprise\"}", "plan")]
    [InlineData("{\"settings\":{\"bogus\":1}}", "settings.bogus")]
    public async Task UpdateOrganization_BadInput_Returns400(string json, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PatchAsync($"{Orgs}/{tenant.OrgId}", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task UpdateOrganization_Admin_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);

        var response = await admin.Client.PatchAsJsonAsync($"{Orgs}/{tenant.OrgId}", new { name = "Not mine to rename" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
    }

    [Fact]
    public async Task ListOrganizations_OrdinaryOwner_SeesOnlyTheirOwn()
    {
        var tenant = await host.CreateTenantAsync();
        await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync(Orgs);

        var body = await response.AssertSuccessAsync();
        Assert.Equal(1, body.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal(tenant.OrgId, body.GetProperty("data")[0].GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task ListOrganizations_PlatformAdmin_SeesEveryOrganisation()
    {
        var admin = await PlatformAdminAsync();
        var tenant = await host.CreateTenantAsync();

        var response = await admin.Client.GetAsync($"{Orgs}?limit=200");

        var body = await response.AssertSuccessAsync();
        Assert.True(body.GetProperty("meta").GetProperty("total").GetInt32() >= 2);
        var ids = body.GetProperty("data").EnumerateArray().Select(o => o.GetProperty("id").GetGuid()).ToList();
        Assert.Contains(Organization.DefaultId, ids);
    }

    [Fact]
    public async Task GetOrganizationBySlug_OwnSlug_ReturnsIt()
    {
        var tenant = await host.CreateTenantAsync();
        var own = (await (await tenant.Owner.Client.GetAsync($"{Orgs}/{tenant.OrgId}")).AssertSuccessAsync()).GetProperty("data");

        var response = await tenant.Owner.Client.GetAsync($"{Orgs}/slug/{own.GetProperty("slug").GetString()}");

        Assert.Equal(tenant.OrgId, (await response.AssertSuccessAsync()).GetProperty("data").GetProperty("id").GetGuid());
    }

    [Theory]
    [MemberData(nameof(OrganisationRoutes.OfAnotherOrganisation), MemberType = typeof(OrganisationRoutes))]
    public async Task OrganisationRoute_AnotherOrganisationAsOwner_Returns404AndChangesNothing(string method, string path, string? body)
    {
        var mine = await host.CreateTenantAsync();
        var theirs = await host.CreateTenantAsync();
        var before = await OrganisationAsSeenByItsOwnerAsync(theirs);

        var response = await mine.Owner.Client.SendAsync(Request(method, path, body, theirs.OrgId, before.GetProperty("slug").GetString()!));

        var problem = await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.DoesNotContain(theirs.Name, problem.GetRawText(), StringComparison.Ordinal);
        var after = await OrganisationAsSeenByItsOwnerAsync(theirs);
        Assert.Equal(before.GetRawText(), after.GetRawText());
    }

    [Theory]
    [MemberData(nameof(OrganisationRoutes.OfAnotherOrganisation), MemberType = typeof(OrganisationRoutes))]
    public async Task OrganisationRoute_AnotherOrganisationWithApiKey_Returns404(string method, string path, string? body)
    {
        var mine = await host.CreateTenantAsync();
        var theirs = await host.CreateTenantAsync();
        var slug = (await OrganisationAsSeenByItsOwnerAsync(theirs)).GetProperty("slug").GetString()!;
        var (_, plaintext) = await mine.Owner.CreateApiKeyAsync(["*"]);

        var response = await host.CreateApiKeyClient(plaintext).SendAsync(Request(method, path, body, theirs.OrgId, slug));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task ApiCalls_BeyondTheFreePlansPerMinuteLimit_Return429WithThePlansNumber()
    {
        var admin = await PlatformAdminAsync();
        var tenant = await TenantOnPlanAsync("free", admin);
        var neighbour = await host.CreateTenantAsync();

        HttpResponseMessage? limited = null;
        var succeeded = 0;
        // The bucket holds 30 and refills one every 2 s: a tight loop runs out well before 90 requests.
        for (var i = 0; i < 90 && limited is null; i++)
        {
            var response = await tenant.Owner.Client.GetAsync("/api/agents");
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                Assert.Equal("30", response.Headers.GetValues("X-RateLimit-Limit").Single());
                succeeded++;
            }
        }

        Assert.NotNull(limited);
        Assert.True(succeeded >= 30, $"{succeeded} requests passed before the 429");
        var details = (await limited.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED")).GetProperty("details");
        Assert.Equal(30, details.GetProperty("limit").GetInt32());
        Assert.Equal("free", details.GetProperty("plan").GetString());
        Assert.True(limited.Headers.Contains("Retry-After"));
        // Another organisation, calling from the same address, has its own allowance.
        await (await neighbour.Owner.Client.GetAsync("/api/agents")).AssertSuccessAsync();
    }

    [Fact]
    public async Task ListPlans_AnyMember_ReturnsTheFourPlans()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var response = await viewer.Client.GetAsync("/api/engine/plans");

        var plans = (await response.AssertSuccessAsync()).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["free", "team", "enterprise", "self-hosted"], plans.Select(p => p.GetProperty("name").GetString()!).ToArray());
        Assert.Equal(14, plans[2].GetProperty("features").GetArrayLength());
        Assert.Equal(8, plans[2].GetProperty("deploymentTargets").GetArrayLength());
    }

    private static HttpRequestMessage Request(string method, string path, string? body, Guid orgId, string slug)
    {
        var url = $"{Orgs}/{path.Replace("{id}", orgId.ToString(), StringComparison.Ordinal).Replace("{slug}", slug, StringComparison.Ordinal)}";
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        if (body is not null)
        {
            request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static async Task<JsonElement> OrganisationAsSeenByItsOwnerAsync(TestTenant tenant) =>
        (await (await tenant.Owner.Client.GetAsync($"{Orgs}/{tenant.OrgId}")).AssertSuccessAsync()).GetProperty("data");

    /// <summary>An owner of the default organisation: the platform administrator.</summary>
    private async Task<TestUser> PlatformAdminAsync()
    {
        host.SkipIfUnavailable();
        return await new TestTenant(host, Organization.DefaultId, "default").AddUserAsync(UserRole.Owner);
    }

    /// <summary>An organisation created through the API on the plan, with an owner signed in (added directly, outside the limits).</summary>
    private async Task<TestTenant> TenantOnPlanAsync(string plan, TestUser? admin = null)
    {
        admin ??= await PlatformAdminAsync();
        var name = "Plan " + plan + " " + Guid.NewGuid().ToString("N")[..8];
        var created = await admin.Client.PostAsJsonAsync(Orgs, new { name, slug = NewSlug(), plan });
        var orgId = (await created.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("id").GetGuid();
        var tenant = new TestTenant(host, orgId, name);
        tenant.Owner = await tenant.AddUserAsync(UserRole.Owner);
        return tenant;
    }

    private static string NewSlug() => "org-" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>Every <c>/api/engine/orgs/{id}</c> route, with a body that would change something if it reached the organisation.</summary>
public static class OrganisationRoutes
{
    internal static readonly string[] MixedCaseDomains = ["Example.COM"];

    public static TheoryData<string, string, string?> OfAnotherOrganisation => new()
    {
        { "GET", "{id}", null },
        { "GET", "slug/{slug}", null },
        { "PATCH", "{id}", "{\"name\":\"Taken over\",\"settings\":{\"dataRegion\":\"eu-west-1\"}}" },
        { "POST", "{id}/change-plan", "{\"plan\":\"free\"}" },
        { "GET", "{id}/usage", null },
        { "POST", "{id}/check-limit", "{\"resource\":\"maxAgents\"}" },
        { "POST", "{id}/check-feature", "{\"feature\":\"sso\"}" },
    };
}

public sealed class SqliteOrganizationsApiTests(SqliteHostFixture host) : OrganizationsApiTests<SqliteHostFixture>(host);

public sealed class PostgresOrganizationsApiTests(PostgresHostFixture host) : OrganizationsApiTests<PostgresHostFixture>(host);
