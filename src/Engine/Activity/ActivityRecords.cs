using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Activity;

/// <summary>
/// One thing an agent did or that happened to it (reference <c>activity_events</c>). Written only by
/// <see cref="ActivityWriter"/>; never changed afterwards.
/// </summary>
public sealed class ActivityEvent : IOrgOwned
{
    /// <summary>
    /// Assigned by the database (identity column) when the single writer inserts the event, so ids grow in
    /// commit order: they are the SSE event ids a reconnecting client sends back in <c>Last-Event-ID</c>.
    /// </summary>
    public long Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid? AgentId { get; set; }
    public string? SessionId { get; set; }
    public required string Type { get; set; }

    /// <summary>A JSON object, secrets already masked.</summary>
    public string Data { get; set; } = "{}";
    public DateTimeOffset Timestamp { get; set; }
}

/// <summary>One tool call, opened when it starts and closed when it ends (reference <c>tool_calls</c>).</summary>
public sealed class ToolCallRecord : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid AgentId { get; set; }
    public string? SessionId { get; set; }
    public required string ToolId { get; set; }
    public string? ToolName { get; set; }

    /// <summary>The call's arguments as a JSON object, secrets already masked.</summary>
    public string Parameters { get; set; } = "{}";
    public ToolCallStatus Status { get; set; } = ToolCallStatus.Running;
    public bool? Success { get; set; }

    /// <summary>The start of the tool's output (at most <see cref="ActivityLimits.ToolOutputLength"/> characters).</summary>
    public string? Output { get; set; }
    public string? Error { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public long? DurationMs { get; set; }
    public int? InputTokens { get; set; }
    public int? OutputTokens { get; set; }

    /// <summary>Cost in millionths of a US dollar: an integer so both providers can sum it in SQL.</summary>
    public long? CostMicroUsd { get; set; }
    public bool PermissionAllowed { get; set; } = true;
    public string? PermissionReason { get; set; }
    public bool RequiredApproval { get; set; }
    public Guid? ApprovalId { get; set; }
}

public enum ToolCallStatus
{
    Running = 0,
    Succeeded = 1,
    Failed = 2,
    Blocked = 3,
}

public static class ToolCallStatusNames
{
    public const string Running = "running";
    public const string Succeeded = "succeeded";
    public const string Failed = "failed";
    public const string Blocked = "blocked";

    public static string ToName(ToolCallStatus status) => status switch
    {
        ToolCallStatus.Succeeded => Succeeded,
        ToolCallStatus.Failed => Failed,
        ToolCallStatus.Blocked => Blocked,
        _ => Running,
    };

    public static ToolCallStatus Parse(string name) => name switch
    {
        Succeeded => ToolCallStatus.Succeeded,
        Failed => ToolCallStatus.Failed,
        Blocked => ToolCallStatus.Blocked,
        _ => ToolCallStatus.Running,
    };

    public static bool TryParse(string? name, out ToolCallStatus status)
    {
        status = Parse(name ?? string.Empty);
        return name is Running or Succeeded or Failed or Blocked;
    }
}

/// <summary>One message of an agent's conversation (reference <c>conversations</c>).</summary>
public sealed class ConversationMessage : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid AgentId { get; set; }
    public required string SessionId { get; set; }

    /// <summary>user, assistant, system or tool.</summary>
    public required string Role { get; set; }
    public required string Content { get; set; }
    public string? Channel { get; set; }
    public int? TokenCount { get; set; }
    public long? CostMicroUsd { get; set; }
    public DateTimeOffset Timestamp { get; set; }
}

/// <summary>The 19 event types of the reference, plus the platform's own (approval_*, deployment_*, health_check, agent_alert…).</summary>
public static class ActivityTypes
{
    public const string SessionStart = "session_start";
    public const string SessionEnd = "session_end";
    public const string MessageReceived = "message_received";
    public const string MessageSent = "message_sent";
    public const string ToolCallStart = "tool_call_start";
    public const string ToolCallEnd = "tool_call_end";
    public const string ToolCallError = "tool_call_error";
    public const string ToolBlocked = "tool_blocked";
    public const string ApprovalRequested = "approval_requested";
    public const string ApprovalDecided = "approval_decided";
    public const string EmailReceived = "email_received";
    public const string EmailSent = "email_sent";
    public const string TaskAssigned = "task_assigned";
    public const string TaskCompleted = "task_completed";
    public const string Error = "error";
    public const string Warning = "warning";
    public const string Heartbeat = "heartbeat";
    public const string MemoryWrite = "memory_write";
    public const string BudgetAlert = "budget_alert";

    /// <summary>Types counted as errors by the stats.</summary>
    public static readonly IReadOnlyList<string> Errors = [Error, ToolCallError];
}

public static class ConversationRoles
{
    public static readonly IReadOnlyList<string> All = ["user", "assistant", "system", "tool"];
}

/// <summary>Sizes above which recorded text is cut, so one chatty agent cannot bloat the tables.</summary>
public static class ActivityLimits
{
    public const int TypeLength = 64;
    public const int SessionIdLength = 128;
    public const int ToolIdLength = 128;
    public const int ToolNameLength = 200;
    public const int ToolOutputLength = 500;
    public const int ErrorLength = 2000;
    public const int MessageContentLength = 16_000;
    public const int ChannelLength = 64;
}
