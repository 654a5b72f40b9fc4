using Microsoft.JSInterop;

namespace AgentFlow.Studio.Components.Designer;

/// <summary>The designer's browser module (wwwroot/designer.js), imported on demand by the pages that draw diagrams.</summary>
internal static class DesignerScript
{
    /// <summary>Installs the guard against the diagram library's late resize reports before any canvas is drawn.</summary>
    public static async Task GuardAsync(IJSRuntime js, CancellationToken cancellationToken)
    {
        try
        {
            await using var module = await js.InvokeAsync<IJSObjectReference>("import", cancellationToken, "./_content/AgentFlow.Studio/designer.js");
            await module.InvokeVoidAsync("guardDiagramResizeCallbacks", cancellationToken);
        }
        catch (JSException)
        {
            // Without the guard the designer still works; a removed node may log one harmless browser error.
        }
    }
}
