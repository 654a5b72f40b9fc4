using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static AgentFlow.Host.Tests.Studio.DesignerSteps;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>The workflow designer in a real browser: palette, canvas, properties, validation, save, publish, diff, roles.</summary>
public sealed class StudioDesignerTests(StudioFixture fixture) : IClassFixture<StudioFixture>
{
    private const string Definitions = "/api/workflows/definitions";

    [Fact]
    public async Task List_shows_the_definitions_with_their_versions_and_opens_the_designer()
    {
        var tenant = await fixture.CreateTenantAsync();
        await ImportToolApprovalAsync(tenant);
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/workflows");
        var page = session.Page;

        var row = page.Locator($"[data-testid=workflow-row][data-definition-id={ToolApproval}]");
        await Expect(row).ToContainTextAsync("Tool call approval");
        await Expect(row).ToContainTextAsync("published");
        await Expect(page.Locator("[data-testid=workflow-new]")).ToBeVisibleAsync();
        await session.ScreenshotAsync("designer-list");

        await row.Locator("[data-testid=workflow-open]").ClickAsync();
        await Expect(page.Locator("[data-testid=designer-node]")).ToHaveCountAsync(6);
        await Expect(page.Locator("[data-testid=designer-version]")).ToHaveTextAsync("v1");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task New_definition_opens_in_the_designer_and_an_imported_file_becomes_a_draft()
    {
        var tenant = await fixture.CreateTenantAsync();
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/workflows");
        var page = session.Page;
        await Expect(page.Locator("[data-testid=empty-state]")).ToBeVisibleAsync();

        await page.Locator("[data-testid=workflow-new]").ClickAsync();
        await page.Locator("[data-testid=workflow-new-id] input").FillAsync("fresh-one");
        await page.Locator("[data-testid=workflow-new-name] input").FillAsync("Fresh one");
        await page.Locator("[data-testid=workflow-create]").ClickAsync();
        await page.WaitForURLAsync(url => new Uri(url).AbsolutePath == "/studio/workflows/fresh-one");
        await Expect(page.Locator("[data-testid=designer-node]")).ToHaveCountAsync(2);
        await Expect(page.Locator("[data-testid=designer-status]")).ToHaveTextAsync("draft");

        await page.GotoAsync("/studio/workflows");
        await session.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=workflow-row]")).ToHaveCountAsync(1);
        var file = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "workflows", "tool-approval.json"), TestContext.Current.CancellationToken);
        await page.Locator("[data-testid=workflow-import]").SetInputFilesAsync(new FilePayload { Name = "tool-approval.json", MimeType = "application/json", Buffer = file });
        await Expect(page.Locator("[data-testid=import-results]")).ToContainTextAsync("tool-approval.json: draft");
        await Expect(page.Locator("[data-testid=workflow-row]")).ToHaveCountAsync(2);
        Assert.Equal("draft", (await GetDataAsync(tenant, $"{Definitions}/{ToolApproval}")).GetProperty("status").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Adding_an_escalation_level_from_the_palette_saves_and_publishes_version_2()
    {
        var tenant = await fixture.CreateTenantAsync();
        await ImportToolApprovalAsync(tenant);
        await using var session = await fixture.SignInAsync(tenant.Owner, $"/studio/workflows/{ToolApproval}");
        var page = session.Page;
        await Expect(page.Locator("[data-testid=designer-node]")).ToHaveCountAsync(6);
        await Expect(page.Locator("[data-testid=designer-version]")).ToHaveTextAsync("v1");
        await session.ScreenshotAsync("designer-canvas");

        await AddEscalationLevelAndPublishAsync(page, session.ScreenshotAsync);

        var stored = await GetDataAsync(tenant, $"{Definitions}/{ToolApproval}");
        Assert.Equal(2, stored.GetProperty("version").GetInt32());
        Assert.Equal("published", stored.GetProperty("status").GetString());
        var definition = stored.GetProperty("definition");
        var node = definition.GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "escalate2");
        Assert.Equal("approval.escalate", node.GetProperty("type").GetString());
        Assert.Equal("input.requestId", node.GetProperty("inputs").GetProperty("requestId").GetProperty("js").GetString());
        Assert.Equal("level", node.GetProperty("inputs").GetProperty("level").GetProperty("var").GetString());
        var edges = definition.GetProperty("edges").EnumerateArray().Select(e => $"{e.GetProperty("from").GetString()}-{(e.TryGetProperty("on", out var on) ? on.GetString() : "Done")}-{e.GetProperty("to").GetString()}").ToList();
        Assert.Contains("await-TimedOut-escalate2", edges);
        Assert.DoesNotContain("await-TimedOut-escalate", edges);
        Assert.Contains("escalate2-Escalated-escalate", edges);
        Assert.Contains("escalate2-Closed-end", edges);
        // What the canvas does not show survives: inputs, variables, outputs.
        Assert.Equal(2, definition.GetProperty("variables").GetArrayLength());
        Assert.Equal("status", definition.GetProperty("outputs")[0].GetProperty("from").GetProperty("var").GetString());
        Assert.True(definition.GetProperty("layout").TryGetProperty("escalate2", out _));

        var validation = await PostJsonAsync(tenant, $"{Definitions}/validate", definition.GetRawText());
        Assert.True(validation.GetProperty("valid").GetBoolean(), validation.GetRawText());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task Drop_connect_move_delete_and_undo_change_the_graph_step_by_step()
    {
        var tenant = await fixture.CreateTenantAsync();
        await CreateSimpleAsync(tenant, "simple");
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/workflows/simple");
        var page = session.Page;
        var counts = page.Locator("[data-testid=designer-counts]");
        await Expect(counts).ToHaveTextAsync("2 nodes, 1 edges");

        await DropAsync(page, "core.log", 0.5, 0.75);
        await Expect(counts).ToHaveTextAsync("3 nodes, 1 edges");
        await ConnectAsync(page, "log", "Done", "end");
        await Expect(counts).ToHaveTextAsync("3 nodes, 2 edges");

        var title = Node(page, "log").Locator(".af-node-title");
        var before = (await Node(page, "log").BoundingBoxAsync())!;
        var box = (await title.BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(box.X + 10, box.Y + box.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(box.X + 10, box.Y + box.Height / 2 - 80, new MouseMoveOptions { Steps = 8 });
        await page.Mouse.UpAsync();
        var after = (await Node(page, "log").BoundingBoxAsync())!;
        Assert.True(after.Y < before.Y - 40, $"the node moved up: {before.Y} → {after.Y}");

        await page.Locator("[data-testid=designer-delete]").ClickAsync();
        await Expect(counts).ToHaveTextAsync("2 nodes, 1 edges");

        await page.Locator("[data-testid=designer-undo]").ClickAsync();
        await Expect(counts).ToHaveTextAsync("3 nodes, 2 edges");
        await page.Locator("[data-testid=designer-canvas]").FocusAsync();
        await page.Keyboard.PressAsync("Control+z");
        await Expect(counts).ToHaveTextAsync("3 nodes, 2 edges");
        await page.Keyboard.PressAsync("Control+z");
        await Expect(counts).ToHaveTextAsync("3 nodes, 1 edges");
        await page.Locator("[data-testid=designer-undo]").ClickAsync();
        await Expect(counts).ToHaveTextAsync("2 nodes, 1 edges");
        await Expect(page.Locator("[data-testid=designer-undo]")).ToBeDisabledAsync();

        // The Delete key removes the selected node with its edges; undo brings both back.
        await Node(page, "end").Locator(".af-node-title").ClickAsync();
        await page.Keyboard.PressAsync("Delete");
        await Expect(counts).ToHaveTextAsync("1 nodes, 0 edges");
        await page.Locator("[data-testid=designer-undo]").ClickAsync();
        await Expect(counts).ToHaveTextAsync("2 nodes, 1 edges");
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task An_input_edited_as_JavaScript_is_written_as_a_js_expression()
    {
        var tenant = await fixture.CreateTenantAsync();
        await CreateSimpleAsync(tenant, "logging");
        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/workflows/logging");
        var page = session.Page;

        await DropAsync(page, "core.log", 0.5, 0.75);
        await SetInputAsync(page, "message", "js", "'amount ' + input.amount");
        await ConnectAsync(page, "start", "Done", "log");

        await page.GetByRole(AriaRole.Tab, new PageGetByRoleOptions { Name = "JSON" }).ClickAsync();
        var json = JsonNode.Parse(await page.Locator("[data-testid=designer-json]").InputValueAsync())!;
        var log = json["nodes"]!.AsArray().Single(n => n!["id"]!.GetValue<string>() == "log")!;
        Assert.Equal("'amount ' + input.amount", log["inputs"]!["message"]!["js"]!.GetValue<string>());
        Assert.Equal("simple", json["name"]!.GetValue<string>());

        await page.GetByRole(AriaRole.Tab, new PageGetByRoleOptions { Name = "Designer" }).ClickAsync();
        await page.Locator("[data-testid=designer-save]").ClickAsync();
        await Expect(page.Locator("[data-testid=designer-version]")).ToHaveTextAsync("v1");
        await Expect(page.Locator("[data-testid=designer-dirty]")).ToHaveCountAsync(0);
        var stored = await GetDataAsync(tenant, $"{Definitions}/logging");
        var storedLog = stored.GetProperty("definition").GetProperty("nodes").EnumerateArray().Single(n => n.GetProperty("id").GetString() == "log");
        Assert.Equal("'amount ' + input.amount", storedLog.GetProperty("inputs").GetProperty("message").GetProperty("js").GetString());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task An_invalid_graph_shows_the_validation_messages_on_the_node()
    {
        var tenant = await fixture.CreateTenantAsync();
        await ImportToolApprovalAsync(tenant);
        await using var session = await fixture.SignInAsync(tenant.Owner, $"/studio/workflows/{ToolApproval}");
        var page = session.Page;
        await Expect(page.Locator("[data-testid=designer-node]")).ToHaveCountAsync(6);

        await DropAsync(page, "approval.escalate", 0.45, 0.85);
        await page.Locator("[data-testid=designer-validate]").ClickAsync();

        var node = Node(page, "escalate2");
        await Expect(node).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("invalid"));
        await Expect(node.Locator("[data-testid=node-problem]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=validation-problem][data-node=escalate2]").First).ToBeVisibleAsync();
        await Expect(Node(page, "await")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex("invalid"));
        await session.ScreenshotAsync("designer-validation");

        // Saving an invalid graph is refused before it reaches the server: still version 1.
        await page.Locator("[data-testid=designer-save]").ClickAsync();
        await Expect(page.Locator("[data-testid=designer-version]")).ToHaveTextAsync("v1");
        Assert.Equal(1, (await GetDataAsync(tenant, $"{Definitions}/{ToolApproval}")).GetProperty("version").GetInt32());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task The_diff_between_version_1_and_2_shows_the_added_node_and_revert_restores_version_1()
    {
        var tenant = await fixture.CreateTenantAsync();
        await ImportToolApprovalAsync(tenant);
        var v1 = JsonNode.Parse((await GetDataAsync(tenant, $"{Definitions}/{ToolApproval}")).GetProperty("definition").GetRawText())!.AsObject();
        v1["nodes"]!.AsArray().Add(new JsonObject
        {
            ["id"] = "notifyAgain",
            ["type"] = "approval.notify",
            ["inputs"] = new JsonObject { ["requestId"] = new JsonObject { ["js"] = "input.requestId" }, ["orgId"] = new JsonObject { ["js"] = "input.orgId" } },
        });
        v1["edges"]!.AsArray().Add(new JsonObject { ["from"] = "autoApprove", ["on"] = "Review", ["to"] = "notifyAgain" });
        using (var put = await tenant.Owner.Client.PutAsync($"{Definitions}/{ToolApproval}", new StringContent(v1.ToJsonString(), Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
        {
            await put.AssertSuccessAsync();
        }

        await using var session = await fixture.SignInAsync(tenant.Owner, $"/studio/workflows/{ToolApproval}");
        var page = session.Page;
        await Expect(page.Locator("[data-testid=designer-version]")).ToHaveTextAsync("v2");
        await page.GetByRole(AriaRole.Tab, new PageGetByRoleOptions { Name = "Versions" }).ClickAsync();
        await Expect(page.Locator("[data-testid=version-row]")).ToHaveCountAsync(2);
        await page.Locator("[data-testid=diff-from]").SelectOptionAsync("1");
        await page.Locator("[data-testid=diff-to]").SelectOptionAsync("2");
        await page.Locator("[data-testid=designer-diff]").ClickAsync();

        var added = page.Locator("[data-testid=diff-added]");
        await Expect(added.Filter(new LocatorFilterOptions { HasText = "\"notifyAgain\"" })).Not.ToHaveCountAsync(0);
        await Expect(added.Filter(new LocatorFilterOptions { HasText = "approval.notify" })).ToHaveCountAsync(1);
        // Nothing of version 1 went: only the version number and the comma after a list's former last entry change.
        foreach (var removed in await page.Locator("[data-testid=diff-removed]").AllInnerTextsAsync())
        {
            Assert.Matches(@"^-\s*([}\]]|""version"": 1,)$", removed.Trim());
        }

        await session.ScreenshotAsync("designer-diff");

        // Reverting to version 1 copies it into a new draft (v3) and puts it on the canvas.
        await page.Locator("[data-testid=revert-1]").ClickAsync();
        await Expect(page.Locator("[data-testid=designer-version]")).ToHaveTextAsync("v3");
        await Expect(page.Locator("[data-testid=version-row]")).ToHaveCountAsync(3);
        await page.GetByRole(AriaRole.Tab, new PageGetByRoleOptions { Name = "Designer" }).ClickAsync();
        await Expect(page.Locator("[data-testid=designer-node]")).ToHaveCountAsync(6);
        var latest = await GetDataAsync(tenant, $"{Definitions}/{ToolApproval}");
        Assert.Equal(3, latest.GetProperty("version").GetInt32());
        Assert.Equal(6, latest.GetProperty("definition").GetProperty("nodes").GetArrayLength());
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task A_member_sees_a_read_only_designer_without_save_publish_or_import()
    {
        var tenant = await fixture.CreateTenantAsync();
        await ImportToolApprovalAsync(tenant);
        var member = await tenant.AddUserAsync(UserRole.Member);
        await using var session = await fixture.SignInAsync(member, $"/studio/workflows/{ToolApproval}");
        var page = session.Page;

        await Expect(page.Locator("[data-testid=designer-node]")).ToHaveCountAsync(6);
        await Expect(page.Locator("[data-testid=designer-validate]")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-testid=designer-save]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=designer-publish]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=designer-import]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=designer-undo]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=\"palette-approval.escalate\"]")).ToHaveAttributeAsync("draggable", "false");
        await Node(page, "escalate").Locator(".af-node-title").ClickAsync();
        await Expect(page.Locator("[data-testid=designer-delete-node]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=syntax-level]")).ToBeDisabledAsync();
        await page.Keyboard.PressAsync("Delete");
        await Expect(page.Locator("[data-testid=designer-node]")).ToHaveCountAsync(6);

        await page.GotoAsync("/studio/workflows");
        await session.WaitForInteractiveAsync();
        await Expect(page.Locator("[data-testid=workflow-row]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=workflow-new]")).ToHaveCountAsync(0);
        await Expect(page.Locator("[data-testid=workflow-import]")).ToHaveCountAsync(0);
        Assert.Empty(session.Errors);
    }

    [Fact]
    public async Task An_instance_shows_completed_and_waiting_nodes_on_the_graph_with_its_journal()
    {
        var tenant = await fixture.CreateTenantAsync();
        const string document = """
            {"schema":"wf/1","definitionId":"waiting","name":"Waiting",
             "nodes":[{"id":"start","type":"core.start"},{"id":"wait","type":"core.waitSignal","inputs":{"name":"go"}},{"id":"end","type":"core.end"}],
             "edges":[{"from":"start","to":"wait"},{"from":"wait","to":"end"}],"layout":{"start":[0,0],"wait":[240,0],"end":[480,0]}}
            """;
        using (var import = await tenant.Owner.Client.PostAsync($"{Definitions}/import?publish=true", new StringContent(document, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
        {
            Assert.Equal("published", (await import.AssertSuccessAsync()).GetProperty("data")[0].GetProperty("outcome").GetString());
        }

        Guid instanceId;
        using (var start = await tenant.Owner.Client.PostAsync($"{Definitions}/waiting/instances", new StringContent("{}", Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken))
        {
            instanceId = (await start.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("instanceId").GetGuid();
        }

        await using var session = await fixture.SignInAsync(tenant.Owner, "/studio/workflows/waiting/instances");
        var page = session.Page;
        await Expect(page.Locator("[data-testid=instance-row]")).ToHaveCountAsync(1);
        await page.Locator("[data-testid=instance-open]").ClickAsync();

        await Expect(Node(page, "start")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-completed"));
        await Expect(Node(page, "wait")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-waiting"));
        await Expect(Node(page, "end")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("run-unreached"));
        await Expect(page.Locator("[data-testid=journal-line]").Filter(new LocatorFilterOptions { HasText = "suspended" })).ToHaveCountAsync(1);
        Assert.Contains(instanceId.ToString(), page.Url, StringComparison.Ordinal);
        await session.ScreenshotAsync("designer-instance");
        Assert.Empty(session.Errors);
    }

    private static async Task CreateSimpleAsync(TestTenant tenant, string id)
    {
        var document = $$$"""
            {"schema":"wf/1","definitionId":"{{{id}}}","name":"simple","variables":[{"name":"x","type":"number","default":1}],
             "nodes":[{"id":"start","type":"core.start"},{"id":"end","type":"core.end"}],
             "edges":[{"from":"start","to":"end"}],"layout":{"start":[40,60],"end":[320,60]}}
            """;
        using var response = await tenant.Owner.Client.PostAsync(Definitions, new StringContent(document, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        await response.AssertSuccessAsync(HttpStatusCode.Created);
    }

    private static async Task<JsonElement> GetDataAsync(TestTenant tenant, string path)
    {
        using var response = await tenant.Owner.Client.GetAsync(path, TestContext.Current.CancellationToken);
        return (await response.AssertSuccessAsync()).GetProperty("data");
    }

    private static async Task<JsonElement> PostJsonAsync(TestTenant tenant, string path, string json)
    {
        using var response = await tenant.Owner.Client.PostAsync(path, new StringContent(json, Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        return (await response.AssertSuccessAsync()).GetProperty("data");
    }
}
