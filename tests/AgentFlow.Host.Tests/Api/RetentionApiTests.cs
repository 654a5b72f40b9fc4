using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Retention;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentFlow.Host.Tests.Api;

public abstract class RetentionApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task GetRetention_NoPolicyYet_ReturnsDisabledDefault()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);

        var body = await (await admin.Client.GetAsync("/api/retention")).AssertSuccessAsync();

        var policy = body.GetProperty("data");
        Assert.False(policy.GetProperty("enabled").GetBoolean());
        Assert.Equal(365, policy.GetProperty("retainDays").GetInt32());
        Assert.True(policy.GetProperty("archiveFirst").GetBoolean());
        Assert.Equal(0, policy.GetProperty("excludeTags").GetArrayLength());
        Assert.Equal(JsonValueKind.Null, policy.GetProperty("lastAppliedAt").ValueKind);
    }

    [Fact]
    public async Task GetRetention_AsMember_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await member.Client.GetAsync("/api/retention");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("required").GetString());
    }

    [Fact]
    public async Task SetRetention_AsAdmin_Returns403RequiringOwnerAndKeepsPolicy()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);

        var response = await admin.Client.PutAsJsonAsync("/api/retention", new { enabled = true, retainDays = 1 });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("owner", problem.GetProperty("details").GetProperty("required").GetString());
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("current").GetString());
        var policy = (await (await admin.Client.GetAsync("/api/retention")).AssertSuccessAsync()).GetProperty("data");
        Assert.False(policy.GetProperty("enabled").GetBoolean());
    }

    [Theory]
    [InlineData("{\"enabled\":true,\"retainDays\":0}", "retainDays")]
    [InlineData("{\"enabled\":true,\"retainDays\":3651}", "retainDays")]
    [InlineData("{\"enabled\":true,\"retainDays\":-5}", "retainDays")]
    [InlineData("{\"enabled\":true}", "retainDays")]
    [InlineData("{\"retainDays\":30}", "enabled")]
    [InlineData("{\"enabled\":\"yes\",\"retainDays\":30}", "enabled")]
    [InlineData("{\"enabled\":true,\"retainDays\":30,\"excludeTags\":[\"\"]}", "excludeTags[0]")]
    public async Task SetRetention_InvalidBody_Returns400NamingTheField(string json, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PutAsync("/api/retention", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3650)]
    public async Task SetRetention_BoundaryDays_AreAccepted(int days)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PutAsJsonAsync("/api/retention", new { enabled = true, retainDays = days });

        Assert.Equal(days, (await response.AssertSuccessAsync()).GetProperty("data").GetProperty("retainDays").GetInt32());
    }

    [Fact]
    public async Task SetRetention_ValidPolicy_RoundTrips()
    {
        var tenant = await host.CreateTenantAsync();

        var put = await tenant.Owner.Client.PutAsJsonAsync("/api/retention",
            new { enabled = true, retainDays = 90, archiveFirst = false, excludeTags = new List<string> { "auth", "billing", "auth" } });
        var get = await tenant.Owner.Client.GetAsync("/api/retention");

        await put.AssertSuccessAsync();
        var policy = (await get.AssertSuccessAsync()).GetProperty("data");
        Assert.True(policy.GetProperty("enabled").GetBoolean());
        Assert.Equal(90, policy.GetProperty("retainDays").GetInt32());
        Assert.False(policy.GetProperty("archiveFirst").GetBoolean());
        Assert.Equal(["auth", "billing"], policy.GetProperty("excludeTags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task SetRetention_SecondPut_ReplacesWholePolicy()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Owner.Client.PutAsJsonAsync("/api/retention",
            new { enabled = true, retainDays = 90, archiveFirst = false, excludeTags = new List<string> { "auth" } })).AssertSuccessAsync();

        var response = await tenant.Owner.Client.PutAsJsonAsync("/api/retention", new { enabled = false, retainDays = 10 });

        var policy = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.False(policy.GetProperty("enabled").GetBoolean());
        Assert.Equal(10, policy.GetProperty("retainDays").GetInt32());
        Assert.True(policy.GetProperty("archiveFirst").GetBoolean());
        Assert.Equal(0, policy.GetProperty("excludeTags").GetArrayLength());
    }

    [Fact]
    public async Task ApplyRetention_ArchiveFirst_MovesOldEntriesExceptExcludedTags()
    {
        var tenant = await host.CreateTenantAsync();
        var now = host.Now();
        var oldAgent = await host.SeedAuditEntryAsync(tenant.OrgId, "agent.create", now.AddDays(-400));
        var oldLogin = await host.SeedAuditEntryAsync(tenant.OrgId, "auth.login", now.AddDays(-400));
        var oldAuthTag = await host.SeedAuditEntryAsync(tenant.OrgId, "auth", now.AddDays(-400));
        // "auth" keeps auth and auth.*, not every action that merely starts with the letters.
        var oldLookalike = await host.SeedAuditEntryAsync(tenant.OrgId, "authz.check", now.AddDays(-400));
        var recent = await host.SeedAuditEntryAsync(tenant.OrgId, "agent.update", now.AddDays(-10));
        await SetPolicyAsync(tenant, archiveFirst: true, excludeTags: ["auth"]);

        await ApplyRetentionAsync();

        var (live, archived) = await AuditIdsAsync(tenant.OrgId);
        Assert.DoesNotContain(oldAgent, live);
        Assert.DoesNotContain(oldLookalike, live);
        Assert.Contains(oldAgent, archived);
        Assert.Contains(oldLookalike, archived);
        Assert.Contains(oldLogin, live);
        Assert.Contains(oldAuthTag, live);
        Assert.Contains(recent, live);
        Assert.DoesNotContain(oldLogin, archived);
        Assert.DoesNotContain(recent, archived);
    }

    [Fact]
    public async Task ApplyRetention_ArchiveFirst_ArchivedCopyKeepsTheEntry()
    {
        var tenant = await host.CreateTenantAsync();
        var stamp = host.Now().AddDays(-400);
        var id = await host.SeedAuditEntryAsync(tenant.OrgId, "agent.delete", stamp, actor: "someone", resource: "agent:42");
        await SetPolicyAsync(tenant, archiveFirst: true, excludeTags: []);

        await ApplyRetentionAsync();

        var copy = await host.InTenantAsync(tenant.OrgId, db => db.ArchivedAuditEntries.AsNoTracking().SingleAsync(e => e.Id == id));
        Assert.Equal("agent.delete", copy.Action);
        Assert.Equal("someone", copy.Actor);
        Assert.Equal("agent:42", copy.Resource);
        Assert.Equal(tenant.OrgId, copy.OrgId);
        Assert.True(Math.Abs((copy.Timestamp - stamp).TotalSeconds) < 1, $"timestamp {copy.Timestamp} should stay {stamp}");
    }

    [Fact]
    public async Task ApplyRetention_WithoutArchive_DeletesOldEntries()
    {
        var tenant = await host.CreateTenantAsync();
        var now = host.Now();
        var old = await host.SeedAuditEntryAsync(tenant.OrgId, "agent.create", now.AddDays(-400));
        var recent = await host.SeedAuditEntryAsync(tenant.OrgId, "agent.create", now.AddDays(-1));
        await SetPolicyAsync(tenant, archiveFirst: false, excludeTags: ["auth"]);

        await ApplyRetentionAsync();

        var (live, archived) = await AuditIdsAsync(tenant.OrgId);
        Assert.DoesNotContain(old, live);
        Assert.DoesNotContain(old, archived);
        Assert.Contains(recent, live);
    }

    [Fact]
    public async Task ApplyRetention_OtherOrganisationWithDisabledPolicy_IsUntouched()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var now = host.Now();
        var mine = await host.SeedAuditEntryAsync(tenant.OrgId, "agent.create", now.AddDays(-400));
        var theirs = await host.SeedAuditEntryAsync(other.OrgId, "agent.create", now.AddDays(-400));
        await SetPolicyAsync(tenant, archiveFirst: true, excludeTags: ["auth"]);
        await (await other.Owner.Client.PutAsJsonAsync("/api/retention", new { enabled = false, retainDays = 1 })).AssertSuccessAsync();

        await ApplyRetentionAsync();

        var (myLive, _) = await AuditIdsAsync(tenant.OrgId);
        var (theirLive, theirArchived) = await AuditIdsAsync(other.OrgId);
        Assert.DoesNotContain(mine, myLive);
        Assert.Contains(theirs, theirLive);
        Assert.Empty(theirArchived);
        var otherPolicy = (await (await other.Owner.Client.GetAsync("/api/retention")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(JsonValueKind.Null, otherPolicy.GetProperty("lastAppliedAt").ValueKind);
    }

    [Fact]
    public async Task ApplyRetention_EnabledPolicy_RecordsLastAppliedAt()
    {
        var tenant = await host.CreateTenantAsync();
        await SetPolicyAsync(tenant, archiveFirst: true, excludeTags: []);

        await ApplyRetentionAsync();

        var policy = (await (await tenant.Owner.Client.GetAsync("/api/retention")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(JsonValueKind.String, policy.GetProperty("lastAppliedAt").ValueKind);
    }

    private static async Task SetPolicyAsync(TestTenant tenant, bool archiveFirst, string[] excludeTags) =>
        await (await tenant.Owner.Client.PutAsJsonAsync("/api/retention", new { enabled = true, retainDays = 30, archiveFirst, excludeTags })).AssertSuccessAsync();

    /// <summary>What the background job does on each tick, run once on demand (the fixture turns the job's timer off).</summary>
    private async Task ApplyRetentionAsync()
    {
        await using var scope = host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<RetentionEnforcer>().ApplyAsync();
    }

    private Task<(HashSet<Guid> Live, HashSet<Guid> Archived)> AuditIdsAsync(Guid orgId) =>
        host.InTenantAsync(orgId, async db => (
            (await db.AuditEntries.Select(e => e.Id).ToListAsync()).ToHashSet(),
            (await db.ArchivedAuditEntries.Select(e => e.Id).ToListAsync()).ToHashSet()));
}

public sealed class SqliteRetentionApiTests(SqliteHostFixture host) : RetentionApiTests<SqliteHostFixture>(host);

public sealed class PostgresRetentionApiTests(PostgresHostFixture host) : RetentionApiTests<PostgresHostFixture>(host);

/// <summary>The retention background job, switched on with a one-second interval, applies a policy by itself.</summary>
public abstract class RetentionJobTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture, ICollectLogs
{
    [Fact]
    public async Task RetentionJob_Enabled_ArchivesExpiredEntriesWithinSeconds()
    {
        var tenant = await host.CreateTenantAsync();
        var now = host.Now();
        var old = await host.SeedAuditEntryAsync(tenant.OrgId, "agent.create", now.AddDays(-400));
        var keptLogin = await host.SeedAuditEntryAsync(tenant.OrgId, "auth.login", now.AddDays(-400));

        await (await tenant.Owner.Client.PutAsJsonAsync("/api/retention",
            new { enabled = true, retainDays = 30, archiveFirst = true, excludeTags = new List<string> { "auth" } })).AssertSuccessAsync();

        var archived = await WaitForAsync(() => host.InTenantAsync(tenant.OrgId, db => db.ArchivedAuditEntries.AnyAsync(e => e.Id == old)));

        Assert.True(archived, "the retention job should have archived the expired entry within about 10 seconds");
        var live = await host.InTenantAsync(tenant.OrgId, db => db.AuditEntries.Select(e => e.Id).ToListAsync());
        Assert.DoesNotContain(old, live);
        Assert.Contains(keptLogin, live);
    }

    [Fact]
    public async Task RetentionJob_FromStart_NeverFails()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Owner.Client.PutAsJsonAsync("/api/retention", new { enabled = true, retainDays = 30 })).AssertSuccessAsync();

        // Once a pass has covered this new policy, the pass the job makes as the Host starts is long over.
        var applied = await WaitForAsync(() => host.InTenantAsync(tenant.OrgId, db => db.RetentionPolicies.AnyAsync(p => p.LastAppliedAt != null)));

        Assert.True(applied, "the retention job should have applied the policy within about 10 seconds");
        var failures = host.Logs.Entries.Where(e => e.EventName == "RetentionFailed").Select(e => $"{e.Message}: {e.Error}").ToList();
        Assert.True(failures.Count == 0, "retention passes failed: " + string.Join(" | ", failures));
    }

    /// <summary>A wait for the job's next ticks (interval one second), not a timing assertion.</summary>
    private static async Task<bool> WaitForAsync(Func<Task<bool>> condition)
    {
        for (var attempt = 0; attempt < 50; attempt++)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }

        return false;
    }
}

