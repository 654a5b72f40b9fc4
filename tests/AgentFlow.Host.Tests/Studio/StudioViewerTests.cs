using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentFlow.Engine.Identity;
using Microsoft.Playwright;
using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>
/// A viewer looks at everything and changes nothing: no page shows a control that would change something, and when
/// the viewer's own browser session sends a change anyway, the server refuses it.
/// </summary>
public sealed partial class StudioViewerTests(StudioFixture fixture) : IClassFixture<StudioFixture>
{
    [Fact]
    public async Task A_viewer_sees_no_edit_controls_and_the_server_refuses_an_edit_from_their_session()
    {
        var tenant = await fixture.CreateTenantAsync();
        var agentId = await CreateAgentAsync(tenant);
        using (var agent = await StudioAgentClient.CreateAsync(fixture, tenant, agentId))
        {
            await RequestAsync(agent, new { to = "someone@example.com" }); // a pending approval in the inbox
        }

        using (var created = await tenant.Owner.Client.PostAsync("/api/workflows/definitions", new StringContent(
            """{"schema":"wf/1","definitionId":"viewer-flow","name":"Viewer flow","nodes":[{"id":"start","type":"core.start"},{"id":"end","type":"core.end"}],"edges":[{"from":"start","to":"end"}]}""",
            System.Text.Encoding.UTF8, "application/json")))
        {
            created.EnsureSuccessStatusCode();
        }

        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        await using var session = await fixture.SignInAsync(viewer);
        var page = session.Page;

        string[] pages =
        [
            "/studio", "/studio/agents", $"/studio/agents/{agentId}", "/studio/approvals", "/studio/activity",
            "/studio/workflows", "/studio/workflows/viewer-flow", "/studio/organization", "/studio/settings",
        ];
        foreach (var path in pages)
        {
            await page.GotoAsync(path);
            await session.WaitForInteractiveAsync();
            await Expect(page.Locator("[data-testid=page-title]")).ToBeVisibleAsync();
            await Expect(page.Locator("[data-testid=loading]")).ToHaveCountAsync(0);
            await Expect(page.Locator("[data-testid=error-alert]")).ToHaveCountAsync(0); // a viewer may read all of these
            var controls = page.GetByRole(AriaRole.Button, new() { NameRegex = EditControl() });
            var names = await controls.AllInnerTextsAsync();
            Assert.True(names.Count == 0, $"{path} shows edit controls to a viewer: {string.Join(", ", names)}");
            var slug = string.Join('-', path.Split('/').Skip(2).Select(part => Guid.TryParse(part, out _) ? "detail" : part));
            await session.ScreenshotAsync("viewer-" + (slug.Length == 0 ? "overview" : slug));
        }

        Assert.Empty(session.Errors);

        // The same session, sending the change the hidden button would have sent: the API refuses it (the browser logs
        // that 403 as a console error, which is the point here).
        var answer = await page.EvaluateAsync<JsonElement>(
            """
            async (id) => {
                const csrf = document.cookie.split('; ').find(c => c.startsWith('em_csrf='))?.split('=')[1];
                const response = await fetch(`/api/engine/agents/${id}/deploy`, {
                    method: 'POST', headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf }, body: '{}' });
                return { status: response.status, body: await response.json() };
            }
            """, agentId.ToString());
        Assert.Equal(403, answer.GetProperty("status").GetInt32());
        Assert.Equal("INSUFFICIENT_PERMISSIONS", answer.GetProperty("body").GetProperty("code").GetString());
        var state = (await (await tenant.Owner.Client.GetAsync($"/api/engine/agents/{agentId}")).Content.ReadFromJsonAsync<JsonElement>())
            .GetProperty("data").GetProperty("state").GetString();
        Assert.NotEqual("running", state);
    }

    /// <summary>
    /// Buttons whose name says they change something, or call a route a viewer may not use (validating a workflow is for
    /// members); reading, filtering, refreshing and exporting are fine.
    /// </summary>
    [GeneratedRegex(@"^\s*(new|create|add|save|deploy|stop|restart|publish|revert|delete|remove|approve|deny|upload|reload|revoke|apply|import|edit|change|mark|validate)\b",
        RegexOptions.IgnoreCase)]
    private static partial Regex EditControl();
}
