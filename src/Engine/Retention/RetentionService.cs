using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Retention;

public sealed record SetRetentionCommand(bool? Enabled, int? RetainDays, bool? ArchiveFirst, IReadOnlyList<string>? ExcludeTags);

public sealed class RetentionService(AgentFlowDbContext db, TimeProvider time)
{
    public const int MinDays = 1;
    public const int MaxDays = 3650;
    private const int MaxTags = 50;

    /// <summary>The organisation's policy; one that never set a policy gets the default (disabled, 365 days).</summary>
    public async Task<RetentionPolicy> GetAsync(CancellationToken cancellationToken = default) =>
        await db.RetentionPolicies.AsNoTracking().FirstOrDefaultAsync(cancellationToken)
        ?? new RetentionPolicy { UpdatedAt = time.GetUtcNow() };

    /// <summary>Replaces the policy (PUT semantics): <c>enabled</c> and <c>retainDays</c> are required.</summary>
    public async Task<RetentionPolicy> SetAsync(SetRetentionCommand command, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        if (command.Enabled is null)
        {
            errors.Add("enabled", "The enabled field is required.");
        }

        if (command.RetainDays is null)
        {
            errors.Add("retainDays", "The retainDays field is required.");
        }

        errors.Range("retainDays", command.RetainDays, MinDays, MaxDays);
        var tags = command.ExcludeTags ?? [];
        if (tags.Count > MaxTags)
        {
            errors.Add("excludeTags", $"The excludeTags field may list at most {MaxTags} tags.");
        }

        for (var i = 0; i < tags.Count; i++)
        {
            errors.Text($"excludeTags[{i}]", tags[i], 64, required: true);
        }

        errors.ThrowIfAny();

        var policy = await db.RetentionPolicies.FirstOrDefaultAsync(cancellationToken);
        if (policy is null)
        {
            policy = new RetentionPolicy();
            db.RetentionPolicies.Add(policy);
        }

        policy.Enabled = command.Enabled!.Value;
        policy.RetainDays = command.RetainDays!.Value;
        policy.ArchiveFirst = command.ArchiveFirst ?? true;
        policy.ExcludeTags = [.. tags.Select(t => t.Trim()).Distinct(StringComparer.Ordinal)];
        policy.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return policy;
    }
}
