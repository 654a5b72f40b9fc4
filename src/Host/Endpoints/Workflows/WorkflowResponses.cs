using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Host.Endpoints.Workflows;

/// <summary>A definition in a list: its latest version and which version is published.</summary>
public sealed record WorkflowDefinitionSummaryResponse(
    string DefinitionId,
    string? Name,
    int LatestVersion,
    string Status,
    int? PublishedVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    internal static WorkflowDefinitionSummaryResponse From(WorkflowDefinitionSummary s) =>
        new(s.DefinitionId, s.Name, s.LatestVersion, WorkflowNames.Of(s.LatestStatus), s.PublishedVersion, s.CreatedAt, s.UpdatedAt);
}

/// <summary>One version without its content (the versions list).</summary>
public sealed record WorkflowVersionResponse(
    Guid Id,
    string DefinitionId,
    int Version,
    string Status,
    bool IsLatest,
    string? Name,
    string ContentHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? RetiredAt,
    string? CreatedBy)
{
    internal static WorkflowVersionResponse From(WorkflowDefinitionRecord r) =>
        new(r.Id, r.DefinitionId, r.Version, WorkflowNames.Of(r.Status), r.IsLatest, r.Name, r.ContentHash, r.CreatedAt, r.UpdatedAt, r.PublishedAt, r.RetiredAt, r.CreatedBy);
}

/// <summary>One version with its "wf/1" document.</summary>
public sealed record WorkflowDefinitionResponse(
    Guid Id,
    string DefinitionId,
    int Version,
    string Status,
    bool IsLatest,
    string? Name,
    string ContentHash,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PublishedAt,
    DateTimeOffset? RetiredAt,
    string? CreatedBy,
    JsonElement Definition)
{
    internal static WorkflowDefinitionResponse From(WorkflowDefinitionRecord r) =>
        new(r.Id, r.DefinitionId, r.Version, WorkflowNames.Of(r.Status), r.IsLatest, r.Name, r.ContentHash, r.CreatedAt, r.UpdatedAt, r.PublishedAt, r.RetiredAt, r.CreatedBy,
            JsonDocument.Parse(r.ContentJson).RootElement.Clone());
}

/// <summary>One problem of a definition.</summary>
public sealed record WorkflowProblemResponse(string? NodeId, string Field, string Message, string Severity)
{
    internal static WorkflowProblemResponse From(ValidationProblem p) => new(p.NodeId, p.Field, p.Message, p.Severity.ToString().ToLowerInvariant());
}

/// <summary>The result of validating a definition without saving it.</summary>
public sealed record WorkflowValidationResponse(bool Valid, IReadOnlyList<WorkflowProblemResponse> Problems);

/// <summary>What importing one file did.</summary>
public sealed record WorkflowImportResultResponse(string File, string? DefinitionId, int? Version, string Outcome, IReadOnlyList<WorkflowProblemResponse> Problems, string? Error)
{
    internal static WorkflowImportResultResponse From(WorkflowImportResult r) =>
        new(r.File, r.DefinitionId, r.Version, r.Outcome, [.. r.Problems.Select(WorkflowProblemResponse.From)], r.Error);
}

/// <summary>Starts an instance of the published version.</summary>
/// <param name="Input">Values of the definition's declared inputs.</param>
/// <param name="CorrelationId">A business key to find the instance (and route stimuli) by.</param>
public sealed record StartWorkflowInstanceRequest(JsonObject? Input, string? CorrelationId);

/// <summary>A started instance (or, for a repeated Idempotency-Key, the one started first).</summary>
public sealed record StartWorkflowInstanceResponse(Guid InstanceId, string Status, JsonObject? Output);

