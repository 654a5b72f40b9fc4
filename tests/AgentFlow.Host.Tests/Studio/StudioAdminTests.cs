using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>The administration pages: audit log, API keys, users, organisation, settings, plugins; and what each role sees.</summary>
public sealed class StudioAdminTests(StudioFixture fixture) : IClassFixture<StudioFixture>
{
    private static readonly string[] AdminOnlyPages = ["/studio/audit", "/studio/api-keys", "/studio/users", "/studio/plugins"];

    [Fact]
    public async Task Audit_ApiActions_AppearFilterPageAndExportAsCsv()
    {
        var tenant = await fixture.CreateTenantAsync();
        var owner = tenant.Owner.Client;
        var created = await (await owner.PostAsJsonAsync("/api/users", new { email = $"audit-{Guid.NewGuid():N}@example.com", name = "Audited", role = "member", password = "long-enough-pw" }))
            .AssertSuccessAsync(HttpStatusCode.Created);
        var userId = created.GetProperty("data").GetProperty("id").GetString();
        const int SettingsChanges = 30;
        for (var i = 0; i < SettingsChanges; i++)
        {
            await (await owner.PatchAsJsonAsync("/api/settings", new { name = $"Audited Co {i}" })).AssertSuccessAsync();
        }

        await using var session = await SignInAsync(tenant.Owner, "/studio/audit");
        var page = session.Page;
        var total = await AuditTotalAsync(owner, "");
        Assert.True(total > 25 + 1, $"Expected more than one page of entries, got {total}.");
        var rows = page.Locator("[data-testid=audit-row]");

        // Newest first, 25 a page.
        await Expect(page.Locator("[data-testid=audit-range]")).ToHaveTextAsync($"1–25 of {total}");
        await Expect(rows).ToHaveCountAsync(25);
        // The newest entry is this sign-in; the settings changes come right after it.
        await Expect(rows.First).ToHaveAttributeAsync("data-action", "auth.studio_login");
        await Expect(rows.Nth(1)).ToHaveAttributeAsync("data-action", "settings.update");
        await session.ScreenshotAsync("admin-audit");

        await page.ClickAsync("[data-testid=audit-next]");
        await Expect(page.Locator("[data-testid=audit-range]")).ToHaveTextAsync($"26–{Math.Min(50, total)} of {total}");
        await Expect(rows).ToHaveCountAsync(Math.Min(25, total - 25));
        await Expect(page.Locator("[data-testid=audit-row][data-action='user.create']")).ToHaveCountAsync(1);
        await page.ClickAsync("[data-testid=audit-prev]");
        await Expect(page.Locator("[data-testid=audit-range]")).ToHaveTextAsync($"1–25 of {total}");

        // The resource search finds the one user.create entry; its details open as JSON.
        await Input(page, "audit-search").FillAsync($"user:{userId}");
        await page.ClickAsync("[data-testid=audit-apply]");
        await Expect(page.Locator("[data-testid=audit-range]")).ToHaveTextAsync("1–1 of 1");
        await Expect(page.Locator("[data-testid=audit-resource]")).ToHaveTextAsync($"user:{userId}");
        await page.ClickAsync("[data-testid=audit-details-toggle]");
        await Expect(page.Locator("[data-testid=audit-details]")).ToContainTextAsync("\"role\": \"member\"");

        // The action filter.
        await Input(page, "audit-search").FillAsync("");
        await Input(page, "audit-action").FillAsync("settings.update");
        await page.ClickAsync("[data-testid=audit-apply]");
        await Expect(page.Locator("[data-testid=audit-range]")).ToHaveTextAsync($"1–25 of {SettingsChanges}");
        Assert.All(await rows.EvaluateAllAsync<string[]>("rs => rs.map(r => r.dataset.action)"), a => Assert.Equal("settings.update", a));

        // The export holds every page of the filter, not only the one shown.
        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=audit-export]"));
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        var csv = Csv.Parse(await File.ReadAllTextAsync(await download.PathAsync()));
        Assert.Equal(["id", "timestamp", "actor", "actorName", "actorType", "action", "resource", "ip", "requestId", "details"], csv[0]);
        var expected = await AuditIdsAsync(owner, "action=settings.update&");
        Assert.Equal(expected, csv.Skip(1).Select(r => r[0]).ToList());
        Assert.All(csv.Skip(1), r =>
        {
            Assert.Equal("settings.update", r[5]);
            Assert.Equal(tenant.Owner.Id.ToString(), r[2]);
            Assert.Equal(tenant.Owner.Email, r[3]);
        });

