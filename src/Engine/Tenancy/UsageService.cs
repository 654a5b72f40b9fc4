using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Tenancy;

/// <summary>
/// The answer to "may this organisation have one more?": the reference's checkLimit shape. <c>Limit</c> is the
/// plan's number, 0 meaning unlimited (only the monthly token budget uses it); <c>Remaining</c> is how many more
/// fit, 0 when unlimited, as in the reference.
/// </summary>
public sealed record LimitCheck(string Resource, bool Allowed, long Limit, long Current, long Remaining)
{
    public static LimitCheck Of(string resource, long limit, long current) =>
        new(resource, limit == 0 || current < limit, limit, current, limit == 0 ? 0 : Math.Max(0, limit - current));
}

/// <summary>What an organisation uses now, next to its plan.</summary>
public sealed record OrganizationUsage(Guid OrgId, Plan Plan, long Agents, long Users);

/// <summary>
/// Usage counters and plan enforcement. Agents and users are counted from their tables on each check (indexed by
/// organisation): a stored counter could drift from the rows and would need the same transaction anyway. Resources
/// that do not exist yet (knowledge bases, documents, storage, tokens) are checked against a count the caller
/// supplies, through <see cref="EnsureWithinLimit"/>; deployment targets and features through
/// <see cref="EnsureCanDeployTo"/> and <see cref="EnsureFeature"/>.
/// </summary>
public sealed class UsageService(AgentFlowDbContext db)
{
    /// <summary>The organisation's plan as stored.</summary>
    /// <exception cref="ResourceNotFoundException">No such organisation.</exception>
    public async Task<Plan> GetPlanAsync(Guid orgId, CancellationToken cancellationToken = default)
    {
        var name = await db.Organizations.AsNoTracking().Where(o => o.Id == orgId).Select(o => o.Plan).FirstOrDefaultAsync(cancellationToken)
            ?? throw new ResourceNotFoundException("Organization", orgId.ToString());
        return PlanCatalog.ForStored(name);
    }

    public async Task<OrganizationUsage> GetUsageAsync(Guid orgId, CancellationToken cancellationToken = default)
    {
        var plan = await GetPlanAsync(orgId, cancellationToken);
        return new OrganizationUsage(orgId, plan, await CountAgentsAsync(orgId, cancellationToken), await CountUsersAsync(orgId, cancellationToken));
    }

    /// <summary>
    /// Checks one limit. <paramref name="current"/> is the caller's count; without it, agents and users are counted
    /// here and the other resources count as 0 until they have counters (unlike the reference, a count of 0 is a
    /// real 0, not "missing").
    /// </summary>
    /// <exception cref="InputValidationException">The resource is not a countable limit, or the count is negative.</exception>
    public async Task<LimitCheck> CheckAsync(Guid orgId, string? resource, long? current, CancellationToken cancellationToken = default)
    {
        if (resource is null || !PlanResources.All.Contains(resource, StringComparer.Ordinal))
        {
            throw InputValidationException.For("resource", $"The resource must be one of: {string.Join(", ", PlanResources.All)}.");
        }

        if (current < 0)
        {
            throw InputValidationException.For("currentCount", "The currentCount must be 0 or more.");
        }

        var plan = await GetPlanAsync(orgId, cancellationToken);
        var count = current ?? resource switch
        {
            PlanResources.MaxAgents => await CountAgentsAsync(orgId, cancellationToken),
            PlanResources.MaxUsers => await CountUsersAsync(orgId, cancellationToken),
            _ => 0,
        };
        return LimitCheck.Of(resource, plan.Limits[resource]!.Value, count);
    }

    /// <summary>Throws unless the organisation may add one more agent.</summary>
    /// <exception cref="PlanLimitExceededException">The plan's maxAgents is reached.</exception>
    public async Task EnsureCanAddAgentAsync(Guid orgId, CancellationToken cancellationToken = default)
    {
        var plan = await GetPlanAsync(orgId, cancellationToken);
        EnsureWithinLimit(plan, PlanResources.MaxAgents, await CountAgentsAsync(orgId, cancellationToken));
    }

    /// <summary>Throws unless the organisation may add one more user.</summary>
    /// <exception cref="PlanLimitExceededException">The plan's maxUsers is reached.</exception>
    public async Task EnsureCanAddUserAsync(Guid orgId, CancellationToken cancellationToken = default)
    {
        var plan = await GetPlanAsync(orgId, cancellationToken);
        EnsureWithinLimit(plan, PlanResources.MaxUsers, await CountUsersAsync(orgId, cancellationToken));
    }

    /// <summary>
    /// Throws unless <paramref name="current"/> plus <paramref name="adding"/> stays within the plan's limit, e.g. a
    /// knowledge base with 10 documents on the free plan cannot take an 11th, and 95 MB stored cannot take 10 more.
    /// </summary>
    /// <exception cref="PlanLimitExceededException">The limit would be exceeded.</exception>
    public static void EnsureWithinLimit(Plan plan, string resource, long current, long adding = 1)
    {
        var limit = plan.Limits[resource] ?? throw new ArgumentOutOfRangeException(nameof(resource), resource, "Not a countable plan limit.");
        if (limit == 0 || current + adding <= limit)
        {
            return;
        }

        throw new PlanLimitExceededException(
            $"The {plan.Name} plan allows {limit} for {resource}; the organisation has {current}.",
            new Dictionary<string, object?> { ["resource"] = resource, ["limit"] = limit, ["current"] = current, ["plan"] = plan.Name });
    }

    /// <exception cref="PlanLimitExceededException">The plan does not include the feature.</exception>
    public static void EnsureFeature(Plan plan, string feature)
    {
        if (!plan.HasFeature(feature))
        {
            throw new PlanLimitExceededException($"The {plan.Name} plan does not include the feature '{feature}'.",
                new Dictionary<string, object?> { ["resource"] = "features", ["feature"] = feature, ["allowed"] = plan.Features, ["plan"] = plan.Name });
        }
    }

    /// <exception cref="PlanLimitExceededException">The plan does not allow deploying to the target.</exception>
    public static void EnsureCanDeployTo(Plan plan, string target)
    {
        if (!plan.CanDeployTo(target))
        {
            throw new PlanLimitExceededException($"The {plan.Name} plan does not allow deploying to '{target}'.",
                new Dictionary<string, object?> { ["resource"] = "deploymentTargets", ["target"] = target, ["allowed"] = plan.DeploymentTargets, ["plan"] = plan.Name });
        }
    }

    // Explicit organisation filters: the platform administrator reads other organisations' usage.
    private Task<int> CountAgentsAsync(Guid orgId, CancellationToken cancellationToken) =>
        db.Agents.IgnoreQueryFilters().CountAsync(a => a.OrgId == orgId, cancellationToken);

    private Task<int> CountUsersAsync(Guid orgId, CancellationToken cancellationToken) =>
        db.Users.IgnoreQueryFilters().CountAsync(u => u.OrgId == orgId, cancellationToken);
}
