using System.Globalization;
using System.Text.Json;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Engine;

public sealed record ActivityEventResponse(long Id, Guid OrgId, Guid? AgentId, string? SessionId, string Type, DateTimeOffset Timestamp, JsonElement Data)
{
    internal static ActivityEventResponse From(ActivityEvent e) =>
        new(e.Id, e.OrgId, e.AgentId, e.SessionId, e.Type, e.Timestamp, JsonDocument.Parse(e.Data).RootElement.Clone());
}

public sealed record ToolCallResultResponse(bool Success, string? TruncatedOutput, string? Error);

public sealed record ToolCallTimingResponse(DateTimeOffset StartedAt, DateTimeOffset? CompletedAt, long? DurationMs);

public sealed record ToolCallCostResponse(int? InputTokens, int? OutputTokens, decimal? EstimatedCostUsd);

public sealed record ToolCallPermissionResponse(bool Allowed, string? Reason, bool RequiredApproval, Guid? ApprovalId);

/// <summary>The reference's ToolCallRecord shape, with an explicit status.</summary>
public sealed record ToolCallResponse(
    Guid Id, Guid OrgId, Guid AgentId, string? SessionId, string ToolId, string? ToolName, string Status, JsonElement Parameters,
    ToolCallResultResponse? Result, ToolCallTimingResponse Timing, ToolCallCostResponse? Cost, ToolCallPermissionResponse Permission)
{
    internal static ToolCallResponse From(ToolCallRecord c) => new(
        c.Id, c.OrgId, c.AgentId, c.SessionId, c.ToolId, c.ToolName, ToolCallStatusNames.ToName(c.Status),
        JsonDocument.Parse(c.Parameters).RootElement.Clone(),
        c.Success is { } success ? new ToolCallResultResponse(success, c.Output, c.Error) : null,
        new ToolCallTimingResponse(c.StartedAt, c.CompletedAt, c.DurationMs),
        c.InputTokens is null && c.OutputTokens is null && c.CostMicroUsd is null ? null
            : new ToolCallCostResponse(c.InputTokens, c.OutputTokens, c.CostMicroUsd is { } micro ? micro / 1_000_000m : null),
        new ToolCallPermissionResponse(c.PermissionAllowed, c.PermissionReason, c.RequiredApproval, c.ApprovalId));
}

public sealed record ConversationEntryResponse(Guid Id, Guid AgentId, string SessionId, string Role, string Content, string? Channel, int? TokenCount, decimal? CostUsd, DateTimeOffset Timestamp)
{
    internal static ConversationEntryResponse From(ConversationMessage m) =>
        new(m.Id, m.AgentId, m.SessionId, m.Role, m.Content, m.Channel, m.TokenCount, m.CostMicroUsd is { } micro ? micro / 1_000_000m : null, m.Timestamp);
}

public sealed record TimelineResponse(
    Guid AgentId, string Date, TimelineSummary Summary, IReadOnlyList<ToolUsage> TopTools, IReadOnlyList<int> ActiveHours,
    IReadOnlyList<ActivityEventResponse> Events, bool Truncated);

