using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Approvals;
using AgentFlow.Engine.Notifications;
using AgentFlow.Workflows.Activities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentFlow.Activities.Approvals;

/// <summary>The inputs every approval activity takes: which request, of which organisation.</summary>
public abstract class ApprovalActivityBase(TenantScopes scopes)
{
    [ActivityInput(Description = "The approval request's id.", Required = true)]
    public string? RequestId { get; set; }

    [ActivityInput(Description = "The request's organisation.", Required = true)]
    public string? OrgId { get; set; }

    protected async Task<T> WithServiceAsync<T>(Func<ApprovalService, Guid, Task<T>> action)
    {
        if (!Guid.TryParse(OrgId, out var orgId) || !Guid.TryParse(RequestId, out var requestId))
        {
            throw new InvalidOperationException("orgId and requestId must be ids.");
        }

        await using var scope = scopes.For(orgId);
        return await action(scope.ServiceProvider.GetRequiredService<ApprovalService>(), requestId);
    }

    protected static Dictionary<string, JsonNode?> Outputs(ApprovalRequest request) => new(StringComparer.Ordinal)
    {
        ["status"] = ApprovalStatusNames.ToName(request.Status),
        ["level"] = request.Level,
    };
}

/// <summary>Approves the request as the system when the policy's auto-approve conditions hold on the call's arguments.</summary>
[Activity("approval.autoApprove", Category = "Approvals", DisplayName = "Auto-approve", Icon = "check-circle",
    Description = "Approves the request when every auto-approve condition of its policy holds; otherwise continues to review.")]
[ActivityOutcomes(Approved, Review)]
public sealed class AutoApproveActivity(TenantScopes scopes) : ApprovalActivityBase(scopes), IActivity
{
    public const string Approved = "Approved";
    public const string Review = "Review";

    [ActivityOutput(Description = "The request's status afterwards.")]
    public string? Status { get; }

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var approved = await WithServiceAsync((service, id) => service.TryAutoApproveAsync(id, context.CancellationToken));
        return ActivityResult.Complete(approved ? Approved : Review);
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        throw new InvalidOperationException("Auto-approve does not wait.");
}

/// <summary>
/// Tells the current level's approvers: posts the request to the policy's webhook and, when SMTP is configured, mails
/// the policy's recipients (both through the outbox, so they are retried and survive restarts).
/// </summary>
[Activity("approval.notify", Category = "Approvals", DisplayName = "Notify approvers", Icon = "bell",
    Description = "Posts the request (and its level) to the policy's webhook and e-mails the policy's recipients when SMTP is configured.")]
public sealed class NotifyApproversActivity(TenantScopes scopes, IOptions<SmtpOptions> smtp) : ApprovalActivityBase(scopes), IActivity
{
    /// <summary>The outbox kind of an e-mail: payload <c>{to: [...], subject, body}</c> (plain text).</summary>
    public const string EmailKind = "email";

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var request = await WithServiceAsync((service, id) => service.GetAsync(id, context.CancellationToken));
        var plan = ApprovalService.PlanOf(request);
        if (request.Status == Engine.Approvals.ApprovalStatus.Pending && plan.Notify.WebhookUrl is { } url)
        {
            context.Emit(new OutboxMessage("http", new JsonObject
            {
                ["url"] = url,
                ["method"] = "POST",
                ["headers"] = new JsonObject(),
                ["body"] = new JsonObject
                {
                    ["type"] = request.Level == 1 ? "approval_request" : "approval_escalated",
                    ["request"] = new JsonObject
                    {
                        ["id"] = request.Id.ToString(),
                        ["agentId"] = request.AgentId.ToString(),
                        ["agentName"] = request.AgentName,
                        ["toolId"] = request.ToolId,
                        ["riskLevel"] = request.RiskLevel,
                        ["reason"] = request.Reason,
                        ["level"] = request.Level,
                        ["expiresAt"] = request.ExpiresAt.ToString("O", CultureInfo.InvariantCulture),
                        ["arguments"] = JsonNode.Parse(request.Arguments),
                    },
                },
            }));
        }

        if (plan.Notify.Emails.Count > 0)
        {
            var recipients = string.Join(", ", plan.Notify.Emails);
            if (request.Status != Engine.Approvals.ApprovalStatus.Pending)
            {
                // Decided meanwhile (auto-approved, or a quick vote): nobody needs to be asked any more.
            }
            else if (!smtp.Value.IsConfigured)
            {
                context.Log("info", $"E-mail notification for approval {request.Id} (level {request.Level}) to {recipients} not sent: SMTP is not configured (AgentFlow:Smtp:Host).");
            }
            else
            {
                context.Emit(new OutboxMessage(EmailKind, new JsonObject
                {
                    ["to"] = new JsonArray([.. plan.Notify.Emails.Select(e => (JsonNode?)JsonValue.Create(e))]),
                    ["subject"] = Subject(request),
                    ["body"] = Body(request),
                }));
                context.Log("info", $"E-mail notification for approval {request.Id} (level {request.Level}) queued to {recipients}.");
            }
        }

