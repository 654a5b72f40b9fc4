using System.Collections.Concurrent;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace AgentFlow.Host.Tests.Api.Engine;

/// <summary>One call the API made to the orchestrator, with the agent as the database had it at that moment.</summary>
public sealed record OrchestratorCall(string Operation, Guid AgentId, string Actor, string? Reason, string? StateAtCall);

/// <summary>What the test orchestrator was asked to do, and which calls it must fail (shared by the host's scopes).</summary>
public sealed class OrchestratorLog
{
    private readonly ConcurrentQueue<OrchestratorCall> _calls = new();

    /// <summary>Agent id → operation to fail with an exception.</summary>
    public ConcurrentDictionary<Guid, string> FailOn { get; } = new();

    public IReadOnlyList<OrchestratorCall> For(Guid agentId) => [.. _calls.Where(c => c.AgentId == agentId)];

    internal void Add(OrchestratorCall call) => _calls.Enqueue(call);
}

/// <summary>
/// Stands in for the deployment work, which is out of this test's reach: it records each call with the agent's
/// stored state (so tests see what was stored before the call and that nothing was deleted yet) and fails on demand.
/// </summary>
internal sealed class RecordingDeploymentOrchestrator(OrchestratorLog log, AgentFlowDbContext db) : IAgentDeploymentOrchestrator
{
    public Task DeployAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken) => RecordAsync("deploy", agentId, actor, reason, cancellationToken);

    public Task StopAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken) => RecordAsync("stop", agentId, actor, reason, cancellationToken);

    public Task RestartAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken) => RecordAsync("restart", agentId, actor, reason, cancellationToken);

    public Task HotUpdateAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken) => RecordAsync("hotUpdate", agentId, actor, reason, cancellationToken);

    public Task DestroyAsync(Guid agentId, string actor, string? reason, CancellationToken cancellationToken) => RecordAsync("destroy", agentId, actor, reason, cancellationToken);

    private async Task RecordAsync(string operation, Guid agentId, string actor, string? reason, CancellationToken cancellationToken)
    {
        var state = await db.Agents.AsNoTracking().Where(a => a.Id == agentId).Select(a => a.State).FirstOrDefaultAsync(cancellationToken);
        log.Add(new OrchestratorCall(operation, agentId, actor, reason, state));
        if (log.FailOn.TryGetValue(agentId, out var failing) && failing == operation)
        {
            throw new InvalidOperationException($"Injected {operation} failure\nwith a second line.");
        }
    }
}

internal static class LifecycleServices
{
    public static void UseRecordingOrchestrator(IServiceCollection services)
    {
        services.RemoveAll<IAgentDeploymentOrchestrator>();
        services.AddSingleton<OrchestratorLog>();
        services.AddScoped<IAgentDeploymentOrchestrator, RecordingDeploymentOrchestrator>();
    }
}

public sealed class SqliteLifecycleHostFixture : SqliteHostFixture
{
    protected override void ConfigureTestServices(IServiceCollection services) => LifecycleServices.UseRecordingOrchestrator(services);
}

public sealed class PostgresLifecycleHostFixture : PostgresHostFixture
{
    protected override void ConfigureTestServices(IServiceCollection services) => LifecycleServices.UseRecordingOrchestrator(services);
}

/// <summary>A host with no deployment orchestrator at all (whatever the Host registers by then is removed).</summary>
public sealed class SqliteNoOrchestratorHostFixture : SqliteHostFixture
{
    protected override void ConfigureTestServices(IServiceCollection services) => services.RemoveAll<IAgentDeploymentOrchestrator>();
}

public sealed class PostgresNoOrchestratorHostFixture : PostgresHostFixture
{
    protected override void ConfigureTestServices(IServiceCollection services) => services.RemoveAll<IAgentDeploymentOrchestrator>();
}
