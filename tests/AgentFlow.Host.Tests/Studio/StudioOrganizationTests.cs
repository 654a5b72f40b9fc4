using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using static AgentFlow.Host.Tests.Studio.StudioInputs;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>The organisation page's editor: the owner changes the organisation's name and engine settings.</summary>
public sealed class StudioOrganizationTests(StudioFixture fixture) : IClassFixture<StudioFixture>
{
    [Fact]
    public async Task The_owner_edits_the_organisation_and_the_api_returns_the_change()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/organization");
        var page = session.Page;
        await Expect(page.Locator("[data-testid=page-ready]")).ToHaveCountAsync(1);

        await page.ClickAsync("[data-testid=org-edit]");
        await FillAsync(page, "org-edit-name", "Renamed in the Studio");
        await FillAsync(page, "org-edit-model", "openai/gpt-4o");
        await session.ScreenshotAsync("admin-organization-edit");
        await page.ClickAsync("[data-testid=org-edit-save]");

        await Expect(page.Locator("[data-testid=org-name]")).ToHaveTextAsync("Renamed in the Studio");
        var org = (await (await tenant.Owner.Client.GetAsync($"/api/engine/orgs/{tenant.OrgId}")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("Renamed in the Studio", org.GetProperty("name").GetString());
        Assert.Equal("openai/gpt-4o", org.GetProperty("settings").GetProperty("defaultModel").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task An_admin_sees_the_organisation_without_an_edit_button()
    {
        var tenant = await fixture.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        await using var session = await fixture.SignInAsync(admin, "/studio/organization");

        await Expect(session.Page.Locator("[data-testid=org-details]")).ToBeVisibleAsync();
        await Expect(session.Page.Locator("[data-testid=org-edit]")).ToHaveCountAsync(0);
        await Expect(session.Page.Locator("[data-testid=usage-tokens]")).ToBeVisibleAsync();
    }

}
