using System.Collections.Concurrent;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Auth;
using AgentFlow.Workflows.Definitions;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Host.Startup;

/// <summary>
/// Seeds the workflow folder into each organisation once per process: every organisation at start, and an
/// organisation created later on the first request it makes to the workflow API.
/// </summary>
internal sealed class WorkflowOrgSeeding(WorkflowSeeder seeder)
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task>> _seeded = new();

    /// <summary>Seeds the organisation unless this process did already; concurrent callers share one run.</summary>
    public async Task EnsureSeededAsync(Guid orgId, CancellationToken cancellationToken)
    {
        // The run is not tied to the first caller's request: a client hanging up must not leave a half-seeded
        // organisation marked as seeded.
        var run = _seeded.GetOrAdd(orgId, id => new Lazy<Task>(() => seeder.SeedAsync(id, CancellationToken.None)));
        try
        {
            await run.Value.WaitAsync(cancellationToken);
        }
        catch (Exception) when (run.Value.IsFaulted)
        {
            // A failed run (database away) is tried again by the next request instead of being remembered.
            _seeded.TryRemove(new KeyValuePair<Guid, Lazy<Task>>(orgId, run));
            throw;
        }
    }
}

/// <summary>
/// Seeds every organisation at start. Registered after <see cref="DatabaseInitializer"/>: hosted services start in
/// registration order, so the tables exist by then. A failure is logged, not fatal: the API seeds lazily anyway.
/// </summary>
internal sealed partial class WorkflowSeedingService(
    IServiceScopeFactory scopes,
    WorkflowOrgSeeding seeding,
    ILogger<WorkflowSeedingService> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        List<Guid> orgIds;
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
            orgIds = await db.Organizations.IgnoreQueryFilters().AsNoTracking().OrderBy(o => o.CreatedAt).Select(o => o.Id).ToListAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            LogSeedingFailed(logger, exception);
            return;
        }

        foreach (var orgId in orgIds)
        {
            try
            {
                await seeding.EnsureSeededAsync(orgId, cancellationToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSeedingFailed(logger, exception);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5101, EventName = "WorkflowSeedingFailed", Level = LogLevel.Warning,
        Message = "Seeding the workflow folder failed at start; the workflow API seeds each organisation on its first request")]
    private static partial void LogSeedingFailed(ILogger logger, Exception exception);
}

internal static class WorkflowSeedingEndpoints
{
    /// <summary>Seeds the caller's organisation before the first workflow API request of this process is handled.</summary>
    public static TBuilder WithWorkflowSeeding<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            if (http.User.Identity?.IsAuthenticated == true)
            {
                await http.RequestServices.GetRequiredService<WorkflowOrgSeeding>().EnsureSeededAsync(http.User.OrgId(), http.RequestAborted);
            }

            return await next(context);
        });
}
