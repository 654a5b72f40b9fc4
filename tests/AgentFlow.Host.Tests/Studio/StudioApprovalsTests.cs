using System.Text.RegularExpressions;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>The approvals inbox at /studio/approvals, against requests made through the runtime hook as an agent would.</summary>
public sealed partial class StudioApprovalsTests(StudioFixture fixture) : IClassFixture<StudioFixture>
{
    private static readonly string[] AdminRole = ["admin"];
    private static readonly string[] SendTools = [SendTool];

    [Fact]
    public async Task A_new_request_appears_live_masked_with_time_left_and_approving_it_moves_it_to_history()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, await CreateAgentAsync(tenant));
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/approvals");
        var page = session.Page;
        await Expect(page.Locator("[data-testid=empty-state]")).ToBeVisibleAsync();

        // Made while the inbox is open: it must arrive through the live stream, without a reload.
        var approvalId = await RequestAsync(agent, new
        {
            to = "customer@example.com",
            subject = "Your refund",
            apiKey = "sk-live-abcdef",
            // Dictionary keys keep their case through the client's camelCase JSON: the masking must not depend on it.
            smtp = new Dictionary<string, object> { ["host"] = "mail.example.com", ["SMTP_Password"] = "hunter2", ["Access-Token"] = "tok-123" },
        });
        var card = page.Locator($"[data-testid=approval-request][data-approval-id='{approvalId}']");
        await Expect(card).ToBeVisibleAsync();
        var arguments = card.Locator("[data-testid=approval-arguments]");
        await Expect(arguments).ToContainTextAsync("customer@example.com");
        await Expect(arguments).ToContainTextAsync("mail.example.com");
        await Expect(arguments).ToContainTextAsync("\"apiKey\": \"••••\"");
        await Expect(arguments).ToContainTextAsync("\"SMTP_Password\": \"••••\"");
        await Expect(arguments).ToContainTextAsync("\"Access-Token\": \"••••\"");
        await Expect(arguments).Not.ToContainTextAsync("sk-live-abcdef");
        await Expect(arguments).Not.ToContainTextAsync("hunter2");
        await Expect(arguments).Not.ToContainTextAsync("tok-123");
        await Expect(card.Locator("[data-testid=approval-agent]")).Not.ToBeEmptyAsync();
        await Expect(card.Locator("[data-testid=approval-tool]")).ToHaveTextAsync(SendTool);
        await Expect(card.Locator("[data-testid=approval-level]")).ToHaveTextAsync("level 1 of 1");
        await Expect(card.Locator("[data-testid=approval-count]")).ToHaveTextAsync("approvals 0 / 1");
        var timeLeft = card.Locator("[data-testid=time-left]");
        await Expect(timeLeft).ToHaveTextAsync(TimeLeftPattern());
        var shown = await timeLeft.TextContentAsync();
        await Expect(timeLeft).Not.ToHaveTextAsync(shown!); // the countdown moves on its own
        await session.ScreenshotAsync("approvals-pending");

        await card.Locator("[data-testid=approve-button]").ClickAsync();
        await card.Locator("[data-testid=decision-reason-field] textarea").FillAsync("Refund checked with the customer");
        await card.Locator("[data-testid=decision-confirm]").ClickAsync();

        await Expect(card).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=empty-state]")).ToBeVisibleAsync();
        await page.GetByRole(AriaRole.Tab, new() { Name = "History", Exact = false }).ClickAsync();
        var row = page.Locator($"[data-testid=history-row][data-approval-id='{approvalId}']");
        await Expect(row.Locator("[data-testid=history-status]")).ToHaveTextAsync("approved");
        await Expect(row.Locator("[data-testid=history-reason]")).ToHaveTextAsync("Refund checked with the customer");
        await Expect(row.Locator("[data-testid=history-by]")).ToHaveTextAsync("you");
        await session.ScreenshotAsync("approvals-history");

        var stored = await GetAsync(tenant.Owner.Client, approvalId);
        Assert.Equal("approved", stored.GetProperty("status").GetString());
        Assert.Equal("Refund checked with the customer", stored.GetProperty("decisionReason").GetString());
        Assert.Equal(tenant.Owner.Id.ToString(), stored.GetProperty("decidedBy").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Denying_needs_a_reason_and_the_denial_reaches_the_api()
    {
        var tenant = await fixture.CreateTenantAsync();
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, await CreateAgentAsync(tenant));
        var approvalId = await RequestAsync(agent, new { to = "someone@other.test", subject = "Hello" });
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/approvals");
        var card = session.Page.Locator($"[data-testid=approval-request][data-approval-id='{approvalId}']");

        await card.Locator("[data-testid=deny-button]").ClickAsync();
        var confirm = card.Locator("[data-testid=decision-confirm]");
        await Expect(confirm).ToBeDisabledAsync();
        await card.Locator("[data-testid=decision-reason-field] textarea").FillAsync("   ");
        await Expect(confirm).ToBeDisabledAsync();
        await card.Locator("[data-testid=decision-reason-field] textarea").FillAsync("Unknown recipient");
        await Expect(confirm).ToBeEnabledAsync();
        await confirm.ClickAsync();

        await Expect(card).ToHaveCountAsync(0);
        var stored = await GetAsync(tenant.Owner.Client, approvalId);
        Assert.Equal("denied", stored.GetProperty("status").GetString());
        Assert.Equal("Unknown recipient", stored.GetProperty("decisionReason").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task A_refused_decision_shows_the_api_error_and_the_request_stays_pending()
    {
        var tenant = await fixture.CreateTenantAsync();
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Admins only",
            triggers = new { toolIds = SendTools },
            approvers = new { roles = AdminRole },
        });
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, await CreateAgentAsync(tenant));
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/approvals");
        var card = session.Page.Locator($"[data-testid=approval-request][data-approval-id='{approvalId}']");
        await Expect(card).ToContainTextAsync("Admins only");

        await card.Locator("[data-testid=approve-button]").ClickAsync();
        await card.Locator("[data-testid=decision-confirm]").ClickAsync();

        // The owner is not in the policy's approver set: the API refuses with 403 NOT_AN_APPROVER, in its own words.
        await Expect(card.Locator("[data-testid=decision-error]")).ToContainTextAsync("NOT_AN_APPROVER");
        await Expect(card).ToBeVisibleAsync();
        Assert.Equal("pending", (await GetAsync(tenant.Owner.Client, approvalId)).GetProperty("status").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Another_approvers_vote_updates_the_count_live_and_the_second_approval_decides()
    {
        var tenant = await fixture.CreateTenantAsync();
        var adminA = await tenant.AddUserAsync(UserRole.Admin);
        var adminB = await tenant.AddUserAsync(UserRole.Admin);
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "Two admins",
            triggers = new { toolIds = SendTools },
            approvers = new { roles = AdminRole, requireMultiple = 2 },
        });
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, await CreateAgentAsync(tenant));
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });
        await using var session = await fixture.SignInAsync(adminB, "/studio/approvals");
        var card = session.Page.Locator($"[data-testid=approval-request][data-approval-id='{approvalId}']");
        await Expect(card.Locator("[data-testid=approval-count]")).ToHaveTextAsync("approvals 0 / 2");

        await (await DecideAsync(adminA.Client, approvalId, "approve", "first")).AssertSuccessAsync();

        await Expect(card.Locator("[data-testid=approval-count]")).ToHaveTextAsync("approvals 1 / 2");
        await card.Locator("[data-testid=approve-button]").ClickAsync();
        await card.Locator("[data-testid=decision-confirm]").ClickAsync();
        await Expect(card).ToHaveCountAsync(0);
        var stored = await GetAsync(tenant.Owner.Client, approvalId);
        Assert.Equal("approved", stored.GetProperty("status").GetString());
        Assert.Equal(adminB.Id.ToString(), stored.GetProperty("decidedBy").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task A_viewer_sees_no_approve_or_deny_buttons()
    {
        var tenant = await fixture.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, await CreateAgentAsync(tenant));
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });
        await using var session = await fixture.SignInAsync(viewer, "/studio/approvals");
        var page = session.Page;

        // Viewers read the inbox; the request is there, without buttons (the default policy's approvers are admins).
        await Expect(page.Locator($"[data-testid=approval-request][data-approval-id='{approvalId}']")).ToBeVisibleAsync();

        await Expect(page.Locator("[data-testid=approve-button]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=deny-button]")).ToHaveCountAsync(0);
        Assert.Equal("pending", (await GetAsync(tenant.Owner.Client, approvalId)).GetProperty("status").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task A_viewer_named_by_the_policy_gets_the_buttons_and_decides()
    {
        var tenant = await fixture.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        await CreatePolicyAsync(tenant.Owner.Client, new
        {
            name = "The auditor decides",
            triggers = new { toolIds = SendTools },
            approvers = new { userIds = new[] { viewer.Id } },
        });
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, await CreateAgentAsync(tenant));
        var approvalId = await RequestAsync(agent, new { to = "a@example.com" });
        await using var session = await fixture.SignInAsync(viewer, "/studio/approvals");
        var card = session.Page.Locator($"[data-testid=approval-request][data-approval-id='{approvalId}']");

        await card.Locator("[data-testid=approve-button]").ClickAsync();
        await card.Locator("[data-testid=decision-confirm]").ClickAsync();

        await Expect(card).ToHaveCountAsync(0);
        var stored = await GetAsync(tenant.Owner.Client, approvalId);
        Assert.Equal("approved", stored.GetProperty("status").GetString());
        Assert.Equal(viewer.Id.ToString(), stored.GetProperty("decidedBy").GetString());
        Assert.Empty(session.Errors);
    }

    [GeneratedRegex(@"^(\d+h \d\dm \d\ds|\d+m \d\ds) left$")]
    private static partial Regex TimeLeftPattern();
}
