using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Middleware;

/// <summary>
/// Rate limits on a Host with tiny budgets (5 requests, 3 sign-ins per minute). Buckets are per client address,
/// so every test speaks from addresses no other test uses and the tests stay independent of their order.
/// </summary>
public abstract class RateLimitTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string Password = "rate-limit-password";
    private static int _nextAddress;

    [Fact]
    public async Task GeneralLimit_HeadersOnEverySuccess_SixthRequestReturns429()
    {
        var token = await SignInAsync();
        var client = BearerClient(token, NextAddress());

        var responses = new List<HttpResponseMessage>();
        for (var i = 0; i < 5; i++)
        {
            responses.Add(await client.GetAsync("/api/agents"));
        }

        var sixth = await client.GetAsync("/api/agents");

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.All(responses, r => Assert.Equal("5", Header(r, "X-RateLimit-Limit")));
        var remaining = responses.Select(r => int.Parse(Header(r, "X-RateLimit-Remaining")!, CultureInfo.InvariantCulture)).ToArray();
        Assert.All(remaining, value => Assert.InRange(value, 0, 4));
        for (var i = 1; i < remaining.Length; i++)
        {
            Assert.True(remaining[i] < remaining[i - 1], $"remaining should decrease: {string.Join(", ", remaining)}");
        }

        var problem = await sixth.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        var retryAfter = int.Parse(Assert.Single(sixth.Headers.GetValues("Retry-After")), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Equal(retryAfter, problem.GetProperty("details").GetProperty("retryAfter").GetInt32());
        Assert.Equal("5", Header(sixth, "X-RateLimit-Limit"));
        Assert.Equal("0", Header(sixth, "X-RateLimit-Remaining"));
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("requestId").GetString()));
    }

    [Fact]
    public async Task GeneralLimit_AppliesToErrorsToo_AndOtherClientIsUnaffected()
    {
        host.SkipIfUnavailable();
        var exhausted = host.CreateClientFrom(NextAddress());
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 5; i++)
        {
            var response = await exhausted.GetAsync(i % 2 == 0 ? "/api/agents" : "/api/no-such-route");
            Assert.NotNull(Header(response, "X-RateLimit-Remaining"));
            statuses.Add(response.StatusCode);
        }

        var blocked = await exhausted.GetAsync("/api/agents");
        var other = await host.CreateClientFrom("10.0.0.2").GetAsync("/api/agents");

        Assert.DoesNotContain(HttpStatusCode.TooManyRequests, statuses);
        await blocked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        await other.AssertProblemAsync(HttpStatusCode.Unauthorized, "AUTHENTICATION_REQUIRED");
        Assert.Equal("4", Header(other, "X-RateLimit-Remaining"));
    }

    [Theory]
    [InlineData("/health")]
    [InlineData("/ready")]
    public async Task HealthProbes_AreNeverLimited(string path)
    {
        host.SkipIfUnavailable();
        var client = host.CreateClientFrom(NextAddress());

        for (var i = 0; i < 12; i++)
        {
            var response = await client.GetAsync(path);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Null(Header(response, "X-RateLimit-Limit"));
        }
    }

    [Fact]
    public async Task HealthProbes_StillAnswer_WhenClientIsLimited()
    {
        host.SkipIfUnavailable();
        var client = host.CreateClientFrom(NextAddress());
        for (var i = 0; i < 6; i++)
        {
            await client.GetAsync("/api/agents");
        }

        var limited = await client.GetAsync("/api/agents");
        var health = await client.GetAsync("/health");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Login_StricterLimit_FourthAttemptReturns429EvenWithRightPassword()
    {
        var email = await CreateUserAsync();
        var client = host.CreateClientFrom(NextAddress());

        var attempts = new List<HttpResponseMessage>();
        for (var i = 0; i < 3; i++)
        {
            attempts.Add(await client.PostAsJsonAsync("/auth/login", new { email, password = "wrong-password-" + i }));
        }

        var fourth = await client.PostAsJsonAsync("/auth/login", new { email, password = Password });

        foreach (var attempt in attempts)
        {
            await attempt.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
            Assert.Equal("3", Header(attempt, "X-RateLimit-Limit"));
        }

        Assert.Equal(["2", "1", "0"], attempts.Select(a => Header(a, "X-RateLimit-Remaining")));
        await fourth.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.Equal("3", Header(fourth, "X-RateLimit-Limit"));
        Assert.NotEmpty(fourth.Headers.GetValues("Retry-After"));
    }

    [Fact]
    public async Task Login_RejectedBySignInLimit_SpendsAtMostOneGeneralPermit()
    {
        var email = await CreateUserAsync();
        var client = host.CreateClientFrom(NextAddress());
        for (var i = 0; i < 3; i++)
        {
            await client.PostAsJsonAsync("/auth/login", new { email, password = "wrong-password-" + i });
        }

        var rejected = await client.PostAsJsonAsync("/auth/login", new { email, password = Password });

        // Four requests so far, each counted once against the general budget of five: one request is left.
        var api = await client.GetAsync("/api/agents");

        Assert.Equal(HttpStatusCode.TooManyRequests, rejected.StatusCode);
        await api.AssertProblemAsync(HttpStatusCode.Unauthorized, "AUTHENTICATION_REQUIRED");
        Assert.Equal("0", Header(api, "X-RateLimit-Remaining"));
    }

    [Fact]
    public async Task Refresh_SharesTheStricterLimit()
    {
        host.SkipIfUnavailable();
        var client = host.CreateClientFrom(NextAddress());

        for (var i = 0; i < 3; i++)
        {
            var attempt = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = "not-a-real-token-" + i });
            await attempt.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        }

        var fourth = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = "not-a-real-token" });

        await fourth.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    [Fact]
    public async Task TrustedProxy_ForwardedClientsHaveSeparateBuckets()
    {
        host.SkipIfUnavailable();
        var proxy = host.CreateClientFrom("10.1.2.3");

        for (var i = 0; i < 5; i++)
        {
            var allowed = await SendForwardedAsync(proxy, "203.0.113.9");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }

        var blocked = await SendForwardedAsync(proxy, "203.0.113.9");
        var otherForwarded = await SendForwardedAsync(proxy, "203.0.113.10");
        var proxyItself = await proxy.GetAsync("/api/agents");

        await blocked.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
        Assert.Equal(HttpStatusCode.Unauthorized, otherForwarded.StatusCode);
        Assert.Equal("4", Header(otherForwarded, "X-RateLimit-Remaining"));
        Assert.Equal(HttpStatusCode.Unauthorized, proxyItself.StatusCode);
    }

    [Fact]
    public async Task UntrustedClient_ForwardedForIsIgnored()
    {
        host.SkipIfUnavailable();
        var untrusted = host.CreateClientFrom("10.9.9.9");

        for (var i = 0; i < 5; i++)
        {
            var allowed = await SendForwardedAsync(untrusted, "198.51.100.1");
            Assert.NotEqual(HttpStatusCode.TooManyRequests, allowed.StatusCode);
        }

        // A different claimed client from the same untrusted address must not get a fresh bucket.
        var spoofed = await SendForwardedAsync(untrusted, "198.51.100.2");

        await spoofed.AssertProblemAsync(HttpStatusCode.TooManyRequests, "RATE_LIMITED");
    }

    private static async Task<HttpResponseMessage> SendForwardedAsync(HttpClient client, string forwardedFor)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/agents");
        request.Headers.Add("X-Forwarded-For", forwardedFor);
        return await client.SendAsync(request);
    }

    /// <summary>
    /// A fresh address per call. Signing in through <see cref="AgentFlowHostFixture.CreateTenantAsync"/> would spend
    /// the loopback client's three sign-ins per minute, so these tests sign in from addresses of their own.
    /// </summary>
    private static string NextAddress()
    {
        var n = Interlocked.Increment(ref _nextAddress);
        return $"10.77.{n / 250}.{(n % 250) + 1}";
    }

    private HttpClient BearerClient(string token, string address)
    {
        var client = host.CreateClientFrom(address);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    private async Task<string> CreateUserAsync()
    {
        host.SkipIfUnavailable();
        var email = $"limited-{Guid.NewGuid():N}@example.com";
        await using var scope = host.Services.CreateAsyncScope();
        var org = await scope.ServiceProvider.GetRequiredService<OrganizationProvisioner>().CreateAsync("Limited " + Guid.NewGuid().ToString("N")[..8]);
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        var now = host.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        db.Users.Add(new User
        {
            Id = Guid.CreateVersion7(),
            OrgId = org.Id,
            Email = email,
            Name = "Limited owner",
            Role = UserRole.Owner,
            PasswordHash = scope.ServiceProvider.GetRequiredService<IPasswordHasher>().Hash(Password),
            CreatedAt = now,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync();
        return email;
    }

    private async Task<string> SignInAsync()
    {
        var email = await CreateUserAsync();
        var login = await host.CreateClientFrom(NextAddress()).PostAsJsonAsync("/auth/login", new { email, password = Password });
        var body = await login.AssertSuccessAsync();
        return body.GetProperty("token").GetString()!;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;
}

public sealed class SqliteRateLimitTests(SqliteRateLimitFixture host) : RateLimitTests<SqliteRateLimitFixture>(host);

public sealed class PostgresRateLimitTests(PostgresRateLimitFixture host) : RateLimitTests<PostgresRateLimitFixture>(host);

public sealed class SqliteRateLimitFixture : SqliteHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => RateLimitSettings.Values;
}

public sealed class PostgresRateLimitFixture : PostgresHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => RateLimitSettings.Values;
}

/// <summary>Tiny budgets, and one trusted proxy range whose X-Forwarded-For is believed.</summary>
internal static class RateLimitSettings
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        ["AgentFlow:RateLimit:PermitsPerMinute"] = "5",
        ["AgentFlow:RateLimit:AuthPermitsPerMinute"] = "3",
        ["AgentFlow:Http:TrustedProxies:0"] = "10.1.0.0/16",
    };
}
