using System.Net.Http.Json;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>The activity page at /studio/activity, fed by tool calls made through the runtime hook as an agent would.</summary>
public sealed class StudioActivityTests(StudioFixture fixture) : IClassFixture<StudioFixture>
{
    private const string InboxTool = "agenticmail_inbox";

    [Fact]
    public async Task A_tool_call_appears_live_in_the_stream_on_the_timeline_and_in_the_tool_calls_with_its_duration()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, await CreateAgentAsync(tenant));
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/activity");
        var page = session.Page;
        await Expect(page.Locator("[data-testid=stream-pause]")).ToBeVisibleAsync();

        // Made while the page is open: the stream must show it without a reload.
        var toolCallId = await CompletedCallAsync(agent, new { folder = "refunds", query = "order 1234" }, durationMs: 1234);

        var ended = page.Locator("[data-testid=stream-event][data-type=tool_call_end]");
        await Expect(ended).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=stream-event][data-type=tool_call_start] [data-testid=stream-summary]")).ToContainTextAsync(InboxTool);
        await ended.Locator("button").ClickAsync();
        await Expect(ended.Locator("[data-testid=stream-data]")).ToContainTextAsync("1234");
        await session.ScreenshotAsync("activity-stream");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Timeline" }).ClickAsync();
        await Expect(page.Locator("[data-testid=timeline-event][data-type=tool_call_start]")).ToContainTextAsync(InboxTool);
        await Expect(page.Locator("[data-testid=timeline-event][data-type=tool_call_end]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=timeline-summary]")).ToContainTextAsync("1 tool call");
        await session.ScreenshotAsync("activity-timeline");

        await page.GetByRole(AriaRole.Tab, new() { Name = "Tool calls" }).ClickAsync();
        var row = page.Locator($"[data-testid=toolcall-row][data-toolcall-id='{toolCallId}']");
        await Expect(row.Locator("[data-testid=toolcall-duration]")).ToHaveTextAsync("1234");
        await Expect(row.Locator("[data-testid=toolcall-status]")).ToHaveTextAsync("succeeded");
        await row.ClickAsync();
        await Expect(page.Locator("[data-testid=toolcall-parameters]")).ToContainTextAsync("order 1234");
        await Expect(page.Locator("[data-testid=toolcall-result]")).ToContainTextAsync("3 messages");
        await session.ScreenshotAsync("activity-toolcalls");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task While_paused_new_events_wait_and_resuming_shows_them()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, await CreateAgentAsync(tenant));
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/activity");
        var page = session.Page;
        var pause = page.Locator("[data-testid=stream-pause]");
        await Expect(pause).ToHaveTextAsync("Pause");

        await pause.ClickAsync();
        await Expect(pause).ToHaveTextAsync("Resume");
        await CompletedCallAsync(agent, new { folder = "inbox" }, durationMs: 20);

        await Expect(page.Locator("[data-testid=stream-queued]")).ToHaveTextAsync("2 new events waiting");
        await Expect(page.Locator("[data-testid=stream-event][data-type^=tool_call]")).ToHaveCountAsync(0);
        await pause.ClickAsync();
        await Expect(page.Locator("[data-testid=stream-event][data-type^=tool_call]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=stream-event]").First).ToHaveAttributeAsync("data-type", "tool_call_end");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task A_viewer_reads_the_activity_page()
    {
        var tenant = await fixture.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(AgentFlow.Engine.Identity.UserRole.Viewer);
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, await CreateAgentAsync(tenant));
        var toolCallId = await CompletedCallAsync(agent, new { folder = "inbox" }, durationMs: 77);
        await using var session = await fixture.SignInAsync(viewer, "/studio/activity");
        var page = session.Page;

        await Expect(page.Locator("[data-testid=stream-event][data-type=tool_call_end]")).ToHaveCountAsync(1);
        await page.GetByRole(AriaRole.Tab, new() { Name = "Tool calls" }).ClickAsync();
        await Expect(page.Locator($"[data-testid=toolcall-row][data-toolcall-id='{toolCallId}'] [data-testid=toolcall-duration]")).ToHaveTextAsync("77");
        Assert.Empty(session.Errors);
    }

    /// <summary>Opens and completes an allowed tool call through the runtime hook; returns the tool call's id.</summary>
    private static async Task<Guid> CompletedCallAsync(HttpClient agent, object arguments, long durationMs)
    {
        var decision = await CallAsync(agent, arguments, toolId: InboxTool);
        Assert.True(decision.GetProperty("allowed").GetBoolean(), decision.GetRawText());
        var toolCallId = decision.GetProperty("toolCallId").GetGuid();
        var completed = await agent.PostAsJsonAsync($"{ToolCalls}/{toolCallId}/complete",
            new { result = "3 messages", success = true, durationMs, inputTokens = 120, outputTokens = 30, costUsd = 0.0021m });
        await completed.AssertSuccessAsync();
        return toolCallId;
    }
}