        // A filter with quotes in the details exports them quoted.
        await Input(page, "audit-action").FillAsync("user.create");
        await page.ClickAsync("[data-testid=audit-apply]");
        await Expect(page.Locator("[data-testid=audit-range]")).ToHaveTextAsync("1–1 of 1");
        download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("[data-testid=audit-export]"));
        csv = Csv.Parse(await File.ReadAllTextAsync(await download.PathAsync()));
        Assert.Equal(2, csv.Count);
        Assert.Equal("{\"role\":\"member\"}", csv[1][9]);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task ApiKeys_CreatedKeyIsShownOnceWorksAndStopsWorkingWhenRevoked()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await SignInAsync(tenant.Owner, "/studio/api-keys");
        var page = session.Page;
        await Expect(page.Locator("[data-testid=empty-state]")).ToBeVisibleAsync();

        await page.ClickAsync("[data-testid=apikey-new]");
        await Input(page, "apikey-name").FillAsync("CI pipeline");
        await page.ClickAsync("[data-testid=apikey-create]");

        await Expect(page.Locator("[data-testid=apikey-created]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=apikey-warning]")).ToContainTextAsync("you will not see this key again");
        var plaintext = await Input(page, "apikey-plaintext").InputValueAsync();
        Assert.False(string.IsNullOrWhiteSpace(plaintext));
        await Expect(page.Locator("[data-testid=apikey-row][data-key-name='CI pipeline'] [data-testid=apikey-status]")).ToHaveTextAsync("active");
        await session.ScreenshotAsync("admin-apikey-created");

        using var keyClient = BareClient(plaintext);
        var me = await (await keyClient.GetAsync("/auth/me")).AssertSuccessAsync();
        Assert.Equal(tenant.Owner.Email, me.GetProperty("email").GetString());
        await (await keyClient.GetAsync("/api/agents")).AssertSuccessAsync();
        var keys = await (await tenant.Owner.Client.GetAsync("/api/api-keys")).AssertSuccessAsync();
        var key = Assert.Single(keys.GetProperty("data").EnumerateArray());
        Assert.Equal(["read"], key.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));

        // Once dismissed, the plaintext is nowhere on the page.
        await page.ClickAsync("[data-testid=apikey-done]");
        await Expect(page.Locator("[data-testid=apikey-created]")).ToHaveCountAsync(0);
        Assert.DoesNotContain(plaintext, await page.ContentAsync(), StringComparison.Ordinal);
        await session.ScreenshotAsync("admin-apikeys");

        await page.ClickAsync("[data-testid=apikey-row][data-key-name='CI pipeline'] [data-testid=apikey-revoke]");
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Expect(page.Locator("[data-testid=apikey-row][data-key-name='CI pipeline'] [data-testid=apikey-status]")).ToHaveTextAsync("revoked");
        await Expect(page.Locator("[data-testid=apikey-revoke]")).ToHaveCountAsync(0);
        Assert.Equal(HttpStatusCode.Unauthorized, (await keyClient.GetAsync("/api/agents")).StatusCode);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Users_MemberCreatedInTheStudio_GetsItsRoleChangedAndIsDeleted()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await SignInAsync(tenant.Owner, "/studio/users");
        var page = session.Page;
        var email = $"new-{Guid.NewGuid():N}@example.com";

        await page.ClickAsync("[data-testid=user-new]");
        await Input(page, "user-email").FillAsync(email);
        await Input(page, "user-name").FillAsync("New Member");
        await Input(page, "user-password").FillAsync("a-long-password");
        await page.ClickAsync("[data-testid=user-role-member]");
        await page.ClickAsync("[data-testid=user-create]");

        var row = page.Locator($"[data-testid=user-row][data-email='{email}']");
        await Expect(row.Locator("[data-testid=user-role-cell]")).ToHaveTextAsync("member");
        Assert.Equal("member", (await FindUserAsync(tenant, email)).GetProperty("role").GetString());
        await session.ScreenshotAsync("admin-users");

        await row.Locator("[data-testid=user-edit]").ClickAsync();
        await Input(page, "user-edit-name").FillAsync("Promoted Member");
        await page.ClickAsync("[data-testid=user-edit-role-admin]");
        await page.ClickAsync("[data-testid=user-save]");

        await Expect(row.Locator("[data-testid=user-role-cell]")).ToHaveTextAsync("admin");
        await Expect(row.Locator("[data-testid=user-name-cell]")).ToHaveTextAsync("Promoted Member");
        var user = await FindUserAsync(tenant, email);
        Assert.Equal("admin", user.GetProperty("role").GetString());
        Assert.Equal("Promoted Member", user.GetProperty("name").GetString());

        // The new user can sign in with the password given in the form.
        using var bare = BareClient();
        await (await bare.PostAsJsonAsync("/auth/login", new { email, password = "a-long-password" })).AssertSuccessAsync();

        // Deleting asks first; cancelling keeps the user.
        await row.Locator("[data-testid=user-delete]").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(1);
        await row.Locator("[data-testid=user-delete]").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        var users = await (await tenant.Owner.Client.GetAsync("/api/users?limit=200")).AssertSuccessAsync();
        Assert.DoesNotContain(users.GetProperty("data").EnumerateArray(), u => u.GetProperty("email").GetString() == email);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Users_AShortPassword_ShowsTheApisFieldMessageAndCreatesNoUser()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await SignInAsync(tenant.Owner, "/studio/users");
        var page = session.Page;
        var email = $"short-{Guid.NewGuid():N}@example.com";

        await page.ClickAsync("[data-testid=user-new]");
        await Input(page, "user-email").FillAsync(email);
        await Input(page, "user-name").FillAsync("Short");
        await Input(page, "user-password").FillAsync("short");
        await page.ClickAsync("[data-testid=user-create]");

        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("VALIDATION_ERROR");
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("password");
        await Expect(page.Locator("[data-testid=user-form]")).ToBeVisibleAsync();
        await Expect(page.Locator($"[data-testid=user-row][data-email='{email}']")).ToHaveCountAsync(0);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Users_AnAdmin_IsOfferedNoRoleAboveItsOwnAndCannotDelete()
    {
        var tenant = await fixture.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        await using var session = await SignInAsync(admin, "/studio/users");
        var page = session.Page;

        await Expect(page.Locator("[data-testid=user-row]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=user-delete]")).ToHaveCountAsync(0);
        // The owner's row cannot be changed by an admin (the API refuses), so it has no edit button.
        await Expect(page.Locator($"[data-testid=user-row][data-email='{tenant.Owner.Email}'] [data-testid=user-edit]")).ToHaveCountAsync(0);
        await page.ClickAsync("[data-testid=user-new]");
        await Expect(page.Locator("[data-testid=user-role-admin]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=user-role-owner]")).ToHaveCountAsync(0);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Settings_SavedInTheStudio_RoundTripThroughTheApi()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await SignInAsync(tenant.Owner, "/studio/settings");
        var page = session.Page;
        var name = "Renamed " + Guid.NewGuid().ToString("N")[..6];

        await Input(page, "settings-name").FillAsync(name);
        await Input(page, "settings-smtp-host").FillAsync("smtp.example.com");
        await Input(page, "settings-smtp-port").FillAsync("2525");
        await Input(page, "settings-smtp-pass-input").FillAsync("s3cret pass");
        await Input(page, "settings-color").FillAsync("#112233");
        await page.ClickAsync("[data-testid=settings-save]");
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("Settings saved.");

        var settings = (await (await tenant.Owner.Client.GetAsync("/api/settings")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(name, settings.GetProperty("name").GetString());
        Assert.Equal("smtp.example.com", settings.GetProperty("smtpHost").GetString());
        Assert.Equal(2525, settings.GetProperty("smtpPort").GetInt32());
        Assert.Equal("***", settings.GetProperty("smtpPass").GetString());
        Assert.Equal("#112233", settings.GetProperty("primaryColor").GetString());

        await Input(page, "retention-days").FillAsync("90");
        await page.ClickAsync("[data-testid=retention-save]");
        await Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("Retention policy saved.");
        var retention = (await (await tenant.Owner.Client.GetAsync("/api/retention")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(90, retention.GetProperty("retainDays").GetInt32());

        // After a reload the form shows what is stored; the secret is never sent back, only that it is set.
        await page.ReloadAsync();
        await WaitForPageAsync(page);
        await Expect(Input(page, "settings-name")).ToHaveValueAsync(name);
        await Expect(Input(page, "settings-smtp-pass-input")).ToHaveValueAsync("");
        await Expect(page.Locator("[data-testid=settings-smtp-pass]")).ToContainTextAsync("Stored.");
        Assert.DoesNotContain("s3cret pass", await page.ContentAsync(), StringComparison.Ordinal);
        await Expect(Input(page, "retention-days")).ToHaveValueAsync("90");
        await session.ScreenshotAsync("admin-settings");

        // Saving again without typing a password keeps the stored one.
        await Input(page, "settings-smtp-host").FillAsync("mail.example.com");
        await page.ClickAsync("[data-testid=settings-save]");
        await Expect(page.Locator(".mud-snackbar").Last).ToContainTextAsync("Settings saved.");
        settings = (await (await tenant.Owner.Client.GetAsync("/api/settings")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("mail.example.com", settings.GetProperty("smtpHost").GetString());
        Assert.Equal("***", settings.GetProperty("smtpPass").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Settings_AnInvalidValue_ShowsTheApisFieldMessage()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await SignInAsync(tenant.Owner, "/studio/settings");
        var page = session.Page;

        await Input(page, "settings-color").FillAsync("blue");
        await page.ClickAsync("[data-testid=settings-save]");

        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("primaryColor");
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("VALIDATION_ERROR");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Organization_ShowsPlanUsageAndPlansReadOnlyForATenantOwner()
    {
        var tenant = await fixture.CreateTenantAsync();
        var usage = (await (await tenant.Owner.Client.GetAsync($"/api/engine/orgs/{tenant.OrgId}/usage")).AssertSuccessAsync()).GetProperty("data");
        var plans = (await (await tenant.Owner.Client.GetAsync("/api/engine/plans")).AssertSuccessAsync()).GetProperty("data").GetArrayLength();
        await using var session = await SignInAsync(tenant.Owner, "/studio/organization");
        var page = session.Page;

        await Expect(page.Locator("[data-testid=org-name]")).ToHaveTextAsync(tenant.Name);
        await Expect(page.Locator("[data-testid=org-plan]")).ToHaveTextAsync(usage.GetProperty("plan").GetString()!);
        var users = usage.GetProperty("users");
        await Expect(page.Locator("[data-testid=usage-users-text]"))
            .ToHaveTextAsync($"{users.GetProperty("current").GetInt64()} of {LimitText(users.GetProperty("limit").GetInt64())}");
        await Expect(page.Locator("[data-testid=usage-agents]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=usage-tokens]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=plan-row]")).ToHaveCountAsync(plans);
        // Changing plans is the platform administrator's: a tenant's owner sees them read-only.
        await Expect(page.Locator("[data-testid=plan-readonly]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=plan-change]")).ToHaveCountAsync(0);
        await session.ScreenshotAsync("admin-organization");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Plugins_ListsTheBundledPlugins()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await SignInAsync(tenant.Owner, "/studio/plugins");
        var page = session.Page;

        var builtin = page.Locator("[data-testid=plugin-card][data-plugin-id='agentflow.skills.builtin']");
        var local = page.Locator("[data-testid=plugin-card][data-plugin-id='agentflow.deployers.local']");
        await Expect(builtin.Locator("[data-testid=plugin-status]")).ToHaveTextAsync("active");
        await Expect(local.Locator("[data-testid=plugin-status]")).ToHaveTextAsync("active");
        await Expect(builtin).ToContainTextAsync("Built-in skills");
        await Expect(local).ToContainTextAsync("Deploy targets");
        // Plugins are shared by every organisation: a tenant's owner may look, not change.
        await Expect(page.Locator("[data-testid=plugin-platform-note]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=plugin-reload]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=plugin-remove]")).ToHaveCountAsync(0);
        await session.ScreenshotAsync("admin-plugins");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Viewer_SeesNoEditControlsOnTheAdministrationPages()
    {
        var tenant = await fixture.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        await using var session = await SignInAsync(viewer, "/studio/settings");
        var page = session.Page;

        await Expect(page.Locator("[data-testid=settings-readonly]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=settings-save]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=retention-save]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=retention] [data-testid=role-notice]")).ToContainTextAsync("needs the admin role");
        Assert.True(await Input(page, "settings-name").IsEditableAsync() is false, "The viewer's settings form must be read-only.");

        await OpenAsync(session, "/studio/organization");
        await Expect(page.Locator("[data-testid=org-usage]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=plan-change]")).ToHaveCountAsync(0);

        foreach (var path in AdminOnlyPages)
        {
            await OpenAsync(session, path);
            await Expect(page.Locator("[data-testid=role-notice]")).ToContainTextAsync("This page needs the admin role");
            await Expect(page.Locator(".mud-main-content button")).ToHaveCountAsync(0);
        }

        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Member_SeesTheAdminOnlyPagesAsNotices()
    {
        var tenant = await fixture.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);
        await using var session = await SignInAsync(member, "/studio/audit");
        var page = session.Page;

        foreach (var path in AdminOnlyPages)
        {
            await OpenAsync(session, path);
            await Expect(page.Locator("[data-testid=role-notice]")).ToContainTextAsync("needs the admin role; you are signed in as member");
            await Expect(page.Locator("[data-testid=audit-export], [data-testid=apikey-new], [data-testid=user-new], [data-testid=plugin-reload]")).ToHaveCountAsync(0);
        }

        await OpenAsync(session, "/studio/settings");
        await Expect(page.Locator("[data-testid=settings-readonly]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=settings-save]")).ToHaveCountAsync(0);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Admin_ChangesSettingsButNotTheRetentionPolicy()
    {
        var tenant = await fixture.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        await using var session = await SignInAsync(admin, "/studio/settings");
        var page = session.Page;

        await Expect(page.Locator("[data-testid=settings-save]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=retention-readonly]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=retention-save]")).ToHaveCountAsync(0);
        Assert.Empty(session.Errors);
    }

    /// <summary>A MudBlazor field's input, whether the test id landed on the input itself or on its wrapper.</summary>
    private static ILocator Input(IPage page, string testId) =>
        page.Locator($"input[data-testid={testId}], textarea[data-testid={testId}], [data-testid={testId}] input, [data-testid={testId}] textarea").First;

    /// <summary>The fixture's sign-in, then the page's own ready marker (its first load finished).</summary>
    private async Task<StudioPageSession> SignInAsync(TestUser user, string path)
    {
        var session = await fixture.SignInAsync(user, path);
        await WaitForPageAsync(session.Page);
        return session;
    }

    private static async Task OpenAsync(StudioPageSession session, string path)
    {
        await session.Page.GotoAsync(path);
        await WaitForPageAsync(session.Page);
    }

    private static async Task WaitForPageAsync(IPage page) =>
        await Expect(page.Locator("[data-testid=page-ready]")).ToHaveCountAsync(1, new() { Timeout = 20_000 });

    // The plans write "unlimited" as 999,999.
    private static string LimitText(long limit) => limit is <= 0 or 999_999 ? "unlimited" : limit.ToString("N0", CultureInfo.InvariantCulture);

    private HttpClient BareClient(string? apiKey = null)
    {
        var client = fixture.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = fixture.BaseAddress, HandleCookies = false });
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Add("X-API-Key", apiKey);
        }

        return client;
    }

    private static async Task<int> AuditTotalAsync(HttpClient client, string query) =>
        (await (await client.GetAsync($"/api/audit?{query}limit=1")).AssertSuccessAsync()).GetProperty("meta").GetProperty("total").GetInt32();

    private static async Task<List<string>> AuditIdsAsync(HttpClient client, string query) =>
        [.. (await (await client.GetAsync($"/api/audit?{query}limit=500")).AssertSuccessAsync()).GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()!)];

    private static async Task<JsonElement> FindUserAsync(TestTenant tenant, string email) =>
        (await (await tenant.Owner.Client.GetAsync("/api/users?limit=200")).AssertSuccessAsync()).GetProperty("data").EnumerateArray()
            .Single(u => u.GetProperty("email").GetString() == email);
}