public sealed class SqliteRetentionJobTests(SqliteRetentionJobFixture host) : RetentionJobTests<SqliteRetentionJobFixture>(host);

public sealed class PostgresRetentionJobTests(PostgresRetentionJobFixture host) : RetentionJobTests<PostgresRetentionJobFixture>(host);

public sealed class SqliteRetentionJobFixture : SqliteHostFixture, ICollectLogs
{
    public CollectedLogs Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => RetentionJobSettings.Values;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}

public sealed class PostgresRetentionJobFixture : PostgresHostFixture, ICollectLogs
{
    public CollectedLogs Logs { get; } = new();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => RetentionJobSettings.Values;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}

internal static class RetentionJobSettings
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        ["AgentFlow:Retention:Enabled"] = "true",
        ["AgentFlow:Retention:Interval"] = "00:00:01",
    };
}

public interface ICollectLogs
{
    CollectedLogs Logs { get; }
}

/// <summary>A real logging sink that keeps what the Host logs (at the fixture's level, Error and above) for assertions.</summary>
public sealed class CollectedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Collector(categoryName, _entries);

    public void Dispose()
    {
        // Entries stay readable until the fixture goes away.
    }

    public sealed record LogEntry(string Category, LogLevel Level, string? EventName, string Message, string? Error);

    private sealed class Collector(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, eventId.Name, formatter(state, exception), exception?.Message));
    }
}
