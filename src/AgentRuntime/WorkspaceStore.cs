using System.Security.Cryptography;

namespace AgentFlow.AgentRuntime;

/// <summary>One file of the agent's workspace, as last loaded.</summary>
internal sealed record WorkspaceFile(string Path, long Size, string Sha256, string Content);

/// <summary>
/// The agent's generated workspace (AGENTS.md, skills, settings), read into memory at start and on <c>POST /reload</c>:
/// the agent works from a consistent snapshot even while the deploy target rewrites the files.
/// </summary>
internal sealed partial class WorkspaceStore(RuntimeSettings settings, TimeProvider time, ILogger<WorkspaceStore> logger)
{
    // Generated workspaces are small text files; a cap keeps a stray large file from filling the runtime's memory.
    private const long MaxFileBytes = 1024 * 1024;

    private volatile Snapshot _current = new([], DateTimeOffset.MinValue, 0);

    public Snapshot Current => _current;

    public Snapshot Load()
    {
        var root = settings.WorkspaceDirectory;
        var files = new List<WorkspaceFile>();
        if (Directory.Exists(root))
        {
            foreach (var full in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var info = new FileInfo(full);
                if (info.Length > MaxFileBytes)
                {
                    LogSkippedLargeFile(logger, full, info.Length);
                    continue;
                }

                var bytes = File.ReadAllBytes(full);
                var relative = Path.GetRelativePath(root, full).Replace('\\', '/');
                files.Add(new WorkspaceFile(relative, bytes.Length, Convert.ToHexStringLower(SHA256.HashData(bytes)), System.Text.Encoding.UTF8.GetString(bytes)));
            }
        }
        else
        {
            LogMissingWorkspace(logger, root);
        }

        var snapshot = new Snapshot(files, time.GetUtcNow(), _current.Version + 1);
        _current = snapshot;
        LogLoaded(logger, files.Count, root, snapshot.Version);
        return snapshot;
    }

    public sealed record Snapshot(IReadOnlyList<WorkspaceFile> Files, DateTimeOffset LoadedAt, int Version);

    [LoggerMessage(Level = LogLevel.Information, Message = "Workspace loaded: {FileCount} file(s) from {Directory} (version {Version})")]
    private static partial void LogLoaded(ILogger logger, int fileCount, string directory, int version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workspace directory {Directory} does not exist; the agent runs with no workspace files")]
    private static partial void LogMissingWorkspace(ILogger logger, string directory);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Workspace file {File} skipped: {Size} bytes is over the 1 MiB limit")]
    private static partial void LogSkippedLargeFile(ILogger logger, string file, long size);
}
