using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Approvals;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Engine;

public sealed record ApprovalVoteResponse(Guid UserId, string Action, string? Reason, int Level, DateTimeOffset At);

public sealed record ApprovalRequestResponse(
    Guid Id, Guid AgentId, string AgentName, string ToolId, string? ToolName, string RiskLevel, IReadOnlyList<string> SideEffects,
    JsonNode? Parameters, string Reason, Guid? PolicyId, string? PolicyName, string Status, int Level, int Levels, int RequiredApprovals,
    int Approvals, IReadOnlyList<string> Approvers, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, DateTimeOffset? DecidedAt,
    string? DecidedBy, string? DecisionReason, IReadOnlyList<ApprovalVoteResponse> Votes, Guid? WorkflowInstanceId, Guid? ToolCallId, bool Used)
{
    internal static ApprovalRequestResponse From(ApprovalRequest r)
    {
        var plan = ApprovalService.PlanOf(r);
        var approvers = ApprovalService.ApproversAt(plan, r.Level);
        return new(r.Id, r.AgentId, r.AgentName, r.ToolId, r.ToolName, r.RiskLevel,
            JsonSerializer.Deserialize<List<string>>(r.SideEffects) ?? [], JsonNode.Parse(r.Arguments), r.Reason, r.PolicyId, r.PolicyName,
            ApprovalStatusNames.ToName(r.Status), r.Level, plan.Levels.Count, plan.RequireMultiple, r.Decisions.Count(d => d.Approve),
            [.. approvers.Roles.Select(x => "role:" + x).Concat(approvers.UserIds.Select(u => "user:" + u))],
            r.CreatedAt, r.ExpiresAt, r.DecidedAt, r.DecidedBy, r.DecisionReason,
            [.. r.Decisions.Select(d => new ApprovalVoteResponse(d.UserId, d.Approve ? "approve" : "deny", d.Reason, d.Level, d.At))],
            r.WorkflowInstanceId, r.ToolCallId, r.ConsumedAt is not null);
    }
}

public sealed record DecideApprovalRequest(string? Action, string? Reason);

public sealed record ApprovalDecisionResponse(ApprovalRequestResponse Request, int Approvals, int Required, bool Final);

public sealed record ApprovalPolicyResponse(
    Guid Id, string Name, string? Description, bool Enabled, ApprovalTriggers Triggers, ApproverSetResponse Approvers,
    ApprovalTimeout Timeout, IReadOnlyList<EscalationLevelResponse> Escalation, IReadOnlyList<AutoApproveCondition> AutoApprove,
    ApprovalNotify Notify, DateTimeOffset CreatedAt)
{
    internal static ApprovalPolicyResponse From(ApprovalPolicyView v) => new(
        v.Policy.Id, v.Policy.Name, v.Policy.Description, v.Policy.Enabled, v.Definition.Triggers,
        new ApproverSetResponse(v.Definition.Approvers.UserIds, v.Definition.Approvers.Roles, v.Definition.RequireMultiple),
        v.Definition.Timeout, [.. v.Definition.Escalation.Select(l => new EscalationLevelResponse(new ApproverSetResponse(l.Approvers.UserIds, l.Approvers.Roles, null), l.TimeoutMinutes))],
        v.Definition.AutoApprove, v.Definition.Notify, v.Policy.CreatedAt);
}

public sealed record ApproverSetResponse(IReadOnlyList<Guid> UserIds, IReadOnlyList<string> Roles, int? RequireMultiple);

public sealed record EscalationLevelResponse(ApproverSetResponse Approvers, int TimeoutMinutes);