        return ActivityResult.Complete();
    }

    /// <summary>"Approval needed: tool for agent", or "Escalated (level N): …" once the first level ran out.</summary>
    public static string Subject(ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var what = $"{request.ToolId} for {request.AgentName}";
        return request.Level == 1 ? $"Approval needed: {what}" : $"Escalated (level {request.Level}): {what}";
    }

    /// <summary>The plain-text mail: what is asked, by whom, the (already masked) arguments, and how to decide.</summary>
    public static string Body(ApprovalRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string arguments;
        try
        {
            arguments = JsonNode.Parse(request.Arguments)?.ToJsonString(Indented) ?? "null";
        }
        catch (JsonException)
        {
            arguments = request.Arguments;
        }

        var text = new StringBuilder();
        text.AppendLine(request.Level == 1 ? "An agent's tool call needs your approval." : $"An approval request was escalated to level {request.Level}.");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"Approval: {request.Id}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Agent: {request.AgentName} ({request.AgentId})");
        text.AppendLine(CultureInfo.InvariantCulture, $"Tool: {request.ToolId}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Risk: {request.RiskLevel}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Reason: {request.Reason}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Level: {request.Level}");
        text.AppendLine(CultureInfo.InvariantCulture, $"Expires: {request.ExpiresAt.ToString("u", CultureInfo.InvariantCulture)}");
        text.AppendLine();
        text.AppendLine("Arguments (secrets masked):");
        text.AppendLine(arguments);
        text.AppendLine();
        text.AppendLine("Decide with:");
        text.AppendLine(CultureInfo.InvariantCulture, $"POST /api/engine/approvals/{request.Id}/decide");
        text.AppendLine("{\"action\": \"approve\" | \"deny\", \"reason\": \"...\"}");
        return text.ToString();
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        throw new InvalidOperationException("Notify does not wait.");
}

/// <summary>
/// Waits for the request to be decided, or for the current level's time to run out: a signal from the decide route
/// (<c>approval:{id}</c>) and a timer at the level's expiry, both durable, so the wait survives restarts.
/// </summary>
[Activity("approval.await", Category = "Approvals", DisplayName = "Await decision", Icon = "hourglass", Kind = ActivityKind.Blocking,
    Description = "Waits until approvers decide (Decided) or the current level's timeout passes (TimedOut).")]
[ActivityOutcomes(Decided, TimedOut)]
public sealed class AwaitDecisionActivity(TenantScopes scopes) : ApprovalActivityBase(scopes), IActivity
{
    public const string Decided = "Decided";
    public const string TimedOut = "TimedOut";

    [ActivityOutput(Description = "The request's status when the wait ended.")]
    public string? Status { get; }

    [ActivityOutput(Description = "The escalation level whose time ran out.")]
    public int? Level { get; }

    public static string SignalKey(Guid requestId) => $"approval:{requestId:N}";

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var request = await WithServiceAsync((service, id) => service.GetAsync(id, context.CancellationToken));
        return Wait(request);
    }

    public async ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent)
    {
        ArgumentNullException.ThrowIfNull(resumeEvent);
        var request = await WithServiceAsync((service, id) => service.GetAsync(id, context.CancellationToken));
        if (request.Status != Engine.Approvals.ApprovalStatus.Pending)
        {
            return ActivityResult.Complete(Decided, Outputs(request));
        }

        if (resumeEvent.Kind == WaitKind.Timer && resumeEvent.Key == TimerKey(request))
        {
            return ActivityResult.Complete(TimedOut, Outputs(request));
        }

        // A signal without a decision, or the timer of a level already left: wait on.
        return Wait(request);
    }

    private static string TimerKey(ApprovalRequest request) => $"approval-timeout:{request.Id:N}:{request.Level}";

    private static ActivityResult Wait(ApprovalRequest request) =>
        request.Status != Engine.Approvals.ApprovalStatus.Pending
            ? ActivityResult.Complete(Decided, Outputs(request))
            : ActivityResult.Suspend(
                new Wait(WaitKind.Signal, SignalKey(request.Id)),
                new Wait(WaitKind.Timer, TimerKey(request), DueAt: request.ExpiresAt));
}

/// <summary>The level's time ran out: the next level takes over, or, after the last, the default action decides.</summary>
[Activity("approval.escalate", Category = "Approvals", DisplayName = "Escalate", Icon = "arrow-up",
    Description = "Moves the request to its next escalation level (Escalated), or applies the timeout's default action after the last level (Closed).")]
[ActivityOutcomes(Escalated, Closed)]
public sealed class EscalateActivity(TenantScopes scopes) : ApprovalActivityBase(scopes), IActivity
{
    public const string Escalated = "Escalated";
    public const string Closed = "Closed";

    [ActivityInput(Description = "The level whose time ran out.", Required = true)]
    public int Level { get; set; }

    [ActivityOutput(Description = "The request's status afterwards.")]
    public string? Status { get; }

    public async ValueTask<ActivityResult> ExecuteAsync(ActivityContext context)
    {
        var (outcome, request) = await WithServiceAsync((service, id) => service.EscalateAsync(id, Level, context.CancellationToken));
        // Unchanged: decided meanwhile (Closed), or another step already moved it (wait at the new level).
        var pending = request.Status == Engine.Approvals.ApprovalStatus.Pending;
        return ActivityResult.Complete(outcome == EscalationOutcome.Escalated || pending ? Escalated : Closed, Outputs(request));
    }

    public ValueTask<ActivityResult> ResumeAsync(ActivityContext context, ResumeEvent resumeEvent) =>
        throw new InvalidOperationException("Escalate does not wait.");
}
