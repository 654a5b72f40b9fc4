using System.IO.Compression;
using Microsoft.Extensions.Options;

namespace AgentFlow.Plugins;

/// <summary>A plugin package was refused; the message says why.</summary>
public sealed class PluginPackageException(string message, string code) : Exception(message)
{
    /// <summary>A stable error code for the API (<c>INVALID_PLUGIN_PACKAGE</c>, <c>PLUGIN_LOAD_FAILED</c>).</summary>
    public string Code { get; } = code;

    /// <summary>The loader's errors, when the package was valid but its plugin could not be loaded.</summary>
    public IReadOnlyList<string> Errors { get; init; } = [];
}

/// <summary>
/// Installs a plugin from a zip (the upload route) and removes one. A zip is unpacked into a staging folder next to
/// the plugins directory with every entry checked (no absolute path, no <c>..</c>, no link, limits on entries and
/// unpacked size), its manifest must be valid, and only then is it moved into the directory in one rename; the
/// watcher's pass (run here at once) loads it like any other folder.
/// </summary>
public sealed class PluginPackageInstaller(PluginManager manager, PluginPaths paths, IOptions<PluginOptions> options)
{
    public const string InvalidPackage = "INVALID_PLUGIN_PACKAGE";
    public const string LoadFailed = "PLUGIN_LOAD_FAILED";

