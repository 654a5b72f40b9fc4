using System.Globalization;
using System.Threading.RateLimiting;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Errors;
using AgentFlow.Host.Options;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.RateLimiting;

/// <summary>
/// The plan's <c>apiCallsPerMinute</c> for each organisation: one token bucket per organisation, shared by all its
/// users and keys, on top of the per-address limit. It needs the caller's organisation, so it runs after
/// authentication (anonymous requests only meet the per-address limit). The plan is cached for 30 s per
/// organisation; a plan change on this instance takes effect at once (<see cref="Forget"/>).
/// </summary>
internal sealed class OrganizationRateLimiter : IDisposable
{
    internal const string StateKey = "agentflow.rate-limit.organization";
    private static readonly TimeSpan PlanCacheDuration = TimeSpan.FromSeconds(30);

    // Keyed by organisation and limit, so a new plan starts a bucket of the new size.
    private readonly PartitionedRateLimiter<(Guid OrgId, int PerMinute)> _limiter =
        PartitionedRateLimiter.Create<(Guid OrgId, int PerMinute), (Guid, int)>(key =>
            RateLimitPartition.GetTokenBucketLimiter(key, k => ClientRateLimiter.PerMinuteBucket(k.Item2)));

    private readonly IMemoryCache _plans;

    public OrganizationRateLimiter(IMemoryCache plans) => _plans = plans;

    /// <summary>Drops the cached plan, e.g. after the plan changed.</summary>
    public void Forget(Guid orgId) => _plans.Remove(CacheKey(orgId));

    public async ValueTask<Plan> PlanOfAsync(Guid orgId, UsageService usage, CancellationToken cancellationToken)
    {
        if (_plans.TryGetValue(CacheKey(orgId), out Plan? plan) && plan is not null)
        {
            return plan;
        }

        plan = await usage.GetPlanAsync(orgId, cancellationToken);
        _plans.Set(CacheKey(orgId), plan, PlanCacheDuration);
        return plan;
    }

    public RateLimitLease Acquire(Guid orgId, int perMinute) => _limiter.AttemptAcquire((orgId, perMinute));

    public long Available(Guid orgId, int perMinute) => _limiter.GetStatistics((orgId, perMinute))?.CurrentAvailablePermits ?? 0;

    /// <summary>The organisation limit that applied to this request and what is left of it, if any.</summary>
    public static (int Limit, long Remaining)? Describe(HttpContext context) =>
        context.Items[StateKey] is OrganizationRateLimitState state ? (state.Limit, state.Limiter.Available(state.OrgId, state.Limit)) : null;

    public void Dispose() => _limiter.Dispose();

    private static string CacheKey(Guid orgId) => "agentflow:org-plan:" + orgId.ToString("N");
}

internal sealed record OrganizationRateLimitState(OrganizationRateLimiter Limiter, Guid OrgId, int Limit);

/// <summary>Applies <see cref="OrganizationRateLimiter"/> to authenticated requests; 429 names the plan and its number.</summary>
internal sealed class OrganizationRateLimitMiddleware(RequestDelegate next, OrganizationRateLimiter limiter, IOptions<RateLimitOptions> options)
{
    public async Task InvokeAsync(HttpContext context, UsageService usage)
    {
        if (!options.Value.PerOrganization || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }

        var orgId = context.User.OrgId();
        var plan = await limiter.PlanOfAsync(orgId, usage, context.RequestAborted);
        var perMinute = plan.Limits.ApiCallsPerMinute;
        context.Items[OrganizationRateLimiter.StateKey] = new OrganizationRateLimitState(limiter, orgId, perMinute);
        using var lease = limiter.Acquire(orgId, perMinute);
        if (lease.IsAcquired)
        {
            await next(context);
            return;
        }

        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
        retryAfter = Math.Max(1, retryAfter);
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await ApiProblem.WriteAsync(context, ApiProblem.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
            $"The {plan.Name} plan allows {perMinute} API calls per minute for the organisation; retry in {retryAfter} s.",
            new { limit = perMinute, plan = plan.Name, scope = "organization", retryAfter }));
    }
}
