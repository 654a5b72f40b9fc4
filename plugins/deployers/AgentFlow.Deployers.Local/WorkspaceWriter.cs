namespace AgentFlow.Deployers.Local;

/// <summary>Mirrors a deployment's workspace (relative path → content) into a directory, refusing paths that escape it.</summary>
internal static class WorkspaceWriter
{
    /// <summary>Checks every path before anything is written, so a bad workspace changes nothing.</summary>
    /// <returns>The problem, or null when every path stays inside <paramref name="root"/>.</returns>
    public static string? Check(string root, IReadOnlyDictionary<string, string> workspace)
    {
        foreach (var path in workspace.Keys)
        {
            if (Resolve(root, path) is null)
            {
                return $"The workspace path \"{path}\" is not a relative path inside the workspace.";
            }
        }

        return null;
    }

    /// <summary>Writes the files (each through a temporary file and a rename) and removes the ones no longer in the workspace.</summary>
    /// <returns>How many files were written and removed.</returns>
    public static (int Written, int Removed) Write(string root, IReadOnlyDictionary<string, string> workspace)
    {
        if (Check(root, workspace) is { } problem)
        {
            throw new InvalidOperationException(problem);
        }

        Directory.CreateDirectory(root);
        var wanted = new HashSet<string>(StringComparer.Ordinal);
        var written = 0;
        foreach (var (path, content) in workspace)
        {
            var full = Resolve(root, path)!;
            wanted.Add(full);
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            if (File.Exists(full) && string.Equals(File.ReadAllText(full), content, StringComparison.Ordinal))
            {
                continue;
            }

            // The runtime may reload at any moment: it must see the old file or the new one, never half of it.
            var temporary = full + ".tmp-" + Guid.NewGuid().ToString("N");
            File.WriteAllText(temporary, content);
            File.Move(temporary, full, overwrite: true);
            written++;
        }

        var removed = 0;
        foreach (var existing in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).ToList())
        {
            if (!wanted.Contains(Path.GetFullPath(existing)))
            {
                File.Delete(existing);
                removed++;
            }
        }

        foreach (var directory in Directory.EnumerateDirectories(root, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).ToList())
        {
            if (!Directory.EnumerateFileSystemEntries(directory).Any())
            {
                Directory.Delete(directory);
            }
        }

        return (written, removed);
    }

    /// <summary>The full path of a workspace file, or null when the path is absolute, empty or leaves the root.</summary>
    private static string? Resolve(string root, string path)
    {
        if (string.IsNullOrWhiteSpace(path) || Path.IsPathRooted(path) || path.Contains('\0', StringComparison.Ordinal))
        {
            return null;
        }

        var fullRoot = Path.GetFullPath(root);
        var full = Path.GetFullPath(Path.Combine(fullRoot, path));
        var prefix = fullRoot.EndsWith(Path.DirectorySeparatorChar) ? fullRoot : fullRoot + Path.DirectorySeparatorChar;
        return full.StartsWith(prefix, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal) && full.Length > prefix.Length
            ? full
            : null;
    }
}
