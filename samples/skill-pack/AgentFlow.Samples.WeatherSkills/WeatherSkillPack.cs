using System.Reflection;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Samples.WeatherSkills;

/// <summary>
/// The skill pack: one skill (<c>weather</c>), its two read-only tools and a preset that grants only them.
/// The loader finds it because it is a public, non-abstract <see cref="ISkillPack"/> in the entry assembly.
/// </summary>
public sealed class WeatherSkillPack : ISkillPack
{
    /// <summary>The skill id.</summary>
    public const string SkillId = "weather";

    /// <summary>Builds the pack's data once: the catalog reads it once and copies it, so nothing here is shared with the host.</summary>
    public WeatherSkillPack()
    {
        Version = PluginVersion.Current;
        Skills =
        [
            new SkillDefinition(
                SkillId,
                "Weather",
                $"Current conditions and forecasts for a city (weather skills sample {Version}).",
                SkillCategories.Productivity,
                RiskLevel.Low,
                "🌦️")
            {
                ConfigFields =
                [
                    new SkillConfigField("units", "Units", ConfigFieldKind.Select, Required: false)
                    {
                        DefaultValue = "metric",
                        Options = [new ConfigOption("Metric (°C)", "metric"), new ConfigOption("Imperial (°F)", "imperial")],
                    },
                ],
            },
        ];
        Tools =
        [
            new ToolDefinition("weather_current", "Current weather", "Reads the current conditions of a city.", ToolCategory.Read, RiskLevel.Low, SkillId),
            new ToolDefinition("weather_forecast", "Weather forecast", "Reads the forecast of a city for the next days.", ToolCategory.Read, RiskLevel.Low, SkillId),
        ];
        Presets =
        [
            new PermissionPreset("weather-reader", "Weather reader", "Can read the weather and nothing else.")
            {
                SkillMode = SkillAccessMode.Allowlist,
                SkillIds = [SkillId],
                MaxRiskLevel = RiskLevel.Low,
                BlockedSideEffects = [.. SideEffects.All],
            },
        ];
    }

    /// <inheritdoc />
    public string Id => "sample-weather";

    /// <inheritdoc />
    public string Name => "Weather skills (sample)";

    /// <inheritdoc />
    public string Version { get; }

    /// <inheritdoc />
    public IReadOnlyList<SkillDefinition> Skills { get; }

    /// <inheritdoc />
    public IReadOnlyList<ToolDefinition> Tools { get; }

    /// <inheritdoc />
    public IReadOnlyList<PermissionPreset> Presets { get; }
}

/// <summary>The plugin's version as built (<c>-p:PluginVersion=2.0.0</c>).</summary>
internal static class PluginVersion
{
    /// <summary>
    /// The assembly's informational version without the <c>+commit</c> suffix the SDK appends, so the version shown in
    /// the catalog is the one in plugin.json.
    /// </summary>
    public static string Current { get; } = Read();

    private static string Read()
    {
        var informational = typeof(PluginVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? informational : informational[..plus];
    }
}
