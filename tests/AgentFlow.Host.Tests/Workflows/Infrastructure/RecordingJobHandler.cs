using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using AgentFlow.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>A job a <c>job.run</c> node asked for, as the outbox delivered it.</summary>
public sealed record JobRequest(Guid OutboxId, Guid InstanceId, string JobRequestId, string Job, JsonNode? Args);

/// <summary>
/// The outbox handler of kind "job": records each delivery instead of running a job (the test plays the job runner and
/// reports results through <see cref="IWorkflowRuntime.CompleteJobAsync"/>). One instance is shared by every host of a
/// test, so requests made before a restart stay visible. Deliveries are at least once: use <see cref="Distinct"/>.
/// </summary>
public sealed class RecordingJobHandler : IOutboxHandler
{
    private readonly ConcurrentQueue<JobRequest> _deliveries = new();

    public string Kind => "job";

    /// <summary>Every delivery, redeliveries included.</summary>
    public IReadOnlyList<JobRequest> Deliveries => [.. _deliveries];

    /// <summary>One entry per job request id, in the order first delivered.</summary>
    public IReadOnlyList<JobRequest> Distinct => [.. _deliveries.DistinctBy(j => j.JobRequestId)];

    public Task HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = delivery.Payload as JsonObject ?? [];
        _deliveries.Enqueue(new JobRequest(
            delivery.Id,
            delivery.InstanceId,
            payload["jobRequestId"]?.GetValue<string>() ?? "",
            payload["job"]?.GetValue<string>() ?? "",
            payload["args"]?.DeepClone()));
        return Task.CompletedTask;
    }

    /// <summary>Registers this handler on a node (the dispatcher uses the last handler registered for a kind).</summary>
    public void AddTo(IServiceCollection services) => services.AddSingleton<IOutboxHandler>(this);
}
