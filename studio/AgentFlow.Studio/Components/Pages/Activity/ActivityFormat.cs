using System.Globalization;
using System.Text.Json;
using AgentFlow.Studio.Api;
using AgentFlow.Studio.Live;
using MudBlazor;

namespace AgentFlow.Studio.Components.Pages.Activity;

/// <summary>How the activity tabs show events, agents and tool calls.</summary>
internal static class ActivityFormat
{
    /// <summary>The event types the platform records (src/Engine/Activity/ActivityRecords.cs and the approval, deployment, lifecycle services).</summary>
    public static readonly IReadOnlyList<string> EventTypes =
    [
        "tool_call_start", "tool_call_end", "tool_call_error", "tool_blocked",
        "approval_requested", "approval_vote", "approval_escalated", "approval_decided",
        "agent_state_changed", "deployment_phase", "deployment_log", "health_check", "agent_alert",
        "session_start", "session_end", "message_received", "message_sent", "email_received", "email_sent",
        "task_assigned", "task_completed", "error", "warning", "heartbeat", "memory_write", "budget_alert",
    ];

    public static readonly IReadOnlyList<string> ToolCallStatuses = ["running", "succeeded", "failed", "blocked"];

    private static readonly string[] SummaryFields = ["toolId", "tool", "message", "phase", "status", "to", "state", "reason", "error", "subject"];

    private static readonly JsonSerializerOptions Indented = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A one-line summary of an event's data: its most telling fields, in a fixed order.</summary>
    public static string Summary(LiveEvent e)
    {
        if (e.Data.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        var parts = new List<string>();
        foreach (var name in SummaryFields)
        {
            if (e.Data.TryGetProperty(name, out var value) && value.ValueKind is JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
            {
                var text = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
                if (!string.IsNullOrEmpty(text))
                {
                    parts.Add(name is "toolId" or "tool" or "message" ? text : $"{name}: {text}");
                }
            }

            if (parts.Count == 3)
            {
                break;
            }
        }

        if (e.Data.TryGetProperty("durationMs", out var duration) && duration.ValueKind == JsonValueKind.Number)
        {
            parts.Add(duration.GetRawText() + " ms");
        }

        var summary = string.Join(" · ", parts);
        return summary.Length <= 160 ? summary : summary[..157] + "…";
    }

    public static string Json(JsonElement element) =>
        element.ValueKind == JsonValueKind.Undefined ? "" : JsonSerializer.Serialize(element, Indented);

    public static Color TypeColor(string type) => type switch
    {
        "tool_call_error" or "error" or "agent_alert" or "budget_alert" => Color.Error,
        "tool_blocked" or "warning" or "approval_escalated" => Color.Warning,
        "tool_call_end" or "task_completed" => Color.Success,
        _ when type.StartsWith("approval_", StringComparison.Ordinal) => Color.Secondary,
        _ when type.StartsWith("deployment_", StringComparison.Ordinal) || type == "agent_state_changed" => Color.Info,
        _ => Color.Default,
    };

    public static Color StatusColor(string status) => status switch
    {
        "succeeded" => Color.Success,
        "failed" => Color.Error,
        "blocked" => Color.Warning,
        "running" => Color.Info,
        _ => Color.Default,
    };

    public static string AgentName(IReadOnlyDictionary<Guid, string> names, Guid? agentId) =>
        agentId is not { } id ? "—" : names.TryGetValue(id, out var name) ? name : id.ToString("N", CultureInfo.InvariantCulture)[..8];

    public static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("HH:mm:ss", CultureInfo.InvariantCulture);

    public static string DateTime(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    public static string Cost(ToolCallCostDto? cost) =>
        cost?.EstimatedCostUsd is { } usd ? "$" + usd.ToString("0.0000", CultureInfo.InvariantCulture) : "—";
}
