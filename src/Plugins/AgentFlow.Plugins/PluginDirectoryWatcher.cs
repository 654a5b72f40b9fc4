using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Plugins;

/// <summary>
/// Loads the plugins at start (before the hosted services after it, so workflows seeded next find plugin activities)
/// and, while the server runs, reloads when the directory changes: a file watcher wakes it, a quiet period lets a
/// copy finish, and a periodic pass catches what the watcher misses (network shares, editors that rename).
/// </summary>
public sealed partial class PluginDirectoryWatcher(PluginManager manager, PluginPaths paths, IOptions<PluginOptions> options, ILogger<PluginDirectoryWatcher> logger)
    : BackgroundService
{
    private readonly SemaphoreSlim _changed = new(0, int.MaxValue);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        paths.ResetShadow();
        System.IO.Directory.CreateDirectory(paths.PluginsDirectory);
        var reports = await manager.ReconcileAsync(cancellationToken);
        var active = reports.Count(r => r.Status == PluginStatus.Active);
        LogStarted(paths.PluginsDirectory, active, reports.Count - active);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (!settings.Watch)
        {
            return;
        }

        using var watcher = new FileSystemWatcher(paths.PluginsDirectory)
        {
            IncludeSubdirectories = true,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size,
        };
        watcher.Changed += (_, _) => Signal();
        watcher.Created += (_, _) => Signal();
        watcher.Deleted += (_, _) => Signal();
        watcher.Renamed += (_, _) => Signal();
        watcher.Error += (_, e) => LogWatcherError(e.GetException());
        watcher.EnableRaisingEvents = true;

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Wake on a change or on the poll interval, then wait for the changes to stop before reading the folders.
                _ = await _changed.WaitAsync(settings.PollInterval, stoppingToken);
                while (await _changed.WaitAsync(settings.WatchDebounce, stoppingToken))
                {
                }

                await manager.ReconcileAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                LogPassFailed(ex);
            }
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
            // An event raised while the server stops.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Plugins directory {Directory}: {Active} active, {Failed} failed")]
    private partial void LogStarted(string directory, int active, int failed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The plugins directory watcher reported an error; the periodic pass still runs")]
    private partial void LogWatcherError(Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "A pass over the plugins directory failed")]
    private partial void LogPassFailed(Exception exception);
}
