using System.Net.Http.Headers;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>What a person does in the workflow designer, as steps the designer and journey tests share.</summary>
internal static class DesignerSteps
{
    public const string ToolApproval = "tool-approval";
    private const string Definitions = "/api/workflows/definitions";

    public static ILocator Node(IPage page, string id) => page.Locator($"[data-testid=designer-node][data-activity-id=\"{id}\"]");

    /// <summary>Drags a palette item onto the canvas at a fraction of its size.</summary>
    public static async Task DropAsync(IPage page, string type, double fx, double fy)
    {
        var canvas = page.Locator("[data-testid=designer-canvas]");
        var box = (await canvas.BoundingBoxAsync())!;
        await page.Locator($"[data-testid=\"palette-{type}\"]").DragToAsync(canvas, new LocatorDragToOptions
        {
            TargetPosition = new TargetPosition { X = (float)(box.Width * fx), Y = (float)(box.Height * fy) },
        });
    }

    /// <summary>Draws a link from an outcome port to a node's input port with the mouse.</summary>
    public static async Task ConnectAsync(IPage page, string from, string outcome, string to)
    {
        var source = (await Node(page, from).Locator($".af-outcome[data-outcome=\"{outcome}\"] .af-port-out").BoundingBoxAsync())!;
        var target = (await Node(page, to).Locator(".af-port-in").BoundingBoxAsync())!;
        await page.Mouse.MoveAsync(source.X + source.Width / 2, source.Y + source.Height / 2);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(target.X + target.Width / 2, target.Y + target.Height / 2, new MouseMoveOptions { Steps = 10 });
        await page.Mouse.UpAsync();
    }

    /// <summary>Sets an input of the selected node: its syntax, then its text (committed on blur).</summary>
    public static async Task SetInputAsync(IPage page, string input, string syntax, string text)
    {
        await page.Locator($"[data-testid=syntax-{input}]").SelectOptionAsync(syntax);
        // Scripts and templates get a multi-line editor: wait for it to replace the single-line one before typing.
        var editor = page.Locator($"[data-testid=value-{input}]").Locator(syntax is "js" or "liquid" ? "textarea" : "input, textarea").First;
        await Expect(editor).ToBeVisibleAsync();
        await editor.FillAsync(text);
        await editor.PressAsync("Tab");
        await Expect(page.Locator($"[data-testid=value-{input}]").Locator("input, textarea").First).ToHaveValueAsync(text);
    }

    public static async Task ImportToolApprovalAsync(TestTenant tenant)
    {
        var file = await File.ReadAllBytesAsync(Path.Combine(AppContext.BaseDirectory, "workflows", "tool-approval.json"), TestContext.Current.CancellationToken);
        using var content = new ByteArrayContent(file);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await tenant.Owner.Client.PostAsync($"{Definitions}/import?publish=true", content, TestContext.Current.CancellationToken);
        var body = await response.AssertSuccessAsync();
        Assert.Equal("published", body.GetProperty("data")[0].GetProperty("outcome").GetString());
    }

    /// <summary>
    /// In an open tool-approval designer: a second escalation level (await --TimedOut--> escalate2 --Escalated--> escalate,
    /// escalate2 --Closed--> end) added from the palette, saved as version 2 and published.
    /// </summary>
    public static async Task AddEscalationLevelAndPublishAsync(IPage page, Func<string, Task>? screenshot = null)
    {
        await Expect(page.Locator("[data-testid=designer-node]")).ToHaveCountAsync(6);
        await DropAsync(page, "approval.escalate", 0.45, 0.85);
        await Expect(Node(page, "escalate2")).ToBeVisibleAsync();
        await SetInputAsync(page, "requestId", "js", "input.requestId");
        await SetInputAsync(page, "orgId", "js", "input.orgId");
        await SetInputAsync(page, "level", "var", "level");
        await page.Locator("[data-testid=output-status] input").FillAsync("status");
        await page.Locator("[data-testid=output-status] input").PressAsync("Tab");
        if (screenshot is not null)
        {
            await Expect(page.Locator("[data-testid=output-status] input")).ToHaveValueAsync("status");
            await screenshot("designer-properties");
        }

        await Node(page, "await").Locator(".af-node-title").ClickAsync();
        var counts = page.Locator("[data-testid=designer-counts]");
        await page.Locator("[data-testid=edge-delete-TimedOut-escalate]").ClickAsync();
        await Expect(counts).ToHaveTextAsync("7 nodes, 7 edges");
        await ConnectAsync(page, "await", "TimedOut", "escalate2");
        await Expect(counts).ToHaveTextAsync("7 nodes, 8 edges");
        await ConnectAsync(page, "escalate2", "Escalated", "escalate");
        await Expect(counts).ToHaveTextAsync("7 nodes, 9 edges");
        await ConnectAsync(page, "escalate2", "Closed", "end");
        await Expect(counts).ToHaveTextAsync("7 nodes, 10 edges");

        await page.Locator("[data-testid=designer-save]").ClickAsync();
        await Expect(page.Locator("[data-testid=designer-version]")).ToHaveTextAsync("v2");
        await page.Locator("[data-testid=designer-publish]").ClickAsync();
        await Expect(page.Locator("[data-testid=designer-status]")).ToHaveTextAsync("published");
    }
}
