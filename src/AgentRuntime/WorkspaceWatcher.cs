namespace AgentFlow.AgentRuntime;

/// <summary>
/// Reloads the workspace when its files change (a hot update writes them), after a short quiet time so a rewrite of
/// several files is read once. The server does not keep the agent's key, so it cannot call <c>POST /reload</c> itself:
/// changing the files is how it tells the agent.
/// </summary>
internal sealed partial class WorkspaceWatcher(RuntimeSettings settings, WorkspaceStore store, ILogger<WorkspaceWatcher> logger) : BackgroundService
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(300);
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!Directory.Exists(settings.WorkspaceDirectory))
        {
            return;
        }

        using var watcher = new FileSystemWatcher(settings.WorkspaceDirectory) { IncludeSubdirectories = true };
        watcher.Changed += (_, _) => Signal();
        watcher.Created += (_, _) => Signal();
        watcher.Deleted += (_, _) => Signal();
        watcher.Renamed += (_, _) => Signal();
        watcher.EnableRaisingEvents = true;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await _changed.WaitAsync(stoppingToken);
                while (await _changed.WaitAsync(Quiet, stoppingToken))
                {
                }

                store.Load();
                LogReloaded(logger);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }

    private void Signal()
    {
        try
        {
            _changed.Release();
        }
        catch (ObjectDisposedException)
        {
            // A late event during shutdown.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Workspace changed on disk; reloaded")]
    private static partial void LogReloaded(ILogger logger);
}
