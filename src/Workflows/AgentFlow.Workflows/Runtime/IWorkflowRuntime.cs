using System.Text.Json.Nodes;
using AgentFlow.Workflows.Persistence;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// What the API and the platform ask of the runtime: start instances and deliver stimuli. Every call commits before
/// it returns, so an accepted request survives a crash; the work it causes runs in bursts on any node.
/// </summary>
public interface IWorkflowRuntime
{
    /// <summary>Starts an instance of the published version (or of <see cref="StartWorkflowRequest.VersionId"/>) and runs its first burst inline.</summary>
    /// <exception cref="WorkflowNotFoundException">No such definition, or none published.</exception>
    /// <exception cref="WorkflowInputException">The input does not match the declared inputs.</exception>
    Task<StartWorkflowResult> StartAsync(StartWorkflowRequest request, CancellationToken cancellationToken = default);

    /// <summary>Delivers a stimulus to one instance (signal, approval decision, job result, HTTP resume).</summary>
    /// <exception cref="WorkflowNotFoundException">No such instance in the organisation.</exception>
    /// <exception cref="NoMatchingBookmarkException">Nothing waits for it and it cannot be retained.</exception>
    Task<StimulusAccepted> DeliverAsync(Guid orgId, Guid instanceId, Stimulus stimulus, CancellationToken cancellationToken = default);

    /// <summary>Publishes an event: starts the workflows it triggers and resumes the instances waiting for it.</summary>
    /// <exception cref="NoMatchingBookmarkException">No trigger and no waiting instance matched.</exception>
    Task<EventAccepted> PublishEventAsync(Guid orgId, string name, JsonNode? payload, string? correlationId, string? idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Reports the result of a job started by a <c>job.run</c> node (the job request id names the instance).</summary>
    Task<StimulusAccepted> CompleteJobAsync(Guid orgId, string jobRequestId, JsonNode? result, string? idempotencyKey, CancellationToken cancellationToken = default);

    /// <summary>Handles a request to <c>/workflows/http/{path}</c>: starts a triggered workflow or resumes a waiting instance.</summary>
    /// <exception cref="NoMatchingBookmarkException">No route matched.</exception>
    Task<HttpTriggerResult> HandleHttpAsync(Guid orgId, HttpTriggerRequest request, CancellationToken cancellationToken = default);

    /// <summary>Cancels a running or suspended instance (queued; the instance's lease is respected).</summary>
    Task CancelAsync(Guid orgId, Guid instanceId, string reason, CancellationToken cancellationToken = default);

    /// <summary>Retries the faulted steps of a faulted instance and resolves its open incidents.</summary>
    Task RetryAsync(Guid orgId, Guid instanceId, CancellationToken cancellationToken = default);

    /// <summary>Waits until the instance reaches a final status or stops running bursts (suspended), for callers that want to answer synchronously.</summary>
    Task<InstanceStatus> WaitForIdleAsync(Guid instanceId, TimeSpan timeout, CancellationToken cancellationToken = default);
}

/// <summary>Starts an instance.</summary>
public sealed record StartWorkflowRequest
{
    public required Guid OrgId { get; init; }
    public required string DefinitionId { get; init; }

    /// <summary>A specific version row to start (tests, child workflows pinned by the parent); the published one when null.</summary>
    public Guid? VersionId { get; init; }

    public JsonObject? Input { get; init; }
    public string? CorrelationId { get; init; }

    /// <summary>A second start with the same key returns the first instance instead of starting another.</summary>
    public string? IdempotencyKey { get; init; }

    /// <summary>The trigger node to start at (the first start node when null).</summary>
    public string? StartNodeId { get; init; }

    /// <summary>The stimulus that fired the trigger; the start node is resumed with it.</summary>
    public PendingResume? TriggerEvent { get; init; }

    public ParentLink? Parent { get; init; }
}

/// <summary>A started (or, for a repeated idempotency key, the previously started) instance.</summary>
public sealed record StartWorkflowResult(Guid InstanceId, InstanceStatus Status, JsonObject? Output, HttpReply? HttpReply, bool Created);

/// <summary>An external input for one instance.</summary>
/// <param name="Kind">The bookmark kind it satisfies ("signal", "approval", "job", "http", "event", "child").</param>
/// <param name="Key">The bookmark key (signal name, approval node id, job request id...).</param>
/// <param name="Payload">The data it carries.</param>
/// <param name="IdempotencyKey">Makes redelivery a no-op; a random id when not given.</param>
public sealed record Stimulus(string Kind, string Key, JsonNode? Payload, string? IdempotencyKey);

/// <summary>A stimulus was stored for processing.</summary>
/// <param name="WorkItemId">The queued work item.</param>
/// <param name="Retained">True when no bookmark matched yet and the stimulus is kept for its time to live.</param>
/// <param name="Duplicate">True when the idempotency key was seen before (nothing new was queued).</param>
public sealed record StimulusAccepted(Guid WorkItemId, bool Retained, bool Duplicate);

/// <summary>What an event did.</summary>
public sealed record EventAccepted(IReadOnlyList<Guid> StartedInstances, int ResumedInstances, bool Duplicate);

/// <summary>An HTTP request routed to a workflow.</summary>
public sealed record HttpTriggerRequest(string Method, string Path, JsonObject Query, JsonObject Headers, JsonNode? Body, string? CorrelationId);

/// <summary>The answer to an HTTP-triggered request: the synchronous reply if the burst produced one.</summary>
public sealed record HttpTriggerResult(Guid InstanceId, bool Started, InstanceStatus Status, HttpReply? Reply);

/// <summary>A workflow, version or instance does not exist in the organisation.</summary>
public sealed class WorkflowNotFoundException(string message) : Exception(message);

/// <summary>The start input does not match the definition's declared inputs.</summary>
public sealed class WorkflowInputException(string message, IReadOnlyDictionary<string, string> errors) : Exception(message)
{
    public IReadOnlyDictionary<string, string> Errors { get; } = errors;
}

/// <summary>A stimulus matched no bookmark and cannot be retained (the instance is not running).</summary>
public sealed class NoMatchingBookmarkException(string message) : Exception(message);

/// <summary>The instance is in a status the operation does not apply to (e.g. retrying an instance that is not faulted).</summary>
public sealed class WorkflowStateException(string message) : Exception(message);
