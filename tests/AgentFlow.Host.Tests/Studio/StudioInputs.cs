using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>Filling MudBlazor fields as a person does: type, then leave the field (MudBlazor commits on blur).</summary>
internal static class StudioInputs
{
    /// <summary>The input carrying the test id itself, or inside the element that does.</summary>
    public static async Task FillAsync(IPage page, string testId, string value)
    {
        var input = page.Locator($"input[data-testid={testId}], [data-testid={testId}] input").First;
        await input.FillAsync(value);
        await input.PressAsync("Tab");
    }

    /// <summary>Opens a select and picks the option whose text contains <paramref name="optionText"/>.</summary>
    public static async Task ChooseAsync(IPage page, string testId, string optionText)
    {
        await page.Locator($"[data-testid={testId}]").First.ClickAsync();
        await page.Locator(".mud-popover-open .mud-list-item", new() { HasTextString = optionText }).First.ClickAsync();
        await Expect(page.Locator(".mud-popover-open .mud-list-item")).ToHaveCountAsync(0);
    }
}
