namespace AgentFlow.Engine.Activity;

/// <summary>A custom or lifecycle event. <paramref name="Data"/> is any JSON-serialisable value; it is masked.</summary>
public sealed record ActivityEventInput(Guid OrgId, Guid? AgentId, string Type, object? Data = null, string? SessionId = null);

/// <summary>The permission decision a tool call was made under (the runtime hook fills it).</summary>
public sealed record ToolCallDecision(bool Allowed, string? Reason = null, bool RequiredApproval = false, Guid? ApprovalId = null);

/// <summary>A tool call that begins now. A denied call (<c>Permission.Allowed == false</c>) is recorded as blocked.</summary>
public sealed record ToolCallStartInput(
    Guid OrgId, Guid AgentId, string ToolId, object? Parameters = null, string? ToolName = null, string? SessionId = null, ToolCallDecision? Permission = null);

/// <summary>The end of a tool call opened by <see cref="IActivityRecorder.StartToolCall"/>.</summary>
public sealed record ToolCallEndInput(
    Guid OrgId, Guid ToolCallId, bool Success, string? Output = null, string? Error = null, long? DurationMs = null,
    int? InputTokens = null, int? OutputTokens = null, decimal? CostUsd = null);

/// <summary>One conversation message; it also emits a <c>message_received</c> (user) or <c>message_sent</c> event.</summary>
public sealed record ConversationMessageInput(
    Guid OrgId, Guid AgentId, string SessionId, string Role, string Content, string? Channel = null, int? TokenCount = null, decimal? CostUsd = null);

/// <summary>
/// Records agent activity. Calls never wait for the database: records are validated and masked here, then
/// queued and written in batches by the writer. A call returns <see langword="false"/> (or <see langword="null"/>)
/// when the queue is full and the record was dropped.
/// </summary>
public interface IActivityRecorder
{
    bool Record(ActivityEventInput input);

    /// <returns>The id of the new tool call, or <see langword="null"/> when it was dropped.</returns>
    Guid? StartToolCall(ToolCallStartInput input);

    bool EndToolCall(ToolCallEndInput input);

    bool RecordMessage(ConversationMessageInput input);

    /// <summary>Completes once everything recorded before the call is written (or given up on).</summary>
    Task FlushAsync(CancellationToken cancellationToken = default);
}
