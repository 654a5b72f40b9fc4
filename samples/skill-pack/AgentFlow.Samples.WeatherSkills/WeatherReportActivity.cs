using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;

namespace AgentFlow.Samples.WeatherSkills;

/// <summary>
/// A workflow activity contributed by the plugin: writes a one-line weather report for a city. It completes in the
/// same step (no waits), so it shows the smallest shape an activity can have. The figures are made up from the
/// city's name: a sample must not depend on a weather service being reachable.
/// </summary>
[Activity("sample.weather-report", Category = "Samples", DisplayName = "Weather report", Icon = "cloud-sun",
    Description = "Writes a short weather report for a city (sample plugin; the figures are made up).")]
public sealed class WeatherReportActivity : IActivity
{
    private static readonly string[] Conditions = ["sunny", "cloudy", "rainy", "windy", "snowy"];

    /// <summary>The city.</summary>
    [ActivityInput(Description = "The city to report on.", Required = true)]
    public string City { get; set; } = "";

    /// <summary>The report.</summary>
    [ActivityOutput(Description = "The report, one line (\"Lyon: sunny, 21 °C\").")]
    public string? Report { get; private set; }

    /// <inheritdoc />
    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var city = City.Trim();
        if (city.Length == 0)
        {
            return ValueTask.FromResult(ActivityResult.Fail("The city is required."));
        }

        // A stable seed (string.GetHashCode is randomised per process): the same city gives the same report everywhere.
        var seed = 0;
        foreach (var c in city.ToUpperInvariant())
        {
            seed = unchecked((seed * 31) + c);
        }

        seed &= int.MaxValue;
        Report = $"{city}: {Conditions[seed % Conditions.Length]}, {(seed % 35) - 5} °C";
        context.Log("info", $"Weather report for {city} written (weather skills sample {PluginVersion.Current}).");
        return ValueTask.FromResult(ActivityResult.Complete(
            "Done",
            new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["report"] = Report }));
    }
}
