using System.Text.RegularExpressions;
using AgentFlow.Host.Tests.Infrastructure;
using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;
using static AgentFlow.Host.Tests.Studio.StudioInputs;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>
/// The administrator's journey of the Studio, end to end in one browser tab: sign in, create an agent with a preset,
/// edit the approval workflow in the designer and publish version 2, then follow a real approval (requested by the
/// agent through the runtime hook) live through the inbox, the activity stream and the audit log.
/// </summary>
public sealed partial class StudioJourneyTests(StudioFixture fixture) : IClassFixture<StudioFixture>
{
    [Fact]
    public async Task An_administrator_follows_an_approval_from_agent_creation_to_the_audit_log()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner);
        var page = session.Page;
        await Expect(page.Locator("[data-testid=tile-agents]")).ToBeVisibleAsync();
        await ScreenshotAsync(session, "journey-01-overview");

        // 1. An agent with the customer-support preset (it asks approval before sending e-mail).
        await page.ClickAsync("a[href='/studio/agents']");
        await page.ClickAsync("[data-testid=new-agent]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/studio/agents/new");
        await FillAsync(page, "field-name", "journey-support");
        await FillAsync(page, "field-display-name", "Journey Support");
        await FillAsync(page, "field-role", "customer support");
        await FillAsync(page, "field-model", "claude-sonnet");
        await ChooseAsync(page, "field-target", "(local)");
        await ChooseAsync(page, "field-preset", "Customer Support Agent");
        await ScreenshotAsync(session, "journey-02-create-agent");
        await page.ClickAsync("[data-testid=create-agent]");
        await page.WaitForURLAsync(AgentPagePattern());
        await Expect(page.Locator("[data-testid=agent-state]")).ToHaveAttributeAsync("data-state", "ready");
        var agentId = Guid.Parse(new Uri(page.Url).AbsolutePath.Split('/')[^1]);
        await ScreenshotAsync(session, "journey-03-agent");

        // 2. The approval workflow in the designer: one more escalation level, published as version 2.
        await DesignerSteps.ImportToolApprovalAsync(tenant); // what the server seeds into every organisation at start
        await page.ClickAsync("a[href='/studio/workflows']");
        await page.Locator($"[data-testid=workflow-row][data-definition-id={DesignerSteps.ToolApproval}] [data-testid=workflow-open]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == $"/studio/workflows/{DesignerSteps.ToolApproval}");
        await DesignerSteps.AddEscalationLevelAndPublishAsync(page);
        var published = await (await tenant.Owner.Client.GetAsync($"/api/workflows/definitions/{DesignerSteps.ToolApproval}")).AssertSuccessAsync();
        Assert.Equal(2, published.GetProperty("data").GetProperty("version").GetInt32());
        Assert.Equal("published", published.GetProperty("data").GetProperty("status").GetString());
        await ScreenshotAsync(session, "journey-04-designer-published");

        // 3. The inbox is open when the agent asks: the request arrives live, and is approved with a reason.
        await page.ClickAsync("a[href='/studio/approvals']");
        await Expect(page.Locator("[data-testid=empty-state]")).ToBeVisibleAsync();
        using var agent = await StudioAgentClient.CreateAsync(fixture, tenant, agentId);
        var arguments = new { to = "customer@example.com", subject = "Your refund" };
        var approvalId = await RequestAsync(agent, arguments);
        var card = page.Locator($"[data-testid=approval-request][data-approval-id='{approvalId}']");
        await Expect(card).ToBeVisibleAsync();
        await Expect(card.Locator("[data-testid=approval-tool]")).ToHaveTextAsync(SendTool);
        await ScreenshotAsync(session, "journey-05-inbox");
        await card.Locator("[data-testid=approve-button]").ClickAsync();
        await card.Locator("[data-testid=decision-reason-field] textarea").FillAsync("Refund confirmed by phone");
        await card.Locator("[data-testid=decision-confirm]").ClickAsync();
        await Expect(card).ToHaveCountAsync(0);
        Assert.Equal("approved", (await GetAsync(tenant.Owner.Client, approvalId)).GetProperty("status").GetString());

        // 4. The activity stream is open when the agent makes the approved call: its event arrives live.
        await page.ClickAsync("a[href='/studio/activity']");
        await Expect(page.Locator("[data-testid=stream-list], [data-testid=empty-state]").First).ToBeVisibleAsync();
        var call = await CallAsync(agent, arguments, approvalId);
        Assert.True(call.GetProperty("allowed").GetBoolean(), call.GetRawText());
        var started = page.Locator("[data-testid=stream-event][data-type=tool_call_start]", new() { HasTextString = SendTool });
        await Expect(started.First).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=stream-event][data-type=approval_decided]").First).ToBeVisibleAsync();
        await ScreenshotAsync(session, "journey-06-activity");

        // 5. The audit log has the decision, by this user, on this request.
        await page.ClickAsync("a[href='/studio/audit']");
        await Expect(page.Locator("[data-testid=page-ready]")).ToHaveCountAsync(1);
        await FillAsync(page, "audit-action", "approval.decide");
        await page.ClickAsync("[data-testid=audit-apply]");
        var entry = page.Locator("[data-testid=audit-row][data-action='approval.decide']");
        await Expect(entry).ToHaveCountAsync(1);
        await Expect(entry.Locator("[data-testid=audit-resource]")).ToContainTextAsync(approvalId.ToString());
        await ScreenshotAsync(session, "journey-07-audit");

        Assert.Empty(session.Errors);
    }

    /// <summary>Saves the screenshot after checking the page fits the 1280-pixel window (no sideways scrolling).</summary>
    private static async Task ScreenshotAsync(StudioPageSession session, string name)
    {
        var overflow = await session.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - window.innerWidth");
        Assert.True(overflow <= 0, $"{name}: the page is {overflow} px wider than the window.");
        await session.ScreenshotAsync(name);
    }

    [GeneratedRegex("/studio/agents/[0-9a-f-]{36}$")]
    private static partial Regex AgentPagePattern();
}
