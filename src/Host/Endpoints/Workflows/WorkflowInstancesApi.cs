using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using AgentFlow.Host.Startup;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace AgentFlow.Host.Endpoints.Workflows;

/// <summary>
/// Workflow instances and stimuli. Every role reads instances, human tasks and incidents (viewers included); members
/// send stimuli (signals, approval decisions, events, job results); admins cancel and retry. A stimulus is stored
/// before the answer (202), so it survives a crash.
/// </summary>
internal static class WorkflowInstancesApi
{
    private const int MaxKeyLength = 200;

    public static IEndpointRouteBuilder MapWorkflowInstancesApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/workflows").WithTags("Workflow instances").WithWorkflowSeeding();
        group.MapGet("/instances", List).WithName("ListWorkflowInstances")
            .WithSummary("List instances, newest first (definitionId, status, correlationId, limit ≤ 200, offset)").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapGet("/instances/{instanceId:guid}", Get).WithName("GetWorkflowInstance")
            .WithSummary("Get an instance with its input, variables, output, tokens, waits and incidents").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapGet("/instances/{instanceId:guid}/journal", Journal).WithName("GetWorkflowInstanceJournal")
            .WithSummary("Read an instance's journal in order (after = last seq seen, limit ≤ 1000)").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapPost("/instances/{instanceId:guid}/cancel", Cancel).WithName("CancelWorkflowInstance")
            .WithSummary("Cancel a running or suspended instance (queued; 202)").RequireRole(UserRole.Admin).Audited("workflow.cancel");
        group.MapPost("/instances/{instanceId:guid}/retry", Retry).WithName("RetryWorkflowInstance")
            .WithSummary("Retry the faulted steps of a faulted instance and resolve its incidents (queued; 202)").RequireRole(UserRole.Admin).Audited("workflow.retry");
        group.MapPost("/instances/{instanceId:guid}/signals/{name}", Signal).WithName("SignalWorkflowInstance")
            .WithSummary("Send a named signal (body: any JSON payload; optional Idempotency-Key header)").RequireRole(UserRole.Member).Audited("workflow.signal");
        group.MapPost("/instances/{instanceId:guid}/approvals/{nodeId}", Decide).WithName("DecideWorkflowApproval")
            .WithSummary("Decide the approval a human.approval node waits for (decision approved|rejected, comment)").RequireRole(UserRole.Member).Audited("workflow.approval");
        group.MapPost("/events/{name}", PublishEvent).WithName("PublishWorkflowEvent")
            .WithSummary("Publish an event: starts the workflows it triggers, resumes the instances waiting for it").RequireRole(UserRole.Member).Audited("workflow.event");
        group.MapPost("/jobs/{jobRequestId}/result", JobResult).WithName("ReportWorkflowJobResult")
            .WithSummary("Report the result of a job a job.run node started (status succeeded|failed, outputs, error, transient)").RequireRole(UserRole.Member).Audited("workflow.job");
        group.MapGet("/tasks", Tasks).WithName("ListWorkflowHumanTasks")
            .WithSummary("List open human tasks (approvals waiting for a decision), oldest first (assignee, limit ≤ 200, offset)").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapGet("/incidents", Incidents).WithName("ListWorkflowIncidents")
            .WithSummary("List the organisation's open incidents, newest first (limit ≤ 200, offset)").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        return routes;
    }

    private static async Task<Ok<ListResponse<WorkflowInstanceSummaryResponse>>> List(
        WorkflowInstanceQueries queries, HttpContext http, string? definitionId, string? status, string? correlationId, string? limit, string? offset, CancellationToken cancellationToken)
    {
        var page = Paging.Parse(limit, offset, WorkflowDefinitionsApi.DefaultLimit, WorkflowDefinitionsApi.MaxLimit);
        InstanceStatus? filter = status is null ? null
            : Enum.TryParse<InstanceStatus>(status, ignoreCase: true, out var parsed) && !int.TryParse(status, out _) ? parsed
            : throw InputValidationException.For("status", "The status must be running, suspended, finished, faulted or cancelled.");
        var result = await queries.ListAsync(http.User.OrgId(), new InstanceFilter(definitionId, filter, correlationId, page.Limit, page.Offset), cancellationToken);
        return TypedResults.Ok(new ListResponse<WorkflowInstanceSummaryResponse>(
            [.. result.Items.Select(WorkflowInstanceSummaryResponse.From)], new ListMeta(result.Total, result.Limit, result.Offset)));
    }

    private static async Task<Ok<DataResponse<WorkflowInstanceDetailResponse>>> Get(Guid instanceId, WorkflowInstanceQueries queries, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(WorkflowInstanceDetailResponse.From(await queries.GetAsync(http.User.OrgId(), instanceId, cancellationToken))));

    private static async Task<Ok<ListResponse<InstanceJournalEntry>>> Journal(
        Guid instanceId, string? after, string? limit, WorkflowInstanceQueries queries, HttpContext http, CancellationToken cancellationToken)
    {
        long afterSeq = 0;
        if (after is not null && (!long.TryParse(after, out afterSeq) || afterSeq < 0))
        {
            throw InputValidationException.For("after", "after must be a sequence number (0 or more).");
        }

        var page = Paging.Parse(limit, null, 500, 1000);
        var entries = await queries.JournalAsync(http.User.OrgId(), instanceId, afterSeq, page.Limit, cancellationToken);
        return TypedResults.Ok(new ListResponse<InstanceJournalEntry>(entries, new ListMeta(entries.Count, page.Limit, 0)));
    }

    private static async Task<Accepted<DataResponse<QueuedResponse>>> Cancel(
        Guid instanceId, IWorkflowRuntime runtime, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var body = await ReadJsonAsync(http.Request, cancellationToken) as JsonObject;
        var reason = body?["reason"] is JsonValue v && v.TryGetValue<string>(out var text) ? text : "Cancelled by a user.";
        await runtime.CancelAsync(http.User.OrgId(), instanceId, reason, cancellationToken);
        audit.Resource = $"workflow_instance:{instanceId}";
        return TypedResults.Accepted($"/api/workflows/instances/{instanceId}", Envelope.Of(new QueuedResponse(instanceId, "cancel")));
    }

    private static async Task<Accepted<DataResponse<QueuedResponse>>> Retry(
        Guid instanceId, IWorkflowRuntime runtime, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        await runtime.RetryAsync(http.User.OrgId(), instanceId, cancellationToken);
        audit.Resource = $"workflow_instance:{instanceId}";
        return TypedResults.Accepted($"/api/workflows/instances/{instanceId}", Envelope.Of(new QueuedResponse(instanceId, "retry")));
    }

    private static async Task<Accepted<DataResponse<StimulusResponse>>> Signal(
        Guid instanceId, string name, [FromHeader(Name = WorkflowDefinitionsApi.IdempotencyKeyHeader)] string? idempotencyKey,
        IWorkflowRuntime runtime, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        CheckKey(name, "name");
        CheckIdempotencyKey(idempotencyKey);
        var payload = await ReadJsonAsync(http.Request, cancellationToken);
        var accepted = await runtime.DeliverAsync(http.User.OrgId(), instanceId, new Stimulus("signal", name, payload, idempotencyKey), cancellationToken);
        audit.Resource = $"workflow_instance:{instanceId}";
        audit.Details["signal"] = name;
        return TypedResults.Accepted($"/api/workflows/instances/{instanceId}", Envelope.Of(StimulusResponse.From(instanceId, accepted)));
    }

    private static async Task<Accepted<DataResponse<StimulusResponse>>> Decide(
        Guid instanceId, string nodeId, ApprovalDecisionRequest? request, [FromHeader(Name = WorkflowDefinitionsApi.IdempotencyKeyHeader)] string? idempotencyKey,
        IWorkflowRuntime runtime, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        CheckIdempotencyKey(idempotencyKey);
        var decision = request?.Decision?.Trim().ToLowerInvariant();
        if (decision is not ("approved" or "rejected"))
        {
            throw InputValidationException.For("decision", "The decision must be approved or rejected.");
        }

        if (request?.Comment is { Length: > 2000 })
        {
            throw InputValidationException.For("comment", "The comment must be at most 2000 characters.");
        }

        var payload = new JsonObject { ["decision"] = decision, ["comment"] = request!.Comment, ["decidedBy"] = http.User.FindFirst(AgentFlowClaims.Email)?.Value ?? http.User.UserId().ToString() };
        var accepted = await runtime.DeliverAsync(http.User.OrgId(), instanceId, new Stimulus("approval", nodeId, payload, idempotencyKey), cancellationToken);
        audit.Resource = $"workflow_instance:{instanceId}";
        audit.Details["node"] = nodeId;
        audit.Details["decision"] = decision;
        return TypedResults.Accepted($"/api/workflows/instances/{instanceId}", Envelope.Of(StimulusResponse.From(instanceId, accepted)));
    }

    private static async Task<Accepted<DataResponse<EventResponse>>> PublishEvent(
        string name, PublishEventRequest? request, [FromHeader(Name = WorkflowDefinitionsApi.IdempotencyKeyHeader)] string? idempotencyKey,
        IWorkflowRuntime runtime, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        CheckKey(name, "name");
        CheckIdempotencyKey(idempotencyKey);
        if (request?.CorrelationId is { Length: > MaxKeyLength })
        {
            throw InputValidationException.For("correlationId", $"The correlation id must be at most {MaxKeyLength} characters.");
        }

        var accepted = await runtime.PublishEventAsync(http.User.OrgId(), name, request?.Payload, request?.CorrelationId, idempotencyKey, cancellationToken);
        audit.Resource = $"workflow_event:{name}";
        audit.Details["started"] = accepted.StartedInstances.Count;
        audit.Details["resumed"] = accepted.ResumedInstances;
        return TypedResults.Accepted((string?)null, Envelope.Of(new EventResponse(accepted.StartedInstances, accepted.ResumedInstances, accepted.Duplicate)));
    }

    private static async Task<Accepted<DataResponse<StimulusResponse>>> JobResult(
        string jobRequestId, JobResultRequest? request, [FromHeader(Name = WorkflowDefinitionsApi.IdempotencyKeyHeader)] string? idempotencyKey,
        IWorkflowRuntime runtime, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        CheckIdempotencyKey(idempotencyKey);
        var status = request?.Status?.Trim().ToLowerInvariant();
        if (status is not ("succeeded" or "failed"))
        {
            throw InputValidationException.For("status", "The status must be succeeded or failed.");
        }

        var payload = new JsonObject
        {
            ["status"] = status,
            ["outputs"] = request!.Outputs?.DeepClone(),
            ["error"] = request.Error,
            ["transient"] = request.Transient ?? false,
        };
        var accepted = await runtime.CompleteJobAsync(http.User.OrgId(), jobRequestId, payload, idempotencyKey, cancellationToken);
        audit.Resource = $"workflow_job:{jobRequestId}";
        var instanceId = Guid.TryParseExact(jobRequestId.Split(':')[0], "N", out var id) ? id : Guid.Empty;
        return TypedResults.Accepted($"/api/workflows/instances/{instanceId}", Envelope.Of(StimulusResponse.From(instanceId, accepted)));
    }

    private static async Task<Ok<ListResponse<InstanceIncident>>> Incidents(
        string? limit, string? offset, WorkflowInstanceQueries queries, HttpContext http, CancellationToken cancellationToken)
    {
        var page = Paging.Parse(limit, offset, WorkflowDefinitionsApi.DefaultLimit, WorkflowDefinitionsApi.MaxLimit);
        var incidents = await queries.OpenIncidentsAsync(http.User.OrgId(), page.Limit, page.Offset, cancellationToken);
        return TypedResults.Ok(new ListResponse<InstanceIncident>(incidents.Items, new ListMeta(incidents.Total, incidents.Limit, incidents.Offset)));
    }

    private static async Task<Ok<ListResponse<HumanTask>>> Tasks(
        string? assignee, string? limit, string? offset, WorkflowInstanceQueries queries, HttpContext http, CancellationToken cancellationToken)
    {
        var page = Paging.Parse(limit, offset, WorkflowDefinitionsApi.DefaultLimit, WorkflowDefinitionsApi.MaxLimit);
        var tasks = await queries.HumanTasksAsync(http.User.OrgId(), assignee, page.Limit, page.Offset, cancellationToken);
        return TypedResults.Ok(new ListResponse<HumanTask>(tasks.Items, new ListMeta(tasks.Total, tasks.Limit, tasks.Offset)));
    }

    /// <summary>The request body as JSON (null when empty); malformed JSON is a 400 naming the body.</summary>
    internal static async Task<JsonNode?> ReadJsonAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body, Encoding.UTF8);
        var text = await reader.ReadToEndAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw InputValidationException.For("body", $"The body is not valid JSON: {ex.Message}");
        }
    }

    private static void CheckKey(string value, string field)
    {
        if (value.Length > MaxKeyLength)
        {
            throw InputValidationException.For(field, $"The {field} must be at most {MaxKeyLength} characters.");
        }
    }

    private static void CheckIdempotencyKey(string? idempotencyKey)
    {
        if (idempotencyKey is { Length: 0 or > MaxKeyLength })
        {
            throw InputValidationException.For(WorkflowDefinitionsApi.IdempotencyKeyHeader, $"The Idempotency-Key header must have 1 to {MaxKeyLength} characters.");
        }
    }
}

/// <summary>An approval decision.</summary>
public sealed record ApprovalDecisionRequest(string? Decision, string? Comment);

/// <summary>An event's payload and optional correlation id (only waits with this correlation id, or none, are resumed).</summary>
public sealed record PublishEventRequest(JsonNode? Payload, string? CorrelationId);

/// <summary>The result of a job.</summary>
public sealed record JobResultRequest(string? Status, JsonObject? Outputs, string? Error, bool? Transient);

/// <summary>A queued operation on an instance.</summary>
public sealed record QueuedResponse(Guid InstanceId, string Operation);

/// <summary>A stored stimulus.</summary>
public sealed record StimulusResponse(Guid InstanceId, Guid? WorkItemId, bool Retained, bool Duplicate)
{
    public static StimulusResponse From(Guid instanceId, StimulusAccepted accepted) =>
        new(instanceId, accepted.WorkItemId == Guid.Empty ? null : accepted.WorkItemId, accepted.Retained, accepted.Duplicate);
}

/// <summary>What a published event did.</summary>
public sealed record EventResponse(IReadOnlyList<Guid> StartedInstances, int ResumedInstances, bool Duplicate);
