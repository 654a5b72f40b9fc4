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