/// <summary>
/// <c>/api/engine/approvals</c> (spec: Approvals). Every role reads requests and policies (viewers included); admins
/// create and delete policies; the decider of a request is the authenticated user, who must be an approver of the
/// request's current level (403 otherwise); an agent's key may only wait on its own agent's requests.
/// </summary>
internal static class ApprovalsApi
{
    private const int DefaultLimit = 50;
    private const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapApprovalsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/engine/approvals").WithTags("Approvals");
        group.MapGet("/pending", Pending).WithName("ListPendingApprovals").WithSummary("Pending requests, oldest first (agentId, limit ≤ 200, offset)").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapGet("/history", History).WithName("ListApprovalHistory").WithSummary("Decided requests, newest first (agentId, limit ≤ 200, offset)").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapGet("/policies", ListPolicies).WithName("ListApprovalPolicies").WithSummary("The organisation's approval policies, in matching order").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapPost("/policies", CreatePolicy).WithName("CreateApprovalPolicy")
            .WithSummary("Create a policy: triggers, approvers (quorum), timeout and default action, escalation levels, auto-approve conditions, notifications")
            .RequireRole(UserRole.Admin).Audited("approval_policy.create");
        group.MapDelete("/policies/{id:guid}", DeletePolicy).WithName("DeleteApprovalPolicy").WithSummary("Delete a policy (requests in flight keep their snapshot)")
            .RequireRole(UserRole.Admin).Audited("approval_policy.delete");
        group.MapGet("/{id:guid}", Get).WithName("GetApproval").WithSummary("One request with its votes").RequireRole(UserRole.Viewer);
        group.MapGet("/{id:guid}/wait", Wait).WithName("WaitForApproval")
            .WithSummary("Long-poll until the request is decided or ?timeout= seconds (≤ 60) pass; the agent's key or a member").RequireRole(UserRole.Viewer)
            .NotAudited("a read");
        group.MapPost("/{id:guid}/decide", Decide).WithName("DecideApproval")
            .WithSummary("Approve or deny as the signed-in approver (action approve|deny, reason)").RequireRole(UserRole.Viewer).Audited("approval.decide");
        return routes;
    }

    private static async Task<Ok<ListResponse<ApprovalRequestResponse>>> Pending(string? agentId, string? limit, string? offset, ApprovalService approvals, HttpContext http, CancellationToken cancellationToken) =>
        await ListAsync(true, agentId, limit, offset, approvals, http, cancellationToken);

    private static async Task<Ok<ListResponse<ApprovalRequestResponse>>> History(string? agentId, string? limit, string? offset, ApprovalService approvals, HttpContext http, CancellationToken cancellationToken) =>
        await ListAsync(false, agentId, limit, offset, approvals, http, cancellationToken);

    private static async Task<Ok<ListResponse<ApprovalRequestResponse>>> ListAsync(bool pending, string? agentId, string? limit, string? offset,
        ApprovalService approvals, HttpContext http, CancellationToken cancellationToken)
    {
        RefuseAgentKey(http);
        var page = Paging.Parse(limit, offset, DefaultLimit, MaxLimit);
        var (items, total) = await approvals.ListAsync(pending, Paging.ParseGuid("agentId", agentId), page.Limit, page.Offset, cancellationToken);
        return TypedResults.Ok(new ListResponse<ApprovalRequestResponse>([.. items.Select(ApprovalRequestResponse.From)], new ListMeta(total, page.Limit, page.Offset)));
    }

    private static async Task<Ok<DataResponse<ApprovalRequestResponse>>> Get(Guid id, ApprovalService approvals, HttpContext http, CancellationToken cancellationToken)
    {
        var request = await approvals.GetAsync(id, cancellationToken);
        EnsureVisible(http, request);
        return TypedResults.Ok(Envelope.Of(ApprovalRequestResponse.From(request)));
    }

    private static async Task<Ok<DataResponse<ApprovalRequestResponse>>> Wait(Guid id, string? timeout, ApprovalService approvals, HttpContext http, CancellationToken cancellationToken)
    {
        var seconds = 30;
        if (timeout is not null && (!int.TryParse(timeout, NumberStyles.None, CultureInfo.InvariantCulture, out seconds) || seconds > 60))
        {
            throw InputValidationException.For("timeout", "The timeout is a whole number of seconds from 0 to 60.");
        }

        EnsureVisible(http, await approvals.GetAsync(id, cancellationToken));
        var request = await approvals.WaitAsync(id, TimeSpan.FromSeconds(seconds), cancellationToken);
        return TypedResults.Ok(Envelope.Of(ApprovalRequestResponse.From(request)));
    }

    private static async Task<Ok<DataResponse<ApprovalDecisionResponse>>> Decide(Guid id, DecideApprovalRequest body, ApprovalService approvals,
        AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        RefuseAgentKey(http);
        var approve = body.Action?.Trim().ToLowerInvariant() switch
        {
            "approve" or "approved" => true,
            "deny" or "denied" or "reject" or "rejected" => false,
            _ => throw InputValidationException.For("action", "The action is approve or deny."),
        };
        audit.Resource = $"approval:{id}";
        audit.Details["action"] = approve ? "approve" : "deny";
        var vote = await approvals.DecideAsync(id, new ApprovalCaller(http.User.UserId(), http.User.Role()), approve, body.Reason, cancellationToken);
        audit.Details["final"] = vote.Final;
        return TypedResults.Ok(Envelope.Of(new ApprovalDecisionResponse(ApprovalRequestResponse.From(vote.Request), vote.Approvals, vote.Required, vote.Final)));
    }

    private static async Task<Ok<ListResponse<ApprovalPolicyResponse>>> ListPolicies(ApprovalPolicyService policies, CancellationToken cancellationToken)
    {
        var all = (await policies.ListAsync(cancellationToken)).Select(ApprovalPolicyResponse.From).ToList();
        return TypedResults.Ok(new ListResponse<ApprovalPolicyResponse>(all, new ListMeta(all.Count, all.Count, 0)));
    }

    private static async Task<Created<DataResponse<ApprovalPolicyResponse>>> CreatePolicy(ApprovalPolicyInput body, ApprovalPolicyService policies,
        AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var created = await policies.CreateAsync(body, http.User.UserId(), cancellationToken);
        audit.Resource = $"approval_policy:{created.Policy.Id}";
        audit.Details["name"] = created.Policy.Name;
        return TypedResults.Created($"/api/engine/approvals/policies/{created.Policy.Id}", Envelope.Of(ApprovalPolicyResponse.From(created)));
    }

    private static async Task<NoContent> DeletePolicy(Guid id, ApprovalPolicyService policies, AuditContext audit, CancellationToken cancellationToken)
    {
        audit.Resource = $"approval_policy:{id}";
        await policies.DeleteAsync(id, cancellationToken);
        return TypedResults.NoContent();
    }

    private static void EnsureVisible(HttpContext http, ApprovalRequest request)
    {
        // An agent's key sees its own agent's requests only (as a 404, like another organisation's).
        if (http.User.AgentId() is { } agentId && agentId != request.AgentId)
        {
            throw new ResourceNotFoundException("Approval request", request.Id.ToString());
        }
    }

    private static void RefuseAgentKey(HttpContext http)
    {
        if (http.User.AgentId() is not null)
        {
            throw new OperationNotAllowedException("AGENT_CANNOT_DECIDE", "An agent's key cannot list or decide approvals; a person decides.");
        }
    }
}
