using MudBlazor;

namespace AgentFlow.Studio;

/// <summary>The tab's colour scheme; the choice is kept in the browser's local storage (studio.js).</summary>
public sealed class ThemeState
{
    public bool IsDark { get; set; }

    /// <summary>System fonts only: the Studio must work with no internet, so no web font is fetched.</summary>
    public static MudTheme Theme { get; } = new()
    {
        Typography = new Typography
        {
            Default = new DefaultTypography { FontFamily = ["system-ui", "-apple-system", "Segoe UI", "DejaVu Sans", "Helvetica", "Arial", "sans-serif"] },
        },
        PaletteLight = new PaletteLight
        {
            Primary = "#3f51b5",
            Secondary = "#00897b",
            AppbarBackground = "#283593",
            Background = "#f5f6fa",
        },
        PaletteDark = new PaletteDark
        {
            Primary = "#8c9eff",
            Secondary = "#4db6ac",
            AppbarBackground = "#1a1f36",
        },
        LayoutProperties = new LayoutProperties { DrawerWidthLeft = "232px" },
    };
}
