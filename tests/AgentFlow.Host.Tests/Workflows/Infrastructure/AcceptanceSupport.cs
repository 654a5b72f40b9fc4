using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>Database reads and clock-driven waits the acceptance tests share (beyond <see cref="WorkflowClusterExtensions"/>).</summary>
public static class AcceptanceSupport
{
    /// <summary>The configuration key of a runtime option, for a node's <c>settings</c>.</summary>
    public static string RuntimeSetting(string option) => $"{WorkflowRuntimeOptions.SectionName}:{option}";

    /// <summary>
    /// Node settings that cap each node's connection pool on PostgreSQL (none on SQLite): a test that sends many requests
    /// at once then queues them in the pool instead of exhausting the server's connections, which other tests share.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> WithConnectionPoolCap(this WorkflowCluster cluster, int maxPoolSize)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return cluster.Provider != DatabaseProvider.Postgres
            ? new Dictionary<string, string?>()
            : new Dictionary<string, string?>
            {
                ["ConnectionStrings:AgentFlow"] = new Npgsql.NpgsqlConnectionStringBuilder(cluster.ConnectionString) { MaxPoolSize = maxPoolSize }.ToString(),
            };
    }

    public static async Task<IReadOnlyList<WorkItemRecord>> WorkItemsAsync(this WorkflowCluster cluster, Guid instanceId)
    {
        await using var db = cluster.CreateDbContext();
        return await db.WorkItems.AsNoTracking().Where(w => w.InstanceId == instanceId).ToListAsync();
    }

    public static async Task<IReadOnlyList<IncidentRecord>> IncidentsAsync(this WorkflowCluster cluster, Guid instanceId)
    {
        await using var db = cluster.CreateDbContext();
        return await db.Incidents.AsNoTracking().Where(i => i.InstanceId == instanceId).OrderBy(i => i.At).ThenBy(i => i.Id).ToListAsync();
    }

    public static async Task<IReadOnlyList<OutboxRecord>> OutboxAsync(this WorkflowCluster cluster, Guid instanceId)
    {
        await using var db = cluster.CreateDbContext();
        return await db.Outbox.AsNoTracking().Where(o => o.InstanceId == instanceId).OrderBy(o => o.Id).ToListAsync();
    }

    public static async Task<IReadOnlyList<ProcessedStimulusRecord>> ProcessedStimuliAsync(this WorkflowCluster cluster, Guid instanceId)
    {
        await using var db = cluster.CreateDbContext();
        return await db.ProcessedStimuli.AsNoTracking().Where(p => p.InstanceId == instanceId).ToListAsync();
    }

    /// <summary>
    /// Waits for a condition while moving the shared fake clock forward a little on every poll. The runtime re-queues
    /// work "a little later" in clock time (a busy lease, a retained stimulus): with a frozen clock that work would never
    /// become due again, so tests whose work may be re-queued wait with this instead of <see cref="WorkflowClusterExtensions.WaitUntilAsync(Func{Task{bool}}, TimeSpan?, Func{string}?)"/>.
    /// </summary>
    public static async Task TickUntilAsync(this WorkflowCluster cluster, Func<Task<bool>> condition, Func<string>? describe = null, TimeSpan? step = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        ArgumentNullException.ThrowIfNull(condition);
        var advance = step ?? TimeSpan.FromMilliseconds(50);
        var deadline = TimeProvider.System.GetUtcNow() + (timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition())
        {
            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"Timed out waiting for {describe?.Invoke() ?? "a condition"}.");
            }

            cluster.Clock.Advance(advance);
            await Task.Delay(20);
        }
    }

    /// <summary><see cref="TickUntilAsync"/> until the instance has the status.</summary>
    public static async Task<WorkflowInstanceRecord> TickUntilStatusAsync(this WorkflowCluster cluster, Guid instanceId, InstanceStatus status, TimeSpan? timeout = null)
    {
        WorkflowInstanceRecord? last = null;
        await cluster.TickUntilAsync(async () =>
        {
            last = await cluster.InstanceAsync(instanceId);
            return last.Status == status;
        }, () => $"instance {instanceId} to be {status} (last: {last?.Status} {last?.SubStatus}, row version {last?.RowVersion})", timeout: timeout);
        return last!;
    }

    /// <summary>A variable of the instance's state document.</summary>
    public static JsonNode? Var(this WorkflowInstanceRecord instance, string name) => JsonNode.Parse(instance.StateJson)?["vars"]?[name];

    /// <summary>A workflow output of a finished instance.</summary>
    public static JsonNode? Output(this WorkflowInstanceRecord instance, string name) => JsonNode.Parse(instance.StateJson)?["output"]?[name];
}

/// <summary>
/// Records the side effects the outbox dispatcher performed for <see cref="EmitEffectActivity"/> nodes. One recorder can
/// be shared by every node of a cluster, so a test sees the effects of the whole cluster.
/// </summary>
public sealed class EffectRecorder
{
    public const string Kind = "acc.effect";

    private readonly ConcurrentQueue<(Guid OutboxId, JsonNode? Value)> _effects = new();

    public IReadOnlyList<(Guid OutboxId, JsonNode? Value)> Effects => [.. _effects];

    internal void Record(Guid outboxId, JsonNode? value) => _effects.Enqueue((outboxId, value?.DeepClone()));

    /// <summary>Registers the <c>acc.emit</c> activity and the handler of its outbox messages (for a node's <c>configure</c>).</summary>
    public void AddTo(IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton<IActivityTypeContribution>(new EffectActivityContribution());
        services.AddSingleton<IOutboxHandler>(new EffectOutboxHandler(this));
    }

    private sealed class EffectActivityContribution : IActivityTypeContribution
    {
        public void Register(AgentFlow.Workflows.Activities.ActivityTypeRegistry registry) => registry.Register<EmitEffectActivity>();
    }

    private sealed class EffectOutboxHandler(EffectRecorder recorder) : IOutboxHandler
    {
        public string Kind => EffectRecorder.Kind;

        public Task HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
        {
            recorder.Record(delivery.Id, delivery.Payload?["value"]);
            return Task.CompletedTask;
        }
    }
}

/// <summary>Test activity: emits one <see cref="EffectRecorder.Kind"/> outbox message carrying its value, and completes.</summary>
[Activity("acc.emit", Category = "Tests", DisplayName = "Emit effect", Description = "Emits an outbox message carrying the value (acceptance tests).")]
public sealed class EmitEffectActivity : IActivity
{
    /// <summary>The value the side effect carries.</summary>
    [ActivityInput(Description = "The value the side effect carries.", UiHint = "json")]
    public JsonNode? Value { get; set; }

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Emit(new OutboxMessage(EffectRecorder.Kind, new JsonObject { ["value"] = Value?.DeepClone() }));
        return ValueTask.FromResult(ActivityResult.Complete());
    }
}
