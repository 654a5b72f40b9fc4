using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using NuGet.Versioning;

namespace AgentFlow.Plugins;

/// <summary>Reads and checks a folder's <c>plugin.json</c>.</summary>
public static partial class PluginManifestReader
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        AllowTrailingCommas = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
    };

    /// <summary>The version of the running AgentFlow, compared with a manifest's minimum.</summary>
    public static NuGetVersion HostVersion { get; } = ReadHostVersion();

    /// <summary>Reads the manifest of a plugin folder.</summary>
    /// <returns>The manifest, or null with the problems that make it unusable.</returns>
    public static PluginManifest? Read(string folder, out IReadOnlyList<string> problems)
    {
        var path = Path.Combine(folder, PluginManifest.FileName);
        if (!File.Exists(path))
        {
            problems = [$"The folder has no {PluginManifest.FileName}."];
            return null;
        }

        PluginManifest? manifest;
        try
        {
            manifest = JsonSerializer.Deserialize<PluginManifest>(File.ReadAllText(path), Json);
        }
        catch (JsonException ex)
        {
            problems = [$"{PluginManifest.FileName} is not valid: {ex.Message}"];
            return null;
        }

        if (manifest is null)
        {
            problems = [$"{PluginManifest.FileName} is empty."];
            return null;
        }

        problems = Check(manifest);
        return problems.Count == 0 ? manifest : null;
    }

    /// <summary>The problems of a manifest; empty when it is usable on this host.</summary>
    public static IReadOnlyList<string> Check(PluginManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(manifest.Id) || !PluginId().IsMatch(manifest.Id))
        {
            problems.Add($"id \"{manifest.Id}\" must be 1–64 lower-case letters, digits, '.' or '-', starting with a letter or digit.");
        }

        if (!NuGetVersion.TryParse(manifest.Version, out _))
        {
            problems.Add($"version \"{manifest.Version}\" is not a semantic version (1.2.0).");
        }

        if (string.IsNullOrWhiteSpace(manifest.DisplayName))
        {
            problems.Add("displayName is required.");
        }

        if (manifest.MinimumAgentFlowVersion is { } minimum)
        {
            if (!NuGetVersion.TryParse(minimum, out var required))
            {
                problems.Add($"minimumAgentFlowVersion \"{minimum}\" is not a semantic version.");
            }
            else if (required > HostVersion)
            {
                problems.Add($"The plugin needs AgentFlow {required.ToNormalizedString()} or later; this is {HostVersion.ToNormalizedString()}.");
            }
        }

        if (manifest.EntryAssembly is { } entry
            && (Path.IsPathRooted(entry) || entry.Contains("..", StringComparison.Ordinal) || !entry.EndsWith(".dll", StringComparison.OrdinalIgnoreCase)))
        {
            problems.Add($"entryAssembly \"{entry}\" must be a .dll file name inside the plugin folder.");
        }

        return problems;
    }

    /// <summary>The entry assembly's file name: the manifest's, or the plugin id followed by .dll.</summary>
    public static string EntryAssemblyOf(PluginManifest manifest)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return string.IsNullOrWhiteSpace(manifest.EntryAssembly) ? manifest.Id + ".dll" : manifest.EntryAssembly;
    }

    private static NuGetVersion ReadHostVersion()
    {
        // The contracts assembly carries the product version of the build (Directory.Build.props).
        var informational = typeof(PluginManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var plain = informational?.Split('+')[0];
        return NuGetVersion.TryParse(plain, out var version) ? version : new NuGetVersion(0, 0, 0);
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9.-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex PluginId();
}
