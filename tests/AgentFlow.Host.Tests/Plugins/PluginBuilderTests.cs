using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using System.Runtime.Loader;
using System.Text.Json;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Host.Tests.Plugins;

/// <summary>
/// The test-time plugin builder: each build yields a self-contained plugin folder stamped with the requested version,
/// without the contracts, so hot-swap tests can rely on "folder N holds version N".
/// </summary>
public sealed class PluginBuilderTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agentflow-plugin-builder-tests", Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    [Theory]
    [InlineData("1.0.0")]
    [InlineData("2.0.0")]
    public async Task BuildAsync_WeatherSample_FolderCarriesRequestedVersion(string version)
    {
        // Arrange
        var output = Path.Combine(_root, "sample.weather-skills");

        // Act
        var folder = await PluginBuilder.BuildAsync(PluginBuilder.WeatherSkills, output, version, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(output, folder);
        var manifest = ReadManifest(folder);
        Assert.Equal("sample.weather-skills", manifest.GetProperty("id").GetString());
        Assert.Equal(version, manifest.GetProperty("version").GetString());
        Assert.Equal("0.1.0", manifest.GetProperty("minimumAgentFlowVersion").GetString());
        var entry = Path.Combine(folder, manifest.GetProperty("entryAssembly").GetString()!);
        Assert.True(File.Exists(entry), $"The entry assembly {entry} is missing.");
        Assert.Equal(version, InformationalVersionOf(entry).Split('+')[0]);
        Assert.True(File.Exists(Path.ChangeExtension(entry, ".deps.json")));
        Assert.Empty(Directory.GetFiles(folder, "AgentFlow.*Abstractions*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task BuildAsync_TwoVersionsAtOnce_EachFolderHasItsOwnVersion()
    {
        // Arrange
        var first = Path.Combine(_root, "v1");
        var second = Path.Combine(_root, "v2");

        // Act: the same project, built concurrently with two versions.
        await Task.WhenAll(
            PluginBuilder.BuildAsync(PluginBuilder.WeatherSkills, first, "1.0.0", TestContext.Current.CancellationToken),
            PluginBuilder.BuildAsync(PluginBuilder.WeatherSkills, second, "2.0.0", TestContext.Current.CancellationToken));

        // Assert
        Assert.Equal("1.0.0", ReadManifest(first).GetProperty("version").GetString());
        Assert.Equal("2.0.0", ReadManifest(second).GetProperty("version").GetString());
        Assert.Equal("1.0.0", InformationalVersionOf(Path.Combine(first, "AgentFlow.Samples.WeatherSkills.dll")).Split('+')[0]);
        Assert.Equal("2.0.0", InformationalVersionOf(Path.Combine(second, "AgentFlow.Samples.WeatherSkills.dll")).Split('+')[0]);
    }

    [Fact]
    public async Task BuildAsync_WeatherSample_SkillDescriptionShowsTheBuiltVersion()
    {
        // Arrange
        var folder = await PluginBuilder.BuildAsync(PluginBuilder.WeatherSkills, Path.Combine(_root, "weather"), "2.1.0", TestContext.Current.CancellationToken);

        // Act: load it the way the host does, in a collectible context sharing the contracts with this process.
        var context = new AssemblyLoadContext("plugin-builder-test", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(Path.Combine(folder, "AgentFlow.Samples.WeatherSkills.dll"));
            var pack = (ISkillPack)Activator.CreateInstance(assembly.GetType("AgentFlow.Samples.WeatherSkills.WeatherSkillPack", throwOnError: true)!)!;

            // Assert
            Assert.Equal("2.1.0", pack.Version);
            var skill = Assert.Single(pack.Skills);
            Assert.Contains("2.1.0", skill.Description, StringComparison.Ordinal);
            Assert.Equal(["weather_current", "weather_forecast"], pack.Tools.Select(t => t.Id));
            Assert.All(pack.Tools, t => Assert.Equal((ToolCategory.Read, RiskLevel.Low, "weather"), (t.Category, t.Risk, t.SkillId)));
            Assert.Equal("weather-reader", Assert.Single(pack.Presets).Id);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public async Task BuildAsync_DirectoryTargetAndThrowingPlugin_ProduceTheirManifests()
    {
        // Act
        var target = await PluginBuilder.BuildAsync(PluginBuilder.DirectoryTarget, Path.Combine(_root, "directory"), "1.0.0", TestContext.Current.CancellationToken);
        var throwing = await PluginBuilder.BuildAsync(PluginBuilder.Throwing, Path.Combine(_root, "throwing"), "1.0.0", TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal("sample.directory-target", ReadManifest(target).GetProperty("id").GetString());
        Assert.True(File.Exists(Path.Combine(target, "AgentFlow.Samples.DirectoryTarget.dll")));
        Assert.Empty(Directory.GetFiles(target, "Microsoft.Extensions.Logging.Abstractions.dll"));
        Assert.Equal("test.throwing", ReadManifest(throwing).GetProperty("id").GetString());
        Assert.True(File.Exists(Path.Combine(throwing, "AgentFlow.TestPlugins.Throwing.dll")));
    }

    [Fact]
    public void WriteCorruptPlugin_Always_WritesValidManifestAndUnreadableAssembly()
    {
        // Act
        var folder = PluginBuilder.WriteCorruptPlugin(Path.Combine(_root, "corrupt"));

        // Assert
        var manifest = ReadManifest(folder);
        Assert.Equal(PluginBuilder.CorruptPluginId, manifest.GetProperty("id").GetString());
        var entry = Path.Combine(folder, manifest.GetProperty("entryAssembly").GetString()!);
        Assert.True(File.Exists(entry));
        Assert.ThrowsAny<BadImageFormatException>(() => AssemblyName.GetAssemblyName(entry));
    }

    private static JsonElement ReadManifest(string folder)
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "plugin.json")));
        return document.RootElement.Clone();
    }

    // Read from metadata, not by loading: the file stays unlocked and nothing is loaded into the test process.
    private static string InformationalVersionOf(string assemblyPath)
    {
        using var stream = File.OpenRead(assemblyPath);
        using var pe = new PEReader(stream);
        var reader = pe.GetMetadataReader();
        foreach (var handle in reader.GetAssemblyDefinition().GetCustomAttributes())
        {
            var attribute = reader.GetCustomAttribute(handle);
            if (attribute.Constructor.Kind != HandleKind.MemberReference)
            {
                continue;
            }

            var constructor = reader.GetMemberReference((MemberReferenceHandle)attribute.Constructor);
            if (constructor.Parent.Kind != HandleKind.TypeReference
                || reader.GetString(reader.GetTypeReference((TypeReferenceHandle)constructor.Parent).Name) != nameof(AssemblyInformationalVersionAttribute))
            {
                continue;
            }

            // Custom attribute blob: prolog 0x0001, then the constructor's string argument.
            var blob = reader.GetBlobReader(attribute.Value);
            Assert.Equal(1, blob.ReadUInt16());
            return blob.ReadSerializedString() ?? "";
        }

        throw new InvalidOperationException($"{assemblyPath} has no AssemblyInformationalVersionAttribute.");
    }
}
