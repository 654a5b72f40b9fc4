using System.Net.Mail;
using System.Text.Json;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Skills;
using AgentFlow.Plugins.Skills;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace AgentFlow.Engine.Approvals;

public sealed record ApprovalTriggersInput(IReadOnlyList<string>? RiskLevels, IReadOnlyList<string>? SideEffects, IReadOnlyList<string>? ToolIds, bool? AllExternalActions);

public sealed record ApproversInput(IReadOnlyList<Guid>? UserIds, IReadOnlyList<string>? Roles, int? RequireMultiple);

public sealed record ApprovalTimeoutInput(int? Minutes, string? DefaultAction);

public sealed record EscalationLevelInput(ApproversInput? Approvers, int? TimeoutMinutes);

public sealed record EscalationInput(IReadOnlyList<EscalationLevelInput>? Levels);

public sealed record AutoApproveInput(string? Argument, string? Operator, IReadOnlyList<string>? Values);

public sealed record ApprovalNotifyInput(IReadOnlyList<string>? Channels, string? WebhookUrl, IReadOnlyList<string>? Emails);

/// <summary>A policy as the API receives it (the reference's shape, plus escalation and auto-approve rules).</summary>
public sealed record ApprovalPolicyInput(
    string? Name, string? Description, bool? Enabled, ApprovalTriggersInput? Triggers, ApproversInput? Approvers,
    ApprovalTimeoutInput? Timeout, EscalationInput? Escalation, IReadOnlyList<AutoApproveInput>? AutoApprove, ApprovalNotifyInput? Notify);

/// <summary>A stored policy with its parsed rules.</summary>
public sealed record ApprovalPolicyView(ApprovalPolicy Policy, ApprovalPolicyDefinition Definition);

/// <summary>
/// Approval policies of the caller's organisation: validated on create (every field named in the 400), listed, deleted,
/// and matched against a tool: the first enabled policy by creation time whose triggers match (the reference's rule).
/// The enabled policies are cached per organisation for the runtime hook and evicted on change on this node.
/// </summary>
public sealed class ApprovalPolicyService(AgentFlowDbContext db, SkillCatalogSource catalogs, IMemoryCache cache, TimeProvider time)
{
    public const int MaxTimeoutMinutes = 7 * 24 * 60;
    public const int MaxLevels = 5;
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<ApprovalPolicyView>> ListAsync(CancellationToken cancellationToken = default)
    {
        var rows = await db.ApprovalPolicies.AsNoTracking().OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(cancellationToken);
        return [.. rows.Select(View)];
    }