    /// <summary>Unpacks, checks and installs a plugin zip, replacing an installed plugin of the same id.</summary>
    /// <returns>The plugin's report after loading.</returns>
    /// <exception cref="PluginPackageException">The package is not acceptable; nothing was changed.</exception>
    public async Task<PluginReport> InstallAsync(Stream zip, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(zip);
        var settings = options.Value;
        var staging = Path.Combine(StagingRoot(), Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(staging);
        try
        {
            await UnpackAsync(zip, staging, settings, cancellationToken);
            var root = ContentRoot(staging);
            var manifest = PluginManifestReader.Read(root, out var problems)
                ?? throw new PluginPackageException("The package's plugin.json is missing or invalid: " + string.Join(" ", problems), InvalidPackage);
            if (!File.Exists(Path.Combine(root, PluginManifestReader.EntryAssemblyOf(manifest))))
            {
                throw new PluginPackageException($"The package has no {PluginManifestReader.EntryAssemblyOf(manifest)} next to its plugin.json.", InvalidPackage);
            }

            // An installed plugin of the same id is replaced in its own folder (the built-ins' folders are named after their assembly).
            var folder = manager.Reports.FirstOrDefault(r => r.Id == manifest.Id)?.Folder ?? manifest.Id;
            var target = Path.Combine(paths.PluginsDirectory, folder);
            Directory.CreateDirectory(paths.PluginsDirectory);
            string? previous = null;
            if (Directory.Exists(target))
            {
                // The installed version leaves the directory in one rename; the pass below then sees a replacement.
                previous = Path.Combine(StagingRoot(), folder + ".old-" + Guid.NewGuid().ToString("N")[..8]);
                Directory.Move(target, previous);
            }

            Directory.Move(root, target);
            var reports = await manager.ReconcileAsync(cancellationToken);
            var report = reports.FirstOrDefault(r => r.Folder == folder);
            if (report is { Status: PluginStatus.Active, Errors.Count: 0 } && report.Version == manifest.Version)
            {
                return report;
            }

            // The upload did not become active: put back what was there, so a restart loads the working version.
            Directory.Move(target, Path.Combine(StagingRoot(), folder + ".failed-" + Guid.NewGuid().ToString("N")[..8]));
            if (previous is not null)
            {
                Directory.Move(previous, target);
            }

            await manager.ReconcileAsync(cancellationToken);
            var errors = report?.Errors is { Count: > 0 } found ? found : ["The plugin did not become active."];
            throw new PluginPackageException($"Plugin \"{manifest.Id}\" {manifest.Version} could not be loaded: " + string.Join(" ", errors), LoadFailed)
            {
                Errors = errors,
            };
        }
        finally
        {
            TryDeleteDirectory(staging);
            foreach (var old in Directory.EnumerateDirectories(StagingRoot()).Where(d => d.Contains(".old-", StringComparison.Ordinal) || d.Contains(".failed-", StringComparison.Ordinal)))
            {
                TryDeleteDirectory(old);
            }
        }
    }

    /// <summary>Removes a plugin's folder and unloads it.</summary>
    /// <returns>False when no folder holds a plugin of that id.</returns>
    public async Task<bool> RemoveAsync(string pluginId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pluginId);
        var report = manager.Reports.FirstOrDefault(r => r.Id == pluginId && r.Status == PluginStatus.Active)
            ?? manager.Reports.FirstOrDefault(r => r.Id == pluginId);
        if (report is null)
        {
            return false;
        }

        var folder = Path.Combine(paths.PluginsDirectory, report.Folder);
        if (Directory.Exists(folder))
        {
            // Moved out first so the loader never sees a half-deleted folder.
            var doomed = Path.Combine(StagingRoot(), report.Folder + ".old-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(StagingRoot());
            Directory.Move(folder, doomed);
            TryDeleteDirectory(doomed);
        }

        await manager.ReconcileAsync(cancellationToken);
        return true;
    }

    private static async Task UnpackAsync(Stream zip, string staging, PluginOptions settings, CancellationToken cancellationToken)
    {
        ZipArchive archive;
        try
        {
            archive = await ZipArchive.CreateAsync(zip, ZipArchiveMode.Read, leaveOpen: true, entryNameEncoding: null, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new PluginPackageException($"The upload is not a zip file: {ex.Message}", InvalidPackage);
        }

        await using (archive)
        {
            if (archive.Entries.Count > settings.MaxZipEntries)
            {
                throw new PluginPackageException($"The package has {archive.Entries.Count} entries; at most {settings.MaxZipEntries} are allowed.", InvalidPackage);
            }

            var root = Path.GetFullPath(staging) + Path.DirectorySeparatorChar;
            long total = 0;
            foreach (var entry in archive.Entries)
            {
                var name = entry.FullName.Replace('\\', '/');
                if (name.Length == 0 || name.StartsWith('/') || name.Contains(':', StringComparison.Ordinal)
                    || name.Split('/').Any(part => part == ".."))
                {
                    throw new PluginPackageException($"The package entry \"{entry.FullName}\" points outside the plugin folder.", InvalidPackage);
                }

                // Unix mode bits live in the upper half of ExternalAttributes; 0xA000 is a symbolic link.
                if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
                {
                    throw new PluginPackageException($"The package entry \"{entry.FullName}\" is a symbolic link; links are not allowed.", InvalidPackage);
                }

                var destination = Path.GetFullPath(Path.Combine(staging, name));
                if (!destination.StartsWith(root, StringComparison.Ordinal))
                {
                    throw new PluginPackageException($"The package entry \"{entry.FullName}\" points outside the plugin folder.", InvalidPackage);
                }

                if (name.EndsWith('/'))
                {
                    Directory.CreateDirectory(destination);
                    continue;
                }

                total += entry.Length;
                if (total > settings.MaxUnpackedBytes)
                {
                    throw new PluginPackageException($"The package unpacks to more than {settings.MaxUnpackedBytes} bytes.", InvalidPackage);
                }

                Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
                await using var source = await entry.OpenAsync(cancellationToken);
                await using var target = new FileStream(destination, FileMode.CreateNew, FileAccess.Write);
                // Copy at most the declared length (+1 to detect a lying header): the declared size is what was checked.
                var copied = await CopyAtMostAsync(source, target, entry.Length + 1, cancellationToken);
                if (copied > entry.Length)
                {
                    throw new PluginPackageException($"The package entry \"{entry.FullName}\" is larger than its header says.", InvalidPackage);
                }
            }
        }
    }

    private static async Task<long> CopyAtMostAsync(Stream source, Stream target, long limit, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        long copied = 0;
        int read;
        while (copied < limit && (read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, limit - copied)), cancellationToken)) > 0)
        {
            await target.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            copied += read;
        }

        return copied;
    }

    private static string ContentRoot(string staging)
    {
        // A zip of the folder itself (one top-level directory holding plugin.json) is accepted as well as a zip of its content.
        if (File.Exists(Path.Combine(staging, PluginManifest.FileName)))
        {
            return staging;
        }

        var directories = Directory.GetDirectories(staging);
        return directories.Length == 1 && Directory.GetFiles(staging).Length == 0 && File.Exists(Path.Combine(directories[0], PluginManifest.FileName))
            ? directories[0]
            : staging;
    }

    private string StagingRoot()
    {
        // Inside the plugins directory, so moving a folder in or out is a rename on one file system; the loader skips
        // folders whose name starts with a dot.
        var root = Path.Combine(paths.PluginsDirectory, ".staging");
        Directory.CreateDirectory(root);
        return root;
    }

    private static void TryDeleteDirectory(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // A leftover is removed by the next install or removal.
        }
    }
}
