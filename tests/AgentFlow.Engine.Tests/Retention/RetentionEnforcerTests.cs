using AgentFlow.Engine.Audit;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Retention;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Retention;

public abstract class RetentionEnforcerTests<TFixture>(TFixture engine) : IClassFixture<TFixture>
    where TFixture : EngineFixture
{
    private const int RetainDays = 30;

    [Fact]
    public async Task ApplyAsync_ArchiveFirst_MovesExpiredEntriesToArchiveWithSameIds()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: true, archiveFirst: true);
        var expired = await AddEntriesAsync(orgId, "agent.create", ageDays: RetainDays + 1, count: 3);
        var fresh = await AddEntriesAsync(orgId, "agent.create", ageDays: RetainDays - 1, count: 2);

        var run = await ApplyAsync();

        Assert.True(run.Archived >= 3);
        var (live, archived) = await StateAsync(orgId);
        Assert.Equal(fresh.Order(), live.Select(e => e.Id).Order());
        Assert.Equal(expired.Order(), archived.Select(e => e.Id).Order());
        Assert.All(archived, e =>
        {
            Assert.Equal(orgId, e.OrgId);
            Assert.Equal("agent.create", e.Action);
            Assert.Equal(engine.Time.GetUtcNow(), e.ArchivedAt);
            var added = engine.Time.GetUtcNow() - TimeSpan.FromDays(RetainDays + 1);
            Assert.InRange(e.Timestamp, added - TimeSpan.FromSeconds(2), added);
        });
    }

    [Fact]
    public async Task ApplyAsync_ArchiveFirst_KeepsEveryFieldOfTheEntry()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: true, archiveFirst: true);
        var id = Guid.NewGuid();
        var timestamp = engine.Time.GetUtcNow() - TimeSpan.FromDays(RetainDays + 5);
        await using (var scope = engine.CreateScope(orgId))
        {
            var db = Db(scope);
            db.AuditEntries.Add(new AuditEntry
            {
                Id = id,
                Timestamp = timestamp,
                Actor = "actor-1",
                ActorType = ActorTypes.ApiKey,
                Action = "rule.update",
                Resource = "rules/42",
                Details = """{"changed":["name"]}""",
                Ip = "203.0.113.9",
                RequestId = "req-123",
            });
            await db.SaveChangesAsync();
        }

        await ApplyAsync();

        await using var check = engine.CreateScope(orgId);
        var archived = await Db(check).ArchivedAuditEntries.SingleAsync(e => e.Id == id);
        Assert.Equal(
            (timestamp, "actor-1", ActorTypes.ApiKey, "rule.update", "rules/42", "203.0.113.9", "req-123"),
            (archived.Timestamp, archived.Actor, archived.ActorType, archived.Action, archived.Resource, archived.Ip, archived.RequestId));
        Assert.Contains("changed", archived.Details, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ApplyAsync_DeleteMode_DeletesExpiredEntriesWithoutArchiving()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: true, archiveFirst: false);
        await AddEntriesAsync(orgId, "agent.delete", ageDays: RetainDays + 10, count: 4);
        var fresh = await AddEntriesAsync(orgId, "agent.delete", ageDays: 1, count: 1);

        var run = await ApplyAsync();

        Assert.True(run.Deleted >= 4);
        var (live, archived) = await StateAsync(orgId);
        Assert.Equal(fresh, live.Select(e => e.Id));
        Assert.Empty(archived);
    }

    [Fact]
    public async Task ApplyAsync_ExcludeTag_KeepsTheTagAndActionsUnderItOnly()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: true, archiveFirst: true, "auth");
        var kept = new List<Guid>();
        kept.AddRange(await AddEntriesAsync(orgId, "auth", ageDays: 400, count: 1));
        kept.AddRange(await AddEntriesAsync(orgId, "auth.login", ageDays: 400, count: 1));
        kept.AddRange(await AddEntriesAsync(orgId, "auth.login.failed", ageDays: 400, count: 1));
        var removed = new List<Guid>();
        removed.AddRange(await AddEntriesAsync(orgId, "authx.y", ageDays: 400, count: 1));
        removed.AddRange(await AddEntriesAsync(orgId, "authentication", ageDays: 400, count: 1));
        removed.AddRange(await AddEntriesAsync(orgId, "user.auth", ageDays: 400, count: 1));

        await ApplyAsync();

        var (live, archived) = await StateAsync(orgId);
        Assert.Equal(kept.Order(), live.Select(e => e.Id).Order());
        Assert.Equal(removed.Order(), archived.Select(e => e.Id).Order());
    }

    [Fact]
    public async Task ApplyAsync_ExcludeTagWithLikeWildcards_MatchesLiterally()
    {
        // A tag is a literal prefix: '%' and '_' must not act as SQL LIKE wildcards.
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: true, archiveFirst: false, "a_c", "x%");
        var kept = await AddEntriesAsync(orgId, "a_c.read", ageDays: 400, count: 1);
        var removed = new List<Guid>();
        removed.AddRange(await AddEntriesAsync(orgId, "abc.read", ageDays: 400, count: 1));
        removed.AddRange(await AddEntriesAsync(orgId, "xyz.read", ageDays: 400, count: 1));

        await ApplyAsync();

        var (live, _) = await StateAsync(orgId);
        Assert.Equal(kept, live.Select(e => e.Id));
    }

    [Fact]
    public async Task ApplyAsync_DisabledPolicy_LeavesEntriesUntouched()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: false, archiveFirst: true);
        var old = await AddEntriesAsync(orgId, "agent.create", ageDays: 1000, count: 3);

        await ApplyAsync();

        var (live, archived) = await StateAsync(orgId);
        Assert.Equal(old.Order(), live.Select(e => e.Id).Order());
        Assert.Empty(archived);
        Assert.Null((await PolicyAsync(orgId)).LastAppliedAt);
    }

    [Fact]
    public async Task ApplyAsync_OrganisationWithoutPolicy_LeavesEntriesUntouched()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var old = await AddEntriesAsync(orgId, "agent.create", ageDays: 1000, count: 2);

        await ApplyAsync();

        var (live, archived) = await StateAsync(orgId);
        Assert.Equal(old.Order(), live.Select(e => e.Id).Order());
        Assert.Empty(archived);
    }

    [Fact]
    public async Task ApplyAsync_PolicyOfOneOrganisation_LeavesOtherOrganisationsUntouched()
    {
        var withPolicy = await engine.CreateOrganizationAsync();
        var other = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(withPolicy, enabled: true, archiveFirst: true);
        await SetPolicyAsync(other, enabled: true, archiveFirst: true);
        await using (var scope = engine.CreateScope(other))
        {
            // The other organisation keeps a whole year: its 100-day-old entries are not expired for it.
            await scope.ServiceProvider.GetRequiredService<RetentionService>().SetAsync(new SetRetentionCommand(true, 365, true, null));
        }

        await AddEntriesAsync(withPolicy, "agent.create", ageDays: 100, count: 2);
        var othersEntries = await AddEntriesAsync(other, "agent.create", ageDays: 100, count: 2);

        await ApplyAsync();

        var (liveA, archivedA) = await StateAsync(withPolicy);
        var (liveB, archivedB) = await StateAsync(other);
        Assert.Empty(liveA);
        Assert.Equal(2, archivedA.Count);
        Assert.Equal(othersEntries.Order(), liveB.Select(e => e.Id).Order());
        Assert.Empty(archivedB);
    }

    [Fact]
    public async Task ApplyAsync_MoreExpiredEntriesThanOneBatch_ProcessesThemAll()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: true, archiveFirst: true);
        var expired = await AddEntriesAsync(orgId, "agent.update", ageDays: RetainDays + 2, count: 1_200);
        var fresh = await AddEntriesAsync(orgId, "agent.update", ageDays: 0, count: 1);

        var run = await ApplyAsync();

        Assert.True(run.Archived >= 1_200);
        await using var scope = engine.CreateScope(orgId);
        var db = Db(scope);
        Assert.Equal(fresh, await db.AuditEntries.Select(e => e.Id).ToListAsync());
        var archivedIds = await db.ArchivedAuditEntries.Select(e => e.Id).ToListAsync();
        Assert.Equal(1_200, archivedIds.Count);
        Assert.True(expired.ToHashSet().SetEquals(archivedIds));
    }

    [Fact]
    public async Task ApplyAsync_MoreExpiredEntriesThanOneBatchInDeleteMode_DeletesThemAll()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: true, archiveFirst: false);
        await AddEntriesAsync(orgId, "agent.update", ageDays: RetainDays + 2, count: 1_001);

        await ApplyAsync();

        var (live, archived) = await StateAsync(orgId);
        Assert.Empty(live);
        Assert.Empty(archived);
    }

    [Fact]
    public async Task ApplyAsync_EnabledPolicy_SetsLastAppliedAt()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: true, archiveFirst: true);
        engine.Time.Advance(TimeSpan.FromMinutes(7));

        await ApplyAsync();

        Assert.Equal(engine.Time.GetUtcNow(), (await PolicyAsync(orgId)).LastAppliedAt);
    }

    [Fact]
    public async Task ApplyAsync_RunTwice_SecondRunFindsNothingNewForTheOrganisation()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await SetPolicyAsync(orgId, enabled: true, archiveFirst: true);
        await AddEntriesAsync(orgId, "agent.create", ageDays: RetainDays + 1, count: 2);
        await ApplyAsync();

        await ApplyAsync();

        var (live, archived) = await StateAsync(orgId);
        Assert.Empty(live);
        Assert.Equal(2, archived.Count);
    }

    [Theory]
    [InlineData("auth", true)]
    [InlineData("auth.login", true)]
    [InlineData("auth.login.failed", true)]
    [InlineData("authx.y", false)]
    [InlineData("authentication", false)]
    [InlineData("user.auth", false)]
    [InlineData("AUTH.login", false)]
    [InlineData("", false)]
    public void IsExcluded_Action_MatchesTagOrItsChildren(string action, bool expected)
    {
        Assert.Equal(expected, RetentionEnforcer.IsExcluded(action, ["auth"]));
    }

    private static AgentFlowDbContext Db(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();

    private async Task SetPolicyAsync(Guid orgId, bool enabled, bool archiveFirst, params string[] excludeTags)
    {
        await using var scope = engine.CreateScope(orgId);
        await scope.ServiceProvider.GetRequiredService<RetentionService>().SetAsync(new SetRetentionCommand(enabled, RetainDays, archiveFirst, excludeTags));
    }

    private async Task<RetentionPolicy> PolicyAsync(Guid orgId)
    {
        await using var scope = engine.CreateScope(orgId);
        return await scope.ServiceProvider.GetRequiredService<RetentionService>().GetAsync();
    }

    /// <summary>Entries <paramref name="ageDays"/> old (one second apart, so each has its own timestamp).</summary>
    private async Task<List<Guid>> AddEntriesAsync(Guid orgId, string action, int ageDays, int count)
    {
        var timestamp = engine.Time.GetUtcNow() - TimeSpan.FromDays(ageDays);
        var entries = Enumerable.Range(0, count).Select(i => new AuditEntry
        {
            Id = Guid.NewGuid(),
            Timestamp = timestamp - TimeSpan.FromSeconds(i),
            Actor = "system",
            ActorType = ActorTypes.System,
            Action = action,
            Resource = "agents",
        }).ToList();
        await using var scope = engine.CreateScope(orgId);
        var db = Db(scope);
        db.AuditEntries.AddRange(entries);
        await db.SaveChangesAsync();
        return [.. entries.Select(e => e.Id)];
    }

    // The job runs with no tenant in scope, across every organisation.
    private async Task<RetentionRun> ApplyAsync()
    {
        await using var scope = engine.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RetentionEnforcer>().ApplyAsync();
    }

    private async Task<(List<AuditEntry> Live, List<ArchivedAuditEntry> Archived)> StateAsync(Guid orgId)
    {
        await using var scope = engine.CreateScope(orgId);
        var db = Db(scope);
        return (await db.AuditEntries.AsNoTracking().ToListAsync(), await db.ArchivedAuditEntries.AsNoTracking().ToListAsync());
    }
}

public sealed class SqliteRetentionEnforcerTests(SqliteEngineFixture engine) : RetentionEnforcerTests<SqliteEngineFixture>(engine);

public sealed class PostgresRetentionEnforcerTests(PostgresEngineFixture engine) : RetentionEnforcerTests<PostgresEngineFixture>(engine);