/// <summary>The read side of activity tracking (<c>/api/engine/activity/*</c>): always the caller's organisation.</summary>
internal static class ActivityApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapActivityApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/engine/activity").WithTags("Activity");
        group.MapGet("/events", ListEvents).WithName("ListActivityEvents")
            .WithSummary("Activity events, newest first (agentId, type[,type], sessionId, since, until, limit ≤ 500, offset)").RequireRole(UserRole.Viewer);
        group.MapGet("/tool-calls", ListToolCalls).WithName("ListToolCalls")
            .WithSummary("Tool calls, newest first (agentId, toolId, sessionId, status, since, until, limit ≤ 500, offset)").RequireRole(UserRole.Viewer);
        group.MapGet("/tool-calls/{id:guid}", GetToolCall).WithName("GetToolCall").WithSummary("One tool call").RequireRole(UserRole.Viewer);
        group.MapGet("/conversation/{sessionId}", GetConversation).WithName("GetConversation")
            .WithSummary("A session's messages, oldest first (limit ≤ 500, offset)").RequireRole(UserRole.Viewer);
        group.MapGet("/timeline/{agentId:guid}/{date}", GetTimeline).WithName("GetActivityTimeline")
            .WithSummary("One agent's UTC day (date YYYY-MM-DD): summary, top tools, active hours, events").RequireRole(UserRole.Viewer);
        group.MapGet("/stats", GetStats).WithName("GetActivityStats")
            .WithSummary("Totals and the last five minutes of the organisation's activity").RequireRole(UserRole.Viewer);
        group.MapGet("/stream", ActivityStream.StreamAsync).WithName("StreamActivity")
            .WithSummary("Server-Sent Events of new activity (agentId; Last-Event-ID header or lastEventId to replay missed events)")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .RequireRole(UserRole.Viewer);
        return routes;
    }

    private static async Task<Ok<ListResponse<ActivityEventResponse>>> ListEvents(
        ActivityQueries queries, HttpContext http, string? orgId, string? agentId, string? type, string? sessionId, string? since, string? until,
        string? limit, string? offset, CancellationToken cancellationToken)
    {
        CheckOrg(http, orgId);
        var types = type?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var filter = new ActivityEventFilter(Paging.ParseGuid("agentId", agentId), types, Text("sessionId", sessionId, ActivityLimits.SessionIdLength),
            Paging.ParseDate("since", since), Paging.ParseDate("until", until));
        var page = await queries.EventsAsync(filter, Paging.Parse(limit, offset, DefaultLimit, MaxLimit), cancellationToken);
        return TypedResults.Ok(Envelope.List(page, ActivityEventResponse.From));
    }

    private static async Task<Ok<ListResponse<ToolCallResponse>>> ListToolCalls(
        ActivityQueries queries, HttpContext http, string? orgId, string? agentId, string? toolId, string? sessionId, string? status, string? since, string? until,
        string? limit, string? offset, CancellationToken cancellationToken)
    {
        CheckOrg(http, orgId);
        ToolCallStatus? parsedStatus = status is null ? null
            : ToolCallStatusNames.TryParse(status, out var s) ? s
            : throw InputValidationException.For("status", "The status must be one of: running, succeeded, failed, blocked.");
        var filter = new ToolCallFilter(Paging.ParseGuid("agentId", agentId), Text("toolId", toolId, ActivityLimits.ToolIdLength),
            Text("sessionId", sessionId, ActivityLimits.SessionIdLength), parsedStatus, Paging.ParseDate("since", since), Paging.ParseDate("until", until));
        var page = await queries.ToolCallsAsync(filter, Paging.Parse(limit, offset, DefaultLimit, MaxLimit), cancellationToken);
        return TypedResults.Ok(Envelope.List(page, ToolCallResponse.From));
    }

    private static async Task<Ok<DataResponse<ToolCallResponse>>> GetToolCall(Guid id, ActivityQueries queries, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(ToolCallResponse.From(await queries.ToolCallAsync(id, cancellationToken))));

    private static async Task<Ok<ListResponse<ConversationEntryResponse>>> GetConversation(
        string sessionId, ActivityQueries queries, string? limit, string? offset, CancellationToken cancellationToken)
    {
        var session = Text("sessionId", sessionId, ActivityLimits.SessionIdLength)!;
        var page = await queries.ConversationAsync(session, Paging.Parse(limit, offset, DefaultLimit, MaxLimit), cancellationToken);
        return TypedResults.Ok(Envelope.List(page, ConversationEntryResponse.From));
    }

    private static async Task<Ok<DataResponse<TimelineResponse>>> GetTimeline(Guid agentId, string date, ActivityQueries queries, CancellationToken cancellationToken)
    {
        if (!DateOnly.TryParseExact(date, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw InputValidationException.For("date", "The date must be a day in the form YYYY-MM-DD.");
        }

        var timeline = await queries.TimelineAsync(agentId, day, cancellationToken);
        return TypedResults.Ok(Envelope.Of(new TimelineResponse(
            timeline.AgentId, timeline.Date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), timeline.Summary, timeline.TopTools, timeline.ActiveHours,
            [.. timeline.Events.Select(ActivityEventResponse.From)], timeline.Truncated)));
    }

    private static async Task<Ok<DataResponse<ActivityStats>>> GetStats(ActivityQueries queries, HttpContext http, string? orgId, CancellationToken cancellationToken)
    {
        CheckOrg(http, orgId);
        return TypedResults.Ok(Envelope.Of(await queries.StatsAsync(cancellationToken)));
    }

    /// <summary>
    /// The reference filtered by an <c>orgId</c> parameter; here the organisation is the caller's. Naming it is
    /// allowed, naming another one answers 404 as if it did not exist (never an empty list that confirms it does).
    /// </summary>
    internal static void CheckOrg(HttpContext http, string? orgId)
    {
        if (Paging.ParseGuid("orgId", orgId) is { } requested && requested != http.User.OrgId())
        {
            throw new ResourceNotFoundException("Organization", requested.ToString());
        }
    }

    private static string? Text(string field, string? value, int maxLength) =>
        value is null ? null
        : value.Length == 0 || value.Length > maxLength || value.Any(char.IsControl)
            ? throw InputValidationException.For(field, $"The {field} must be 1 to {maxLength} characters without control characters.")
            : value;
}
