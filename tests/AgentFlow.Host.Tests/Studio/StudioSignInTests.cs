using AgentFlow.Host.Tests.Infrastructure;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

public sealed class StudioSignInTests(StudioFixture fixture) : IClassFixture<StudioFixture>
{
    [Fact]
    public async Task Opening_the_studio_without_a_session_redirects_to_sign_in_and_back()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner);

        await Expect(session.Page.Locator("[data-testid=page-title]")).ToHaveTextAsync("Overview");
        await Expect(session.Page.Locator("[data-testid=tile-agents]")).ToBeVisibleAsync();
        await session.ScreenshotAsync("overview");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task The_studio_loads_nothing_from_another_origin()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.OpenAsync();
        var requested = new List<string>();
        session.Page.Request += (_, request) => requested.Add(request.Url);
        await session.Page.GotoAsync("/studio");
        await session.Page.FillAsync("#email", tenant.Owner.Email);
        await session.Page.FillAsync("#password", TestTenant.Password);
        await session.Page.ClickAsync("[data-testid=login-submit]");
        await session.WaitForInteractiveAsync();

        var foreign = requested.Where(url => new Uri(url) is var uri && uri.Scheme is "http" or "https" && uri.Authority != fixture.BaseAddress.Authority).ToList();
        Assert.NotEmpty(requested);
        Assert.True(foreign.Count == 0, "Requests to other origins: " + string.Join(", ", foreign));
    }

    [Fact]
    public async Task The_theme_switches_to_dark_and_stays_dark_after_a_reload()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner);
        var page = session.Page;
        var lightBackground = await page.EvaluateAsync<string>("() => getComputedStyle(document.body).backgroundColor");

        await page.ClickAsync("[data-testid=theme-toggle]");
        await Expect(page.Locator("body")).Not.ToHaveCSSAsync("background-color", lightBackground);
        await session.ScreenshotAsync("overview-dark");
        await page.ReloadAsync();
        await session.WaitForInteractiveAsync();

        await Expect(page.Locator("body")).Not.ToHaveCSSAsync("background-color", lightBackground);
        Assert.Equal("dark", await page.EvaluateAsync<string>("() => localStorage.getItem('agentflow.theme')"));
    }

    [Fact]
    public async Task An_unknown_studio_address_shows_a_page_not_found_inside_the_studio()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner);

        await session.Page.GotoAsync("/studio/no-such-page");

        await Expect(session.Page.Locator("[data-testid=not-found]")).ToContainTextAsync("/studio/no-such-page");
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_a_message_on_the_sign_in_page()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.OpenAsync();
        var page = session.Page;
        await page.GotoAsync("/studio");
        await page.FillAsync("#email", tenant.Owner.Email);
        await page.FillAsync("#password", "not-the-password");
        await page.ClickAsync("[data-testid=login-submit]");

        await Expect(page.Locator("[data-testid=login-error]")).ToHaveTextAsync("Invalid email or password.");
        Assert.Equal("/studio/login", new Uri(page.Url).AbsolutePath);
        await Expect(page.Locator("#email")).ToHaveValueAsync(tenant.Owner.Email);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner);
        var page = session.Page;

        await page.ClickAsync("[data-testid=sign-out]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/studio/login");
        await page.GotoAsync("/studio");
        Assert.Equal("/studio/login", new Uri(page.Url).AbsolutePath);
    }
}
