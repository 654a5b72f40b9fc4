using System.Globalization;
using System.Threading.RateLimiting;
using AgentFlow.Host.Errors;
using AgentFlow.Host.Options;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.RateLimiting;

/// <summary>
/// Per-client limits on the framework's rate limiter: a token bucket for the whole API and a stricter fixed
/// window for sign-in, refresh and bootstrap. The client is the connection's address after the forwarded-headers
/// middleware, which only believes proxies listed in <c>AgentFlow:Http:TrustedProxies</c>.
/// </summary>
internal sealed class ClientRateLimiter : IDisposable
{
    private static readonly string[] SensitivePaths = ["/auth/login", "/auth/refresh", "/auth/bootstrap", "/studio/account/login", "/studio/account/bootstrap"];

    private readonly RateLimitOptions _options;
    private readonly PartitionedRateLimiter<HttpContext> _general;
    private readonly PartitionedRateLimiter<HttpContext> _sensitive;

    public ClientRateLimiter(IOptions<RateLimitOptions> options)
    {
        _options = options.Value;
        var perMinute = _options.PermitsPerMinute;
        _general = PartitionedRateLimiter.Create<HttpContext, string>(context => IsExempt(context)
            ? RateLimitPartition.GetNoLimiter("exempt")
            : RateLimitPartition.GetTokenBucketLimiter(ClientKey(context), _ => PerMinuteBucket(perMinute)));
        _sensitive = PartitionedRateLimiter.Create<HttpContext, string>(context => IsSensitive(context)
            ? RateLimitPartition.GetFixedWindowLimiter(ClientKey(context), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = _options.AuthPermitsPerMinute,
                Window = TimeSpan.FromMinutes(1),
                QueueLimit = 0,
                AutoReplenishment = true,
            })
            : RateLimitPartition.GetNoLimiter("not-sensitive"));
        Limiter = new AttemptOnlyLimiter(PartitionedRateLimiter.CreateChained(_general, _sensitive));
    }

    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    /// <summary>A bucket of <paramref name="perMinute"/> tokens that refills completely in one minute.</summary>
    internal static TokenBucketRateLimiterOptions PerMinuteBucket(int perMinute)
    {
        // One token back every 60/limit seconds. The replenishment timer cannot usefully tick faster than every
        // millisecond, so above 60,000 a minute each tick returns several tokens (rounding the period to 1 ms with one
        // token per tick would silently cap every limit at 60,000 a minute).
        var tokensPerPeriod = (int)Math.Ceiling(perMinute / 60_000.0);
        return new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = tokensPerPeriod,
            ReplenishmentPeriod = TimeSpan.FromMilliseconds(60_000.0 * tokensPerPeriod / perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        };
    }

    /// <summary>The limit that applies to this request and what is left of it, for the X-RateLimit-* headers.</summary>
    public (int Limit, long Remaining)? Describe(HttpContext context)
    {
        if (IsExempt(context))
        {
            return null;
        }

        return IsSensitive(context)
            ? (_options.AuthPermitsPerMinute, _sensitive.GetStatistics(context)?.CurrentAvailablePermits ?? 0)
            : (_options.PermitsPerMinute, _general.GetStatistics(context)?.CurrentAvailablePermits ?? 0);
    }

    public static async ValueTask OnRejectedAsync(OnRejectedContext context, CancellationToken cancellationToken)
    {
        var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? (int)Math.Ceiling(wait.TotalSeconds) : 60;
        retryAfter = Math.Max(1, retryAfter);
        context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        await ApiProblem.WriteAsync(context.HttpContext, ApiProblem.Create(StatusCodes.Status429TooManyRequests, ErrorCodes.RateLimited,
            $"Too many requests; retry in {retryAfter} s.", new { retryAfter }));
    }

    public void Dispose()
    {
        Limiter.Dispose();
        _general.Dispose();
        _sensitive.Dispose();
    }

    // Health probes, and the Studio's static files and its circuit connection: a page load fetches a dozen assets,
    // which must not use up the API budget; the Studio's API calls themselves are limited like any client's.
    private static bool IsExempt(HttpContext context) =>
        context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/ready")
        || context.Request.Path.StartsWithSegments("/_framework") || context.Request.Path.StartsWithSegments("/_content")
        || context.Request.Path.StartsWithSegments("/_blazor");

    private static bool IsSensitive(HttpContext context) =>
        HttpMethods.IsPost(context.Request.Method) && SensitivePaths.Any(p => context.Request.Path.Equals(p, StringComparison.OrdinalIgnoreCase));

    private static string ClientKey(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}

/// <summary>
/// The framework's middleware asks the limiter twice when the first attempt fails (an immediate attempt, then a
/// queued wait). We never queue, and the chained limiter would charge the general bucket again on the second
/// call, so the "wait" repeats the first answer (with its Retry-After) and charges nothing.
/// </summary>
internal sealed class AttemptOnlyLimiter(PartitionedRateLimiter<HttpContext> inner) : PartitionedRateLimiter<HttpContext>
{
    private const string RetryAfterKey = "agentflow.rate-limit.retry-after";

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => inner.GetStatistics(resource);

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount)
    {
        var lease = inner.AttemptAcquire(resource, permitCount);
        if (!lease.IsAcquired)
        {
            resource.Items[RetryAfterKey] = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : null;
        }

        return lease;
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult<RateLimitLease>(new RejectedLease(resource.Items[RetryAfterKey] as TimeSpan?));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private sealed class RejectedLease(TimeSpan? retryAfter) : RateLimitLease
    {
        public override bool IsAcquired => false;

        public override IEnumerable<string> MetadataNames => retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = metadataName == MetadataName.RetryAfter.Name ? retryAfter : null;
            return metadata is not null;
        }
    }
}

/// <summary>Adds <c>X-RateLimit-Limit</c> and <c>X-RateLimit-Remaining</c> to every limited response, not only to 429s.</summary>
internal sealed class RateLimitHeadersMiddleware(RequestDelegate next, ClientRateLimiter limiter)
{
    public Task InvokeAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            // Two limits can apply (the client's address and the organisation's plan): report the one closer to running out.
            var client = limiter.Describe(context);
            var organization = OrganizationRateLimiter.Describe(context);
            var current = organization is { } o && (client is not { } c || o.Remaining < c.Remaining) ? organization : client;
            if (current is { } state)
            {
                context.Response.Headers["X-RateLimit-Limit"] = state.Limit.ToString(CultureInfo.InvariantCulture);
                context.Response.Headers["X-RateLimit-Remaining"] = state.Remaining.ToString(CultureInfo.InvariantCulture);
            }

            return Task.CompletedTask;
        });
        return next(context);
    }
}