    public async Task<ApprovalPolicyView> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var row = await db.ApprovalPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
            ?? throw new ResourceNotFoundException("Approval policy", id.ToString());
        return View(row);
    }

    public async Task<ApprovalPolicyView> CreateAsync(ApprovalPolicyInput input, Guid? createdBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var definition = await ValidateAsync(input, cancellationToken);
        var name = input.Name!.Trim();
        if (await db.ApprovalPolicies.AnyAsync(p => p.Name == name, cancellationToken))
        {
            throw new ResourceConflictException($"An approval policy named \"{name}\" already exists.", "name");
        }

        var row = new ApprovalPolicy
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Description = string.IsNullOrWhiteSpace(input.Description) ? null : input.Description.Trim(),
            Enabled = input.Enabled ?? true,
            Definition = JsonSerializer.Serialize(definition, Json),
            CreatedBy = createdBy,
            CreatedAt = time.GetUtcNow(),
        };
        db.ApprovalPolicies.Add(row);
        await db.SaveChangesAsync(cancellationToken);
        cache.Remove(CacheKey(db.CurrentOrgId ?? Guid.Empty));
        return View(row);
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var deleted = await db.ApprovalPolicies.Where(p => p.Id == id).ExecuteDeleteAsync(cancellationToken);
        if (deleted == 0)
        {
            throw new ResourceNotFoundException("Approval policy", id.ToString());
        }

        cache.Remove(CacheKey(db.CurrentOrgId ?? Guid.Empty));
    }

    /// <summary>The first enabled policy (oldest first) whose triggers match the tool, or null.</summary>
    public async Task<ApprovalPolicyView?> MatchAsync(ToolDefinition tool, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tool);
        var orgId = db.CurrentOrgId ?? throw new InvalidOperationException("No organisation in scope.");
        var enabled = await cache.GetOrCreateAsync(CacheKey(orgId), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CacheFor;
            var rows = await db.ApprovalPolicies.AsNoTracking().Where(p => p.Enabled).OrderBy(p => p.CreatedAt).ThenBy(p => p.Id).ToListAsync(cancellationToken);
            return rows.Select(View).ToList();
        }) ?? [];
        return enabled.FirstOrDefault(p => Matches(p.Definition.Triggers, tool));
    }

    public static bool Matches(ApprovalTriggers triggers, ToolDefinition tool)
    {
        ArgumentNullException.ThrowIfNull(triggers);
        ArgumentNullException.ThrowIfNull(tool);
        return triggers.ToolIds.Any(pattern => ToolPattern.IsMatch(pattern, tool.Id))
            || triggers.RiskLevels.Contains(tool.Risk.ToName(), StringComparer.Ordinal)
            || tool.SideEffects.Any(e => triggers.SideEffects.Contains(e, StringComparer.Ordinal))
            || (triggers.AllExternalActions && tool.SideEffects.Count > 0);
    }

    internal static ApprovalPolicyView View(ApprovalPolicy row) =>
        new(row, JsonSerializer.Deserialize<ApprovalPolicyDefinition>(row.Definition, Json)
            ?? throw new InvalidOperationException($"Approval policy {row.Id} has no definition."));

    private static string CacheKey(Guid orgId) => $"approval-policies:{orgId:N}";

    private async Task<ApprovalPolicyDefinition> ValidateAsync(ApprovalPolicyInput input, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        void Error(string field, string message) => errors[field] = [message];

        if (string.IsNullOrWhiteSpace(input.Name) || input.Name.Trim().Length > 100)
        {
            Error("name", "The name is required (at most 100 characters).");
        }

        if (input.Description is { Length: > 1000 })
        {
            Error("description", "The description is at most 1000 characters.");
        }

        var t = input.Triggers;
        var triggers = new ApprovalTriggers([.. t?.RiskLevels ?? []], [.. t?.SideEffects ?? []], [.. t?.ToolIds ?? []], t?.AllExternalActions ?? false);
        if (triggers.RiskLevels.Count == 0 && triggers.SideEffects.Count == 0 && triggers.ToolIds.Count == 0 && !triggers.AllExternalActions)
        {
            Error("triggers", "Name at least one trigger: riskLevels, sideEffects, toolIds or allExternalActions.");
        }

        for (var i = 0; i < triggers.RiskLevels.Count; i++)
        {
            if (!CatalogNames.TryParseRisk(triggers.RiskLevels[i], out _))
            {
                Error($"triggers.riskLevels[{i}]", "A risk level is low, medium, high or critical.");
            }
        }

        for (var i = 0; i < triggers.SideEffects.Count; i++)
        {
            if (!SideEffects.All.Contains(triggers.SideEffects[i], StringComparer.Ordinal))
            {
                Error($"triggers.sideEffects[{i}]", $"Unknown side effect; one of {string.Join(", ", SideEffects.All)}.");
            }
        }

        var catalog = catalogs.Current;
        for (var i = 0; i < triggers.ToolIds.Count; i++)
        {
            var pattern = triggers.ToolIds[i];
            if (!ToolPattern.IsValid(pattern) || catalog.MatchTools(pattern).Count == 0)
            {
                Error($"triggers.toolIds[{i}]", $"\"{pattern}\" matches no tool of the catalog.");
            }
        }

        var first = await ApproversAsync(input.Approvers, "approvers", errors, cancellationToken);
        var requireMultiple = input.Approvers?.RequireMultiple ?? 1;
        if (requireMultiple is < 1 or > 20)
        {
            Error("approvers.requireMultiple", "requireMultiple is between 1 and 20 distinct approvers.");
        }
        else if (first.Roles.Count == 0 && first.UserIds.Count > 0 && first.UserIds.Count < requireMultiple)
        {
            Error("approvers.requireMultiple", $"Only {first.UserIds.Count} approver(s) are named; {requireMultiple} distinct approvals could never be reached.");
        }

        var minutes = input.Timeout?.Minutes ?? 60;
        if (minutes is < 1 or > MaxTimeoutMinutes)
        {
            Error("timeout.minutes", $"The timeout is between 1 and {MaxTimeoutMinutes} minutes.");
        }

        var action = input.Timeout?.DefaultAction ?? ApprovalTimeout.Deny;
        if (!ApprovalTimeout.Actions.Contains(action, StringComparer.Ordinal))
        {
            Error("timeout.defaultAction", "The default action is deny, allow or escalate_admin.");
        }

        var levels = new List<EscalationLevel>();
        var levelInputs = input.Escalation?.Levels ?? [];
        if (levelInputs.Count > MaxLevels)
        {
            Error("escalation.levels", $"At most {MaxLevels} escalation levels.");
        }

        for (var i = 0; i < Math.Min(levelInputs.Count, MaxLevels); i++)
        {
            var level = levelInputs[i];
            var approvers = await ApproversAsync(level?.Approvers, $"escalation.levels[{i}].approvers", errors, cancellationToken);
            if (approvers.IsEmpty)
            {
                Error($"escalation.levels[{i}].approvers", "An escalation level names its approvers (userIds or roles).");
            }

            if (approvers.Roles.Count == 0 && approvers.UserIds.Count > 0 && approvers.UserIds.Count < requireMultiple)
            {
                // Votes of earlier levels count too, but a level must be able to decide on its own.
                Error($"escalation.levels[{i}].approvers", $"Only {approvers.UserIds.Count} approver(s) are named; {requireMultiple} distinct approvals could never be reached at this level.");
            }

            var levelMinutes = level?.TimeoutMinutes ?? minutes;
            if (levelMinutes is < 1 or > MaxTimeoutMinutes)
            {
                Error($"escalation.levels[{i}].timeoutMinutes", $"The timeout is between 1 and {MaxTimeoutMinutes} minutes.");
            }

            levels.Add(new EscalationLevel(approvers, levelMinutes));
        }

        var rules = new List<AutoApproveCondition>();
        var ruleInputs = input.AutoApprove ?? [];
        for (var i = 0; i < ruleInputs.Count; i++)
        {
            var rule = ruleInputs[i];
            var field = $"autoApprove[{i}]";
            if (rule is null || string.IsNullOrWhiteSpace(rule.Argument) || rule.Argument.Length > 200)
            {
                Error($"{field}.argument", "The argument's path is required (e.g. to, payment.amount).");
                continue;
            }

            if (rule.Operator is null || !AutoApproveCondition.Operators.Contains(rule.Operator, StringComparer.Ordinal))
            {
                Error($"{field}.operator", $"The operator is one of {string.Join(", ", AutoApproveCondition.Operators)}.");
                continue;
            }

            var values = rule.Values ?? [];
            if (values.Count == 0 || values.Count > 500 || values.Any(string.IsNullOrWhiteSpace))
            {
                Error($"{field}.values", "Give 1 to 500 non-empty values.");
                continue;
            }

            if (AutoApproveRules.IsComparison(rule.Operator) && (values.Count != 1 || !AutoApproveRules.TryNumber(values[0], out _)))
            {
                Error($"{field}.values", $"\"{rule.Operator}\" compares with one number.");
                continue;
            }

            rules.Add(new AutoApproveCondition(rule.Argument.Trim(), rule.Operator, [.. values.Select(v => v.Trim())]));
        }

        var notify = input.Notify;
        var channels = notify?.Channels ?? [];
        foreach (var channel in channels.Where(c => c is not ("webhook" or "email")))
        {
            Error("notify.channels", $"Channel \"{channel}\" is not supported; use webhook or email.");
        }

        string? webhook = null;
        if (!string.IsNullOrWhiteSpace(notify?.WebhookUrl))
        {
            if (!Uri.TryCreate(notify.WebhookUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
            {
                Error("notify.webhookUrl", "The webhook URL is an absolute http or https URL.");
            }

            webhook = notify.WebhookUrl;
        }
        else if (channels.Contains("webhook", StringComparer.Ordinal))
        {
            Error("notify.webhookUrl", "The webhook channel needs a webhookUrl.");
        }

        var emails = notify?.Emails ?? [];
        for (var i = 0; i < emails.Count; i++)
        {
            if (!MailAddress.TryCreate(emails[i], out _))
            {
                Error($"notify.emails[{i}]", "Not an email address.");
            }
        }

        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        return new ApprovalPolicyDefinition(triggers, first, requireMultiple, new ApprovalTimeout(minutes, action), levels, rules,
            new ApprovalNotify(webhook, [.. emails]));
    }

    private async Task<ApproverSet> ApproversAsync(ApproversInput? input, string field, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        var userIds = (input?.UserIds ?? []).Distinct().ToList();
        var roles = (input?.Roles ?? []).Distinct(StringComparer.Ordinal).ToList();
        foreach (var role in roles.Where(r => !UserRoleNames.All.Contains(r, StringComparer.Ordinal)))
        {
            errors[$"{field}.roles"] = [$"Unknown role \"{role}\"; one of {string.Join(", ", UserRoleNames.All)}."];
        }

        if (userIds.Count > 0)
        {
            // Approvers are users of this organisation (the tenant filter applies).
            var known = await db.Users.Where(u => userIds.Contains(u.Id)).Select(u => u.Id).ToListAsync(cancellationToken);
            var unknown = userIds.Except(known).ToList();
            if (unknown.Count > 0)
            {
                errors[$"{field}.userIds"] = [$"Not users of this organisation: {string.Join(", ", unknown)}."];
            }
        }

        return new ApproverSet(userIds, roles);
    }
}
