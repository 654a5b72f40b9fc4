using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Host.Tests.Api;

public abstract class SettingsApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task GetSettings_AsViewer_ReturnsSettingsWithUnsetSecretsNull()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var body = await (await viewer.Client.GetAsync("/api/settings")).AssertSuccessAsync();

        var settings = body.GetProperty("data");
        Assert.Equal(tenant.Name, settings.GetProperty("name").GetString());
        Assert.Equal("#6366f1", settings.GetProperty("primaryColor").GetString());
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("smtpPass").ValueKind);
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("dkimPrivateKey").ValueKind);
    }

    [Fact]
    public async Task GetSettings_SecretsSet_AreMaskedForEveryRoleAndNeverReturned()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        const string password = "smtp-Pa55word-never-shown";
        const string dkim = "-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----";

        var patch = await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { smtpPass = password, dkimPrivateKey = dkim });
        var patchText = await patch.Content.ReadAsStringAsync();
        var ownerGet = await tenant.Owner.Client.GetAsync("/api/settings");
        var viewerGet = await viewer.Client.GetAsync("/api/settings");

        Assert.Equal(HttpStatusCode.OK, patch.StatusCode);
        Assert.DoesNotContain(password, patchText, StringComparison.Ordinal);
        foreach (var response in new[] { ownerGet, viewerGet })
        {
            var text = await response.Content.ReadAsStringAsync();
            Assert.DoesNotContain(password, text, StringComparison.Ordinal);
            Assert.DoesNotContain("BEGIN PRIVATE KEY", text, StringComparison.Ordinal);
            var settings = (await response.AssertSuccessAsync()).GetProperty("data");
            Assert.Equal("***", settings.GetProperty("smtpPass").GetString());
            Assert.Equal("***", settings.GetProperty("dkimPrivateKey").GetString());
        }
    }

    [Fact]
    public async Task UpdateSettings_AsMember_Returns403AndChangesNothing()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await member.Client.PatchAsJsonAsync("/api/settings", new { name = "Hijacked" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("required").GetString());
        var settings = await (await member.Client.GetAsync("/api/settings")).AssertSuccessAsync();
        Assert.Equal(tenant.Name, settings.GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task UpdateSettings_AsAdmin_ChangesGivenFieldsOnly()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);

        var response = await admin.Client.PatchAsJsonAsync("/api/settings", new
        {
            smtpHost = "mail.example.com",
            smtpPort = 587,
            primaryColor = "#AABBCC",
            logoUrl = "https://cdn.example.com/logo.png",
        });

        var settings = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("mail.example.com", settings.GetProperty("smtpHost").GetString());
        Assert.Equal(587, settings.GetProperty("smtpPort").GetInt32());
        Assert.Equal("#aabbcc", settings.GetProperty("primaryColor").GetString());
        Assert.Equal("https://cdn.example.com/logo.png", settings.GetProperty("logoUrl").GetString());
        Assert.Equal(tenant.Name, settings.GetProperty("name").GetString());
    }

    [Fact]
    public async Task UpdateSettings_MaskSentBackForSecrets_KeepsStoredSecrets()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { smtpPass = "original-pass", dkimPrivateKey = "original-dkim" })).AssertSuccessAsync();

        // A client that read the settings sends back what it got, masks included, with one real change.
        var response = await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { smtpPass = "***", dkimPrivateKey = "***", smtpUser = "mailer" });

        var settings = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("***", settings.GetProperty("smtpPass").GetString());
        Assert.Equal("mailer", settings.GetProperty("smtpUser").GetString());
        var stored = await host.InTenantAsync(tenant.OrgId, db => db.CompanySettings.AsNoTracking().SingleAsync());
        Assert.Equal("original-pass", stored.SmtpPass);
        Assert.Equal("original-dkim", stored.DkimPrivateKey);
        Assert.Equal("mailer", stored.SmtpUser);
    }

    [Fact]
    public async Task UpdateSettings_NewSecret_ReplacesStoredSecret()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { smtpPass = "first-pass" })).AssertSuccessAsync();

        await (await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { smtpPass = "second-pass" })).AssertSuccessAsync();

        var stored = await host.InTenantAsync(tenant.OrgId, db => db.CompanySettings.AsNoTracking().SingleAsync());
        Assert.Equal("second-pass", stored.SmtpPass);
    }

    [Fact]
    public async Task UpdateSettings_EmptyString_ClearsOptionalFieldsAndSecrets()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new
        {
            smtpHost = "mail.example.com",
            domain = "agents.example.com",
            smtpPass = "to-be-cleared",
        })).AssertSuccessAsync();

        var response = await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { smtpHost = "", smtpPass = "" });

        var settings = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("smtpHost").ValueKind);
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("smtpPass").ValueKind);
        Assert.Equal("agents.example.com", settings.GetProperty("domain").GetString());
        var stored = await host.InTenantAsync(tenant.OrgId, db => db.CompanySettings.AsNoTracking().SingleAsync());
        Assert.Null(stored.SmtpHost);
        Assert.Null(stored.SmtpPass);
        Assert.Equal("agents.example.com", stored.Domain);
    }

    [Theory]
    [InlineData("{\"primaryColor\":\"red\"}", "primaryColor")]
    [InlineData("{\"primaryColor\":\"#12345\"}", "primaryColor")]
    [InlineData("{\"primaryColor\":\"#12345g\"}", "primaryColor")]
    [InlineData("{\"smtpPort\":0}", "smtpPort")]
    [InlineData("{\"smtpPort\":70000}", "smtpPort")]
    [InlineData("{\"logoUrl\":\"javascript:alert(1)\"}", "logoUrl")]
    [InlineData("{\"logoUrl\":\"/relative/logo.png\"}", "logoUrl")]
    [InlineData("{\"subdomain\":\"Bad_Sub\"}", "subdomain")]
    [InlineData("{\"subdomain\":\"-leading\"}", "subdomain")]
    [InlineData("{\"domain\":\"not a domain\"}", "domain")]
    [InlineData("{\"plan\":\"enterprise\"}", "plan")]
    public async Task UpdateSettings_InvalidField_Returns400NamingTheField(string json, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PatchAsync("/api/settings", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task UpdateSettings_SeveralInvalidFields_NamesEachAndChangesNothing()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new
        {
            name = "Renamed",
            primaryColor = "blue",
            smtpPort = 70000,
            logoUrl = "javascript:alert(1)",
            subdomain = "Bad_Sub",
        });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        var details = problem.GetProperty("details");
        foreach (var field in new[] { "primaryColor", "smtpPort", "logoUrl", "subdomain" })
        {
            Assert.True(details.TryGetProperty(field, out _), $"details should name '{field}': {problem}");
        }

        var settings = await (await tenant.Owner.Client.GetAsync("/api/settings")).AssertSuccessAsync();
        Assert.Equal(tenant.Name, settings.GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task UpdateSettings_SubdomainOfAnotherOrganisation_Returns409()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var taken = (await (await other.Owner.Client.GetAsync("/api/settings")).AssertSuccessAsync()).GetProperty("data").GetProperty("subdomain").GetString();

        var response = await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { subdomain = taken });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("subdomain", problem.GetProperty("details").GetProperty("field").GetString());
        var mine = (await (await tenant.Owner.Client.GetAsync("/api/settings")).AssertSuccessAsync()).GetProperty("data").GetProperty("subdomain").GetString();
        Assert.NotEqual(taken, mine);
    }

    [Fact]
    public async Task UpdateSettings_FreeSubdomain_IsTakenAndBlocksOthers()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var subdomain = "team-" + Guid.NewGuid().ToString("N")[..8];

        var first = await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { subdomain });
        var second = await other.Owner.Client.PatchAsJsonAsync("/api/settings", new { subdomain });

        Assert.Equal(subdomain, (await first.AssertSuccessAsync()).GetProperty("data").GetProperty("subdomain").GetString());
        await second.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task UpdateSettings_OwnSubdomainAgain_IsNotAConflict()
    {
        var tenant = await host.CreateTenantAsync();
        var current = (await (await tenant.Owner.Client.GetAsync("/api/settings")).AssertSuccessAsync()).GetProperty("data").GetProperty("subdomain").GetString();

        var response = await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { subdomain = current });

        await response.AssertSuccessAsync();
    }

    [Fact]
    public async Task UpdateSettings_ChangesOnlyCallersOrganisation()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();

        await (await tenant.Owner.Client.PatchAsJsonAsync("/api/settings", new { name = "Changed Name", smtpPass = "mine" })).AssertSuccessAsync();

        var settings = (await (await other.Owner.Client.GetAsync("/api/settings")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(other.Name, settings.GetProperty("name").GetString());
        Assert.Equal(JsonValueKind.Null, settings.GetProperty("smtpPass").ValueKind);
    }

    [Fact]
    public async Task GetSettings_Anonymous_Returns401()
    {
        host.SkipIfUnavailable();

        var response = await host.CreateClient().GetAsync("/api/settings");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "AUTHENTICATION_REQUIRED");
    }
}

public sealed class SqliteSettingsApiTests(SqliteHostFixture host) : SettingsApiTests<SqliteHostFixture>(host);

public sealed class PostgresSettingsApiTests(PostgresHostFixture host) : SettingsApiTests<PostgresHostFixture>(host);
