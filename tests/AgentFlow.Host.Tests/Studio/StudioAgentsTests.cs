using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static AgentFlow.Host.Tests.Studio.StudioInputs;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>
/// The agent pages in a real browser against the real Host: create with a preset, edit the permission profile,
/// deploy onto the Local target (a real agent process) and watch the phases and state arrive live, and what a
/// member may not do.
/// </summary>
public sealed partial class StudioAgentsTests(StudioFixture fixture) : IClassFixture<StudioFixture>, IAsyncDisposable
{
    private const string Preset = "customer-support";
    private static readonly LocatorAssertionsToHaveAttributeOptions Slow = new() { Timeout = 90_000 };
    private readonly List<(HttpClient Client, Guid AgentId)> _created = [];

    [Fact]
    public async Task CreatingAnAgentWithAPreset_ShowsItInTheListAndDetail_AndTheApiHasThePresetProfile()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/agents");
        var page = session.Page;
        var name = "studio-" + Guid.NewGuid().ToString("N")[..8];
        await Expect(page.Locator("[data-testid=empty-state]")).ToContainTextAsync("No agents yet");
        await page.ClickAsync("[data-testid=new-agent]");
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/studio/agents/new");

        await FillAsync(page, "field-name", name);
        await FillAsync(page, "field-display-name", "Studio Support");
        await FillAsync(page, "field-role", "customer support");
        await FillAsync(page, "field-model", "claude-sonnet");
        await ChooseAsync(page, "field-target", "(local)");
        await ChooseAsync(page, "field-preset", "Customer Support Agent");
        await Expect(page.Locator("[data-testid=preset-description]")).ToContainTextAsync("Cannot run code");
        await session.ScreenshotAsync("agents-create");
        await page.ClickAsync("[data-testid=create-agent]");

