using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>
/// Every attempt a <see cref="TransientFailingActivity"/> ran, in order. One instance is shared by all hosts of a test
/// (registered through <see cref="AddTransientFailingActivity"/>), so attempts made before a restart are still counted.
/// </summary>
public sealed class AttemptLog
{
    private readonly ConcurrentQueue<(Guid InstanceId, string NodeId, int Attempt)> _attempts = new();

    public IReadOnlyList<int> AttemptsOf(Guid instanceId) => [.. _attempts.Where(a => a.InstanceId == instanceId).Select(a => a.Attempt)];

    internal void Record(Guid instanceId, string nodeId, int attempt) => _attempts.Enqueue((instanceId, nodeId, attempt));

    /// <summary>Registers the activity type and this log on a node.</summary>
    public void AddTransientFailingActivity(IServiceCollection services)
    {
        services.AddSingleton(this);
        services.AddSingleton<IActivityTypeContribution>(new TransientFailingActivity.Contribution());
    }
}

/// <summary>
/// "test.transientFailing": fails transiently until the attempt number (the last ':' segment of the step's idempotency
/// key, which the executor increments on each durable retry) reaches <see cref="SucceedOnAttempt"/>.
/// </summary>
[Activity("test.transientFailing", Category = "Testing", DisplayName = "Fails transiently")]
public sealed class TransientFailingActivity(AttemptLog log) : IActivity
{
    [ActivityInput(Default = "3")]
    public int SucceedOnAttempt { get; set; } = 3;

    [ActivityOutput]
    public int? Attempt { get; }

    public ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var key = context.IdempotencyKey;
        var attempt = int.Parse(key[(key.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
        log.Record(context.WorkflowInstanceId, context.NodeId, attempt);
        return ValueTask.FromResult(attempt < SucceedOnAttempt
            ? ActivityResult.Fail($"Transient failure on attempt {attempt}.", transient: true)
            : ActivityResult.Complete(outputs: new Dictionary<string, JsonNode?>(StringComparer.Ordinal) { ["attempt"] = attempt }));
    }

    internal sealed class Contribution : IActivityTypeContribution
    {
        public void Register(ActivityTypeRegistry registry) => registry.Register<TransientFailingActivity>();
    }
}
