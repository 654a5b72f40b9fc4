using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace AgentFlow.Plugins;

/// <summary>The plugins directory and the shadow directory loaded copies live in.</summary>
/// <param name="PluginsDirectory">Absolute path of the plugins directory.</param>
/// <param name="ShadowDirectory">Absolute path of the shadow directory (owned by this server: emptied at start).</param>
public sealed record PluginPaths(string PluginsDirectory, string ShadowDirectory)
{
    /// <summary>The plugin folders now in the directory, by name, ordinal order (the order plugins are first loaded in).</summary>
    public IReadOnlyList<string> ListFolders()
    {
        if (!Directory.Exists(PluginsDirectory))
        {
            return [];
        }

        return [.. Directory.EnumerateDirectories(PluginsDirectory)
            .Where(d => !Path.GetFileName(d).StartsWith('.'))
            .OrderBy(d => Path.GetFileName(d), StringComparer.Ordinal)];
    }

    /// <summary>
    /// A cheap summary of a folder's files (relative names, sizes, write times): it changes when a file is added,
    /// removed or rewritten, which is all the watcher needs to know to reload.
    /// </summary>
    public static string Fingerprint(string folder)
    {
        var builder = new StringBuilder();
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            var info = new FileInfo(file);
            builder.Append(Path.GetRelativePath(folder, file)).Append('|')
                .Append(info.Length.ToString(CultureInfo.InvariantCulture)).Append('|')
                .Append(info.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(builder.ToString())));
    }

    /// <summary>Copies a plugin folder to a fresh shadow folder and answers its path.</summary>
    public string CopyToShadow(string folder, PluginManifest manifest, string fingerprint)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(fingerprint);
        // A fresh name per load: the same version may be loaded again while the previous copy is still mapped.
        var target = Path.Combine(ShadowDirectory, manifest.Id, $"{manifest.Version}-{fingerprint[..8]}-{Guid.NewGuid():N}");
        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(folder, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: false);
        }

        return target;
    }

    /// <summary>Deletes a shadow copy, if the system lets it (a mapped file may stay until the context is collected).</summary>
    public static void TryDelete(string shadowFolder)
    {
        try
        {
            Directory.Delete(shadowFolder, recursive: true);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Left for ResetShadow at the next start.
        }
    }

    /// <summary>Removes the shadow copies of an earlier run (nothing of them is loaded any more).</summary>
    public void ResetShadow()
    {
        if (Directory.Exists(ShadowDirectory))
        {
            try
            {
                Directory.Delete(ShadowDirectory, recursive: true);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Another process (a second server on the same data directory) may hold files; copies get unique names anyway.
            }
        }

        Directory.CreateDirectory(ShadowDirectory);
    }
}
