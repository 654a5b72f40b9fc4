using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Runtime;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Errors;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Engine;

/// <summary>
/// A tool call about to run: <c>toolId</c> (or <c>tool</c>), its <c>arguments</c> (or <c>args</c>; secrets are masked
/// before they are stored), an optional <c>sessionId</c>. <c>agentId</c> is accepted because the reference's hook sends
/// it, and ignored: the agent is always the key's, so a key can never act for another agent.
/// </summary>
/// <c>approvalId</c> is the approval given for exactly this call (same tool and arguments), sent when asking again
/// after the decision.
public sealed record RuntimeToolCallRequest(string? ToolId, string? Tool, JsonElement? Arguments, JsonElement? Args, string? SessionId, string? AgentId = null, Guid? ApprovalId = null);

/// <summary>
/// The decision. <c>allowed</c> is false when the call must not run now, including when it <c>requiresApproval</c>
/// with the <c>approvalId</c> of the request made for it (wait on <c>GET /api/engine/approvals/{id}/wait</c>, then ask
/// again with it). <c>toolCallId</c> is the record.
/// </summary>
public sealed record RuntimeToolCallResponse(bool Allowed, bool RequiresApproval, string Reason, bool Sandbox, Guid? ToolCallId, Guid? ApprovalId);

/// <summary>How the call ended: <c>result</c> (any JSON; kept as text), <c>success</c> (default true), <c>error</c>, duration, tokens, cost.</summary>
public sealed record RuntimeCompleteRequest(JsonElement? Result, bool? Success, string? Error, long? DurationMs, int? InputTokens, int? OutputTokens, decimal? CostUsd);

public sealed record RuntimeCompleteResponse(Guid ToolCallId, bool Completed, IReadOnlyList<BudgetEvent> BudgetEvents);

/// <summary>
/// The runtime hook (spec: Runtime Hooks). Only an API key bound to an agent may call it; a user's token or an
/// ordinary key is a 401, because these routes act as an agent and no other credential names one.
/// </summary>
internal static class RuntimeApi
{
    private const string AgentKeyRequired = "AGENT_KEY_REQUIRED";

    public static IEndpointRouteBuilder MapRuntimeApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/engine/runtime").WithTags("Runtime hook");
        group.MapPost("/tool-calls", BeforeToolCall).WithName("RuntimeBeforeToolCall")
            .WithSummary("Decide and open a tool call of the key's agent (agent-bound API key only)").RequireRole(UserRole.Viewer)
            .NotAudited("every hook call is recorded in the activity tool-call table, blocked ones included");
        group.MapPost("/tool-calls/{id:guid}/complete", Complete).WithName("RuntimeCompleteToolCall")
            .WithSummary("Close a tool call of the key's agent with its result, duration, tokens and cost").RequireRole(UserRole.Viewer)
            .NotAudited("the completion is recorded on the activity tool-call record");
        return routes;
    }

    private static async Task<Results<Ok<DataResponse<RuntimeToolCallResponse>>, ProblemHttpResult>> BeforeToolCall(
        RuntimeToolCallRequest request, RuntimeHookService hook, HttpContext http, CancellationToken cancellationToken)
    {
        if (http.User.AgentId() is not { } agentId)
        {
            return NotAnAgent();
        }

        var arguments = request.Arguments ?? request.Args;
        var decision = await hook.BeforeToolCallAsync(new HookToolCallInput(http.User.OrgId(), agentId, request.ToolId ?? request.Tool,
            arguments is { ValueKind: not JsonValueKind.Null and not JsonValueKind.Undefined } a ? a : null, request.SessionId, http.Connection.RemoteIpAddress)
        {
            ApprovalId = request.ApprovalId,
        }, cancellationToken);
        return TypedResults.Ok(Envelope.Of(new RuntimeToolCallResponse(decision.Allowed, decision.RequiresApproval, decision.Reason, decision.Sandbox, decision.ToolCallId, decision.ApprovalId)));
    }

    private static async Task<Results<Ok<DataResponse<RuntimeCompleteResponse>>, ProblemHttpResult>> Complete(
        Guid id, RuntimeCompleteRequest request, RuntimeHookService hook, HttpContext http, CancellationToken cancellationToken)
    {
        if (http.User.AgentId() is not { } agentId)
        {
            return NotAnAgent();
        }

        var result = request.Result switch
        {
            null => null,
            { ValueKind: JsonValueKind.String } text => text.GetString(),
            { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => null,
            { } json => json.GetRawText(),
        };
        var completion = await hook.CompleteAsync(http.User.OrgId(), agentId, id, new HookCompletionInput(request.Success ?? true, result, request.Error,
            request.DurationMs, request.InputTokens, request.OutputTokens, request.CostUsd), cancellationToken);
        return TypedResults.Ok(Envelope.Of(new RuntimeCompleteResponse(completion.ToolCallId, true, completion.BudgetEvents)));
    }

    private static ProblemHttpResult NotAnAgent() => TypedResults.Problem(ApiProblem.Create(StatusCodes.Status401Unauthorized, AgentKeyRequired,
        "The runtime hook accepts only an API key bound to an agent (X-API-Key); create one with POST /api/api-keys and an agentId."));
}
