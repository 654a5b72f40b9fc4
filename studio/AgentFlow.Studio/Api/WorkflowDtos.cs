using System.Text.Json;

namespace AgentFlow.Studio.Api;

// What the workflow pages read: /api/workflows/definitions…, /api/workflows/descriptors/activities,
// /api/workflows/instances… (records of src/Host/Endpoints/Workflows/WorkflowResponses.cs).

public sealed record WorkflowDefinitionSummary(
    string DefinitionId, string? Name, int LatestVersion, string Status, int? PublishedVersion, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public sealed record WorkflowVersion(
    Guid Id, string DefinitionId, int Version, string Status, bool IsLatest, string? Name, string ContentHash,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, DateTimeOffset? RetiredAt, string? CreatedBy);

public sealed record WorkflowDefinitionVersion(
    Guid Id, string DefinitionId, int Version, string Status, bool IsLatest, string? Name, string ContentHash,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt, DateTimeOffset? RetiredAt, string? CreatedBy,
    JsonElement Definition);

public sealed record WorkflowProblem(string? NodeId, string Field, string Message, string Severity);

public sealed record WorkflowValidation(bool Valid, IReadOnlyList<WorkflowProblem> Problems);

public sealed record WorkflowImportResult(string File, string? DefinitionId, int? Version, string Outcome, IReadOnlyList<WorkflowProblem> Problems, string? Error);

public sealed record ActivityDescriptor(
    string Type, int Version, string Category, string DisplayName, string? Description, string? Icon, string Kind,
    IReadOnlyList<ActivityInputDescriptor> Inputs, IReadOnlyList<ActivityOutputDescriptor> Outputs, IReadOnlyList<string> Outcomes,
    bool HasDynamicOutcomes, bool HasDynamicOutputs);

public sealed record ActivityInputDescriptor(string Name, string Type, string? Description, JsonElement? DefaultValue, string? UiHint, bool Required, IReadOnlyList<string> Syntaxes);

public sealed record ActivityOutputDescriptor(string Name, string Type, string? Description);

public sealed record WorkflowInstanceSummary(
    Guid Id, string DefinitionId, int Version, string Status, string? SubStatus, string? CorrelationId, Guid? ParentInstanceId,
    int IncidentCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt);

public sealed record WorkflowJournalEntry(long Seq, DateTimeOffset At, string? NodeId, Guid? TokenId, string Event, JsonElement? Data, long Burst, string? Worker);