        await page.WaitForURLAsync(AgentPage());
        await Expect(page.Locator("[data-testid=page-title]")).ToHaveTextAsync("Studio Support");
        await Expect(page.Locator("[data-testid=agent-state]")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(page.Locator("[data-testid=agent-profile-id]")).ToHaveTextAsync(Preset);
        await session.ScreenshotAsync("agents-detail");

        await page.GotoAsync("/studio/agents");
        await session.WaitForInteractiveAsync();
        await FillAsync(page, "agent-search", name);
        await Expect(page.Locator("[data-testid=agent-name]")).ToHaveTextAsync(name);
        await session.ScreenshotAsync("agents-list");

        var agents = await (await tenant.Owner.Client.GetAsync("/api/engine/agents")).AssertSuccessAsync();
        var agent = Assert.Single(agents.GetProperty("data").EnumerateArray(), a => a.GetProperty("name").GetString() == name);
        Assert.Equal("ready", agent.GetProperty("state").GetString());
        Assert.Equal("local", agent.GetProperty("config").GetProperty("deployment").GetProperty("target").GetString());
        var profile = (await (await tenant.Owner.Client.GetAsync($"/api/engine/profiles/{agent.GetProperty("id").GetGuid()}")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(Preset, profile.GetProperty("presetId").GetString());
        Assert.Contains("agenticmail", profile.GetProperty("skills").GetProperty("list").EnumerateArray().Select(s => s.GetString()));
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task InvalidInput_ShowsTheApiMessagesAtTheirFields_AndCreatesNothing()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/agents");
        var page = session.Page;
        await page.ClickAsync("[data-testid=new-agent]");

        await FillAsync(page, "field-name", "not a valid name!");
        await FillAsync(page, "field-model", "not a model id");
        await page.ClickAsync("[data-testid=create-agent]");

        await Expect(FieldError(page, "field-name")).ToContainTextAsync("may contain only letters, digits, '-' and '_'");
        await Expect(FieldError(page, "field-model")).ToContainTextAsync("must be a model id");
        await Expect(page.Locator("[data-testid=create-errors]")).ToHaveCountAsync(0);
        Assert.Equal("/studio/agents/new", new Uri(page.Url).AbsolutePath);
        var agents = await (await tenant.Owner.Client.GetAsync("/api/engine/agents")).AssertSuccessAsync();
        Assert.Equal(0, agents.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task PickingSkills_CreatesACustomProfileWithExactlyThoseSkills()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/agents");
        var page = session.Page;
        await page.ClickAsync("[data-testid=new-agent]");
        var name = "skills-" + Guid.NewGuid().ToString("N")[..8];

        await FillAsync(page, "field-name", name);
        await page.GetByText("Pick skills").ClickAsync();
        await page.Locator("[data-testid=skill-web-search] input, input[data-testid=skill-web-search]").First.CheckAsync();
        await page.Locator("[data-testid=skill-summarize] input, input[data-testid=skill-summarize]").First.CheckAsync();
        await page.ClickAsync("[data-testid=create-agent]");

        await page.WaitForURLAsync(AgentPage());
        var agentId = Guid.Parse(new Uri(page.Url).Segments[^1]);
        _created.Add((tenant.Owner.Client, agentId));
        // Incomplete (no display name, role or model): created as a draft, as the API does.
        await Expect(page.Locator("[data-testid=agent-state]")).ToHaveAttributeAsync("data-state", "draft");
        var profile = await ProfileAsync(tenant.Owner.Client, agentId);
        Assert.Equal("allowlist", profile.GetProperty("skills").GetProperty("mode").GetString());
        Assert.Equal(["summarize", "web-search"], profile.GetProperty("skills").GetProperty("list").EnumerateArray().Select(s => s.GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal("medium", profile.GetProperty("maxRiskLevel").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task TheProfileEditor_SavesAChange_ThatTheApiReturns()
    {
        var tenant = await fixture.CreateTenantAsync();
        var agentId = await CreateReadyAgentAsync(tenant.Owner.Client);
        var before = await ProfileAsync(tenant.Owner.Client, agentId);
        await using var session = await fixture.SignInAsync(tenant.Owner, $"/studio/agents/{agentId}");
        var page = session.Page;

        await page.Locator(".mud-tab", new() { HasTextString = "Permissions" }).ClickAsync();
        await Expect(page.Locator("[data-testid=profile-editor]")).ToBeVisibleAsync();
        await FillAsync(page, "profile-per-minute", "42");
        await page.Locator("[data-testid=profile-sandbox] input, input[data-testid=profile-sandbox]").First.CheckAsync();
        await page.ClickAsync("[data-testid=save-profile]");

        await Expect(page.Locator("[data-testid=profile-version]")).ToContainTextAsync($"Version {before.GetProperty("version").GetInt32() + 1}");
        await session.ScreenshotAsync("agents-permissions");
        var after = await ProfileAsync(tenant.Owner.Client, agentId);
        Assert.Equal(42, after.GetProperty("rateLimits").GetProperty("toolCallsPerMinute").GetInt32());
        Assert.True(after.GetProperty("constraints").GetProperty("sandboxMode").GetBoolean());
        Assert.Equal(before.GetProperty("rateLimits").GetProperty("toolCallsPerHour").GetInt32(), after.GetProperty("rateLimits").GetProperty("toolCallsPerHour").GetInt32());
        Assert.Equal(Preset, after.GetProperty("presetId").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task DeployingALocalAgent_ShowsThePhasesAndRunningLive_ThenStopShowsStopped()
    {
        var tenant = await fixture.CreateTenantAsync();
        var agentId = await CreateReadyAgentAsync(tenant.Owner.Client);
        await using var session = await fixture.SignInAsync(tenant.Owner, $"/studio/agents/{agentId}");
        var page = session.Page;
        var state = page.Locator("[data-testid=agent-state]");
        await Expect(state).ToHaveAttributeAsync("data-state", "ready");
        await Expect(page.Locator("[data-testid=not-deployed]")).ToBeVisibleAsync();

        await page.ClickAsync("[data-testid=action-deploy]");

        await Expect(page.Locator("[data-testid=phase-validate]")).ToHaveAttributeAsync("data-status", new Regex("started|completed"), Slow);
        await session.ScreenshotAsync("agents-deploying");
        foreach (var phase in new[] { "validate", "provision", "configure", "deploy", "verify" })
        {
            await Expect(page.Locator($"[data-testid=phase-{phase}]")).ToHaveAttributeAsync("data-status", "completed", Slow);
        }

        await Expect(state).ToHaveAttributeAsync("data-state", "running", Slow);
        await Expect(page.Locator("[data-testid=deployment-status]")).ToContainTextAsync("running");
        await page.Locator(".mud-tab", new() { HasTextString = "History" }).ClickAsync();
        await Expect(page.Locator("[data-testid=history-row]").First).ToContainTextAsync("running");
        await session.ScreenshotAsync("agents-running");

        // The deploy request lasts as long as the deployment workflow runs; stop once it has answered.
        await Expect(page.Locator(".mud-snackbar", new() { HasTextString = "Deployment accepted." })).ToBeVisibleAsync(new() { Timeout = 90_000 });
        await page.ClickAsync("[data-testid=action-stop]");
        await Expect(state).ToHaveAttributeAsync("data-state", "stopped", Slow);
        await Expect(page.Locator("[data-testid=history-row]").First).ToContainTextAsync("stopped");
        Assert.Equal("stopped", await StateAsync(tenant.Owner.Client, agentId));
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task AMember_SeesAgents_ButNoCreateDeployOrSaveControls()
    {
        var tenant = await fixture.CreateTenantAsync();
        var agentId = await CreateReadyAgentAsync(tenant.Owner.Client);
        var member = await tenant.AddUserAsync(UserRole.Member);
        await using var session = await fixture.SignInAsync(member, "/studio/agents");
        var page = session.Page;

        await Expect(page.Locator("[data-testid=agent-name]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=new-agent]")).ToHaveCountAsync(0);
        await page.Locator("[data-testid=agent-name]").ClickAsync();
        await page.WaitForURLAsync(AgentPage());
        await Expect(page.Locator("[data-testid=agent-state]")).ToHaveAttributeAsync("data-state", "ready");
        await Expect(page.Locator("[data-testid=action-deploy]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=action-stop]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=action-restart]")).ToHaveCountAsync(0);

        await page.Locator(".mud-tab", new() { HasTextString = "Permissions" }).ClickAsync();
        await Expect(page.Locator("[data-testid=profile-read-only]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=save-profile]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=apply-preset]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=profile-skills-add]")).ToHaveCountAsync(0);

        await page.Locator(".mud-tab", new() { HasTextString = "Usage and budgets" }).ClickAsync();
        await Expect(page.Locator("[data-testid=budget-tokens]")).ToContainTextAsync("0 of 100,000");
        await Expect(page.Locator("[data-testid=budget-tokens]")).ToHaveAttributeAsync("data-exceeded", "false");
        await Expect(page.Locator("[data-testid=budget-cost]")).ToContainTextAsync("of $5.00");
        await session.ScreenshotAsync("agents-usage");

        await page.GotoAsync("/studio/agents/new");
        await Expect(page.Locator("[data-testid=create-not-allowed]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=create-agent]")).ToHaveCountAsync(0);
        Assert.Equal(agentId, (await (await member.Client.GetAsync($"/api/engine/agents/{agentId}")).AssertSuccessAsync()).GetProperty("data").GetProperty("id").GetGuid());
        Assert.Empty(session.Errors);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var (client, agentId) in _created)
        {
            // Destroy stops the process first: no agent outlives the test run.
            await client.DeleteAsync($"/api/engine/agents/{agentId}");
        }
    }

    /// <summary>As the Local end-to-end tests do: created with the preset, profile applied, a config update makes it ready.</summary>
    private async Task<Guid> CreateReadyAgentAsync(HttpClient client)
    {
        var created = await (await client.PostAsJsonAsync("/api/engine/agents", new
        {
            config = new
            {
                name = "agent-" + Guid.NewGuid().ToString("N")[..8],
                displayName = "Support Bot",
                identity = new { role = "customer support" },
                model = new { provider = "anthropic", modelId = "claude-sonnet" },
                deployment = new { target = "local" },
                permissionProfileId = Preset,
                budgets = new { tokenBudgetMonthly = 100_000, costBudgetMonthlyUsd = 5m },
            },
        })).AssertSuccessAsync(HttpStatusCode.Created);
        var agentId = created.GetProperty("data").GetProperty("id").GetGuid();
        _created.Add((client, agentId));
        await (await client.PostAsJsonAsync($"/api/engine/profiles/{agentId}/apply-preset", new { presetName = Preset })).AssertSuccessAsync();
        await (await client.PatchAsJsonAsync($"/api/engine/agents/{agentId}/config", new { updates = new { permissionProfileId = Preset } })).AssertSuccessAsync();
        return agentId;
    }

    private static async Task<JsonElement> ProfileAsync(HttpClient client, Guid agentId) =>
        (await (await client.GetAsync($"/api/engine/profiles/{agentId}")).AssertSuccessAsync()).GetProperty("data");

    private static async Task<string?> StateAsync(HttpClient client, Guid agentId) =>
        (await (await client.GetAsync($"/api/engine/agents/{agentId}")).AssertSuccessAsync()).GetProperty("data").GetProperty("state").GetString();

    private static Func<string, bool> AgentPage() => url => AgentPagePattern().IsMatch(new Uri(url).AbsolutePath);

    private static ILocator FieldError(IPage page, string testId) =>
        page.Locator(".mud-input-control", new() { Has = page.Locator($"[data-testid={testId}]") }).Locator(".mud-input-helper-text.mud-input-error");

    [GeneratedRegex("^/studio/agents/[0-9a-f-]{36}$")]
    private static partial Regex AgentPagePattern();
}
