using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>Access tokens live 4 seconds and open tabs re-check their session every second.</summary>
public sealed class ShortSessionStudioFixture : StudioFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>
    {
        ["AgentFlow:Jwt:AccessTokenLifetime"] = "00:00:04",
        ["AgentFlow:Studio:SessionRevalidationInterval"] = "00:00:01",
    };
}

public sealed class StudioSessionTests(ShortSessionStudioFixture fixture) : IClassFixture<ShortSessionStudioFixture>
{
    [Fact]
    public async Task An_open_tab_goes_back_to_sign_in_when_its_token_expires()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner);
        var page = session.Page;
        await Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync("Overview");

        // No navigation by the test: the circuit notices the expiry on its own and sends the tab to sign in.
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/studio/login", new() { Timeout = 20_000 });
        Assert.Equal("/studio", Uri.UnescapeDataString(new Uri(page.Url).Query).Split("returnUrl=")[1].Split('&')[0]);
    }
}

/// <summary>A Host of its own with no user at all, as after a fresh install.</summary>
public sealed class FreshInstallStudioFixture : StudioFixture;

public sealed class StudioFirstRunTests(FreshInstallStudioFixture fixture) : IClassFixture<FreshInstallStudioFixture>
{
    [Fact]
    public async Task A_fresh_install_offers_to_create_the_owner_then_only_sign_in()
    {
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await page.GotoAsync("/");

        await Expect(page.Locator("[data-testid=setup-form]")).ToBeVisibleAsync();
        await session.ScreenshotAsync("first-run");
        await page.FillAsync("#companyName", "Acme Robotics");
        await page.FillAsync("#name", "Ada Owner");
        await page.FillAsync("#email", "ada@example.com");
        await page.FillAsync("#password", "correct-horse-battery");
        await page.ClickAsync("[data-testid=setup-submit]");
        await session.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=current-user]")).ToContainTextAsync("Ada Owner");

        await using var other = await fixture.OpenAsync();
        await other.Page.GotoAsync("/studio/login");
        await Expect(other.Page.Locator("[data-testid=login-form]")).ToBeVisibleAsync();
        Assert.Equal(0, await other.Page.Locator("[data-testid=setup-form]").CountAsync());
    }
}
