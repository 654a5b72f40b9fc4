using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>The overview follows the organisation live: new events are listed and the counts refresh without a reload.</summary>
public sealed class StudioOverviewTests(StudioFixture fixture) : IClassFixture<StudioFixture>
{
    [Fact]
    public async Task An_approval_request_shows_up_live_in_the_latest_events_and_the_pending_count()
    {
        var tenant = await fixture.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant);
        await using var session = await fixture.SignInAsync(tenant.Owner);
        var page = session.Page;
        await Expect(page.Locator("[data-testid=pending-approvals]")).ToHaveTextAsync("0");
        await Expect(page.Locator("[data-testid=tile-agents] h4, [data-testid=tile-agents] .mud-typography-h4").First).ToHaveTextAsync("1");

        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, agentId);
        await RequestAsync(agent, new { to = "someone@example.com" });

        await Expect(page.Locator("[data-testid=recent-event]", new() { HasTextString = "approval_requested" })).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=pending-approvals]")).ToHaveTextAsync("1");
        await Expect(page.Locator("[data-testid=events-last-window]")).Not.ToHaveTextAsync("0", new() { Timeout = 15_000 });
        await session.ScreenshotAsync("overview-live");
        Assert.Empty(session.Errors);
    }
}
