using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// Claims due work items and runs them, with <see cref="WorkflowRuntimeOptions.WorkerConcurrency"/> loops per node.
/// Idle loops sleep until the next item is due (at most one poll interval) or until this node queues new work.
/// </summary>
public sealed partial class WorkflowWorker(
    WorkItemStore store,
    WorkItemProcessor processor,
    RuntimeSignals signals,
    TimeProvider clock,
    IOptions<WorkflowRuntimeOptions> options,
    ILogger<WorkflowWorker> logger) : BackgroundService
{
    private readonly WorkflowRuntimeOptions _options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await store.ReleaseStaleLocksAsync(stoppingToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogLoopFailed(logger, ex); // the locks then expire on their own
        }

        var loops = Math.Max(1, _options.WorkerConcurrency);
        var batch = Math.Max(1, _options.ClaimBatchSize / loops);
        await Task.WhenAll(Enumerable.Range(0, loops).Select(_ => Task.Run(() => LoopAsync(batch, stoppingToken), stoppingToken)));
    }

    private async Task LoopAsync(int batch, CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var claimed = await store.ClaimAsync(batch, stoppingToken);
                if (claimed.Count == 0)
                {
                    await signals.WaitForWorkAsync(await IdleDelayAsync(stoppingToken), stoppingToken);
                    continue;
                }

                foreach (var item in claimed)
                {
                    await processor.ProcessAsync(item, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogLoopFailed(logger, ex);
                await Task.Delay(_options.PollInterval, stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }

    private async Task<TimeSpan> IdleDelayAsync(CancellationToken stoppingToken)
    {
        var next = await store.NextDueAsync(stoppingToken);
        if (next is null)
        {
            return _options.PollInterval;
        }

        var wait = next.Value - clock.GetUtcNow();
        return wait <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(1) : wait < _options.PollInterval ? wait : _options.PollInterval;
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Error, Message = "Workflow worker loop failed; retrying after the poll interval")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
