using System.Text.Json;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Rules;

public sealed record CreateEmailRuleCommand(string? Name, Guid? AgentId, JsonElement? Conditions, JsonElement? Actions, int? Priority, bool? Enabled);

/// <summary>A partial update: <see langword="null"/> leaves a field unchanged.</summary>
public sealed record UpdateEmailRuleCommand(string? Name, Guid? AgentId, JsonElement? Conditions, JsonElement? Actions, int? Priority, bool? Enabled);

/// <summary>Rules that route an agent's email. Stored and served here; the mail pipeline that applies them comes later.</summary>
public sealed class EmailRuleService(AgentFlowDbContext db, TimeProvider time)
{
    private const int MaxPriority = 1_000_000;

    public async Task<Page<EmailRule>> ListAsync(Guid? agentId, PageRequest page, CancellationToken cancellationToken = default)
    {
        var query = db.EmailRules.AsNoTracking();
        if (agentId is { } id)
        {
            query = query.Where(r => r.AgentId == id);
        }

        return await query.OrderByDescending(r => r.Priority).ThenBy(r => r.CreatedAt).ThenBy(r => r.Id).ToPageAsync(page, cancellationToken);
    }

    public async Task<EmailRule> CreateAsync(CreateEmailRuleCommand command, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var name = errors.Text("name", command.Name, 128, required: true);
        var conditions = JsonObject(errors, "conditions", command.Conditions);
        var actions = JsonObject(errors, "actions", command.Actions);
        errors.Range("priority", command.Priority, -MaxPriority, MaxPriority);
        errors.ThrowIfAny();
        await EnsureAgentAsync(command.AgentId, cancellationToken);

        var now = time.GetUtcNow();
        var rule = new EmailRule
        {
            Id = Guid.CreateVersion7(now),
            Name = name!,
            AgentId = command.AgentId,
            Conditions = conditions ?? "{}",
            Actions = actions ?? "{}",
            Priority = command.Priority ?? 0,
            Enabled = command.Enabled ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.EmailRules.Add(rule);
        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    public async Task<EmailRule> UpdateAsync(Guid id, UpdateEmailRuleCommand command, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var name = errors.Text("name", command.Name, 128, required: false);
        var conditions = JsonObject(errors, "conditions", command.Conditions);
        var actions = JsonObject(errors, "actions", command.Actions);
        errors.Range("priority", command.Priority, -MaxPriority, MaxPriority);
        errors.ThrowIfAny();

        var rule = await db.EmailRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new ResourceNotFoundException("Email rule", id.ToString());
        if (command.AgentId is not null)
        {
            await EnsureAgentAsync(command.AgentId, cancellationToken);
            rule.AgentId = command.AgentId;
        }

        rule.Name = name ?? rule.Name;
        rule.Conditions = conditions ?? rule.Conditions;
        rule.Actions = actions ?? rule.Actions;
        rule.Priority = command.Priority ?? rule.Priority;
        rule.Enabled = command.Enabled ?? rule.Enabled;
        rule.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return rule;
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var rule = await db.EmailRules.FirstOrDefaultAsync(r => r.Id == id, cancellationToken)
            ?? throw new ResourceNotFoundException("Email rule", id.ToString());
        db.EmailRules.Remove(rule);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task EnsureAgentAsync(Guid? agentId, CancellationToken cancellationToken)
    {
        // The tenant filter makes an agent of another organisation look like a missing one.
        if (agentId is { } id && !await db.Agents.AnyAsync(a => a.Id == id, cancellationToken))
        {
            throw InputValidationException.For("agentId", $"No agent '{id}' exists in this organisation.");
        }
    }

    private static string? JsonObject(FieldErrors errors, string field, JsonElement? value)
    {
        if (value is not { } element || element.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            errors.Add(field, $"The {field} field must be a JSON object.");
            return null;
        }

        return element.GetRawText();
    }
}
