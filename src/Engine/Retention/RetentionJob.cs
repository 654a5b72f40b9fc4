using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Engine.Retention;

/// <summary>Runs <see cref="RetentionEnforcer"/> on a fixed interval, in its own scope each time.</summary>
internal sealed partial class RetentionJob(IServiceScopeFactory scopes, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionJob> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.Interval, time);
        do
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var run = await scope.ServiceProvider.GetRequiredService<RetentionEnforcer>().ApplyAsync(stoppingToken);
                if (run.Archived + run.Deleted > 0)
                {
                    LogApplied(logger, run.Organizations, run.Archived, run.Deleted);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next tick retries; one failed pass must not stop retention for good.
                LogFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 2001, EventName = "RetentionApplied", Level = LogLevel.Information,
        Message = "Retention applied to {Organizations} organisations: {Archived} audit entries archived, {Deleted} deleted")]
    private static partial void LogApplied(ILogger logger, int organizations, int archived, int deleted);

    [LoggerMessage(EventId = 2002, EventName = "RetentionFailed", Level = LogLevel.Error, Message = "Retention pass failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}

public sealed class RetentionOptions
{
    /// <value>Whether the background job runs. Default <see langword="true"/>.</value>
    public bool Enabled { get; set; } = true;

    /// <value>Time between passes. Default one hour.</value>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}
