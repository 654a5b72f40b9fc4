namespace AgentFlow.Host.Tests.Plugins;

/// <summary>
/// The sample plugins, built once per test class at test time from the repository's projects (weather skills 1.0.0
/// and 2.0.0, the directory deploy target, a plugin whose constructor throws), each into a folder of its own.
/// </summary>
public sealed class SamplePlugins : IAsyncLifetime
{
    public const string WeatherId = "sample.weather-skills";
    public const string DirectoryTargetId = "sample.directory-target";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "agentflow-sample-plugins", Guid.NewGuid().ToString("N"));

    public string WeatherV1 { get; private set; } = "";

    public string WeatherV2 { get; private set; } = "";

    public string DirectoryTarget { get; private set; } = "";

    public string Throwing { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        // Built side by side: each build has its own output and intermediate folders.
        var builds = await Task.WhenAll(
            PluginBuilder.BuildAsync(PluginBuilder.WeatherSkills, Path.Combine(_root, "weather-1"), "1.0.0", ct),
            PluginBuilder.BuildAsync(PluginBuilder.WeatherSkills, Path.Combine(_root, "weather-2"), "2.0.0", ct),
            PluginBuilder.BuildAsync(PluginBuilder.DirectoryTarget, Path.Combine(_root, "directory"), "1.0.0", ct),
            PluginBuilder.BuildAsync(PluginBuilder.Throwing, Path.Combine(_root, "throwing"), "1.0.0", ct));
        (WeatherV1, WeatherV2, DirectoryTarget, Throwing) = (builds[0], builds[1], builds[2], builds[3]);
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A temp folder; the OS cleans it.
        }

        return ValueTask.CompletedTask;
    }
}