/// <summary>An instance in a list (statuses by their lower-case names, like the <c>status</c> filter takes them).</summary>
public sealed record WorkflowInstanceSummaryResponse(
    Guid Id,
    string DefinitionId,
    int Version,
    string Status,
    string? SubStatus,
    string? CorrelationId,
    Guid? ParentInstanceId,
    int IncidentCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt)
{
    internal static WorkflowInstanceSummaryResponse From(InstanceSummary s) =>
        new(s.Id, s.DefinitionId, s.Version, WorkflowNames.Of(s.Status), s.SubStatus, s.CorrelationId, s.ParentInstanceId, s.IncidentCount, s.CreatedAt, s.UpdatedAt, s.FinishedAt);
}

/// <summary>One token of an instance: where it is, what it is doing and which bookmarks it waits on.</summary>
public sealed record WorkflowTokenResponse(Guid Id, string NodeId, string Status, int Attempt, IReadOnlyList<Guid> Waits, JsonObject NodeState, DateTimeOffset? TimeoutAt)
{
    internal static WorkflowTokenResponse From(TokenState t) => new(t.Id, t.NodeId, WorkflowNames.Of(t.Status), t.Attempt, t.Waits, t.NodeState, t.TimeoutAt);
}

/// <summary>An instance with its input, variables, output, tokens, waits and incidents (resolved ones included).</summary>
public sealed record WorkflowInstanceDetailResponse(
    WorkflowInstanceSummaryResponse Instance,
    JsonObject Input,
    JsonObject Variables,
    JsonObject? Output,
    JsonNode? Result,
    string? Error,
    IReadOnlyList<WorkflowTokenResponse> Tokens,
    IReadOnlyList<InstanceWait> Waits,
    IReadOnlyList<InstanceIncident> Incidents,
    long RowVersion)
{
    internal static WorkflowInstanceDetailResponse From(InstanceDetail d) => new(
        WorkflowInstanceSummaryResponse.From(d.Instance), d.Input, d.Variables, d.Output, d.Result, d.Error,
        [.. d.Tokens.Select(WorkflowTokenResponse.From)], d.Waits, d.Incidents, d.RowVersion);
}

/// <summary>An activity type of the designer palette.</summary>
public sealed record ActivityDescriptorResponse(
    string Type,
    int Version,
    string Category,
    string DisplayName,
    string? Description,
    string? Icon,
    string Kind,
    IReadOnlyList<ActivityInputResponse> Inputs,
    IReadOnlyList<ActivityOutputResponse> Outputs,
    IReadOnlyList<string> Outcomes,
    bool HasDynamicOutcomes,
    bool HasDynamicOutputs)
{
    internal static ActivityDescriptorResponse From(ActivityDescriptor d) => new(
        d.Type,
        d.Version,
        d.Category,
        d.DisplayName,
        d.Description,
        d.Icon,
        d.Kind.ToString().ToLowerInvariant(),
        [.. d.Inputs.Select(i => new ActivityInputResponse(i.Name, WorkflowNames.Of(i.Type), i.Description, i.DefaultValue, i.UiHint, i.Required, [.. i.Syntaxes.Select(s => s.ToString().ToLowerInvariant())]))],
        [.. d.Outputs.Select(o => new ActivityOutputResponse(o.Name, WorkflowNames.Of(o.Type), o.Description))],
        d.Outcomes,
        d.HasDynamicOutcomes,
        d.HasDynamicOutputs);
}

public sealed record ActivityInputResponse(string Name, string Type, string? Description, JsonElement? DefaultValue, string? UiHint, bool Required, IReadOnlyList<string> Syntaxes);

public sealed record ActivityOutputResponse(string Name, string Type, string? Description);

/// <summary>The lower-case wire names of workflow enums.</summary>
internal static class WorkflowNames
{
    public static string Of(DefinitionStatus status) => status.ToString().ToLowerInvariant();

    public static string Of(InstanceStatus status) => status.ToString().ToLowerInvariant();

    public static string Of(TokenStatus status) => status.ToString().ToLowerInvariant();

    public static string Of(JsonValueType type) => type.ToString().ToLowerInvariant();
}
