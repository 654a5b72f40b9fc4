using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Persistence;

public abstract class TenantIsolationTests<TFixture>(TFixture engine) : IClassFixture<TFixture>
    where TFixture : EngineFixture
{
    [Theory]
    [MemberData(nameof(OrgOwnedSets.All), MemberType = typeof(OrgOwnedSets))]
    public async Task Query_TenantInScope_ReturnsOnlyItsRows(string set)
    {
        var (a, b) = await TwoSeededTenantsAsync();

        await using var scope = engine.CreateScope(a);
        var orgIds = await OrgIdsAsync(Db(scope), set, ignoreFilters: false);

        Assert.NotEmpty(orgIds);
        Assert.All(orgIds, id => Assert.Equal(a, id));
        Assert.DoesNotContain(b, orgIds);
    }

    [Theory]
    [MemberData(nameof(OrgOwnedSets.All), MemberType = typeof(OrgOwnedSets))]
    public async Task Query_NoTenantInScope_ReturnsNothing(string set)
    {
        await TwoSeededTenantsAsync();

        await using var scope = engine.CreateScope();
        var orgIds = await OrgIdsAsync(Db(scope), set, ignoreFilters: false);

        Assert.Empty(orgIds);
    }

    [Theory]
    [MemberData(nameof(OrgOwnedSets.All), MemberType = typeof(OrgOwnedSets))]
    public async Task Query_IgnoreQueryFilters_SeesEveryOrganisation(string set)
    {
        var (a, b) = await TwoSeededTenantsAsync();

        await using var scope = engine.CreateScope(a);
        var orgIds = await OrgIdsAsync(Db(scope), set, ignoreFilters: true);

        Assert.Contains(a, orgIds);
        Assert.Contains(b, orgIds);
    }

    [Fact]
    public async Task Find_RowOfAnotherOrganisationById_ReturnsNothing()
    {
        var (a, b) = await TwoSeededTenantsAsync();
        Guid agentOfB;
        await using (var scope = engine.CreateScope(b))
        {
            agentOfB = await Db(scope).Agents.Select(x => x.Id).SingleAsync();
        }

        await using var scopeA = engine.CreateScope(a);
        Assert.Null(await Db(scopeA).Agents.FirstOrDefaultAsync(x => x.Id == agentOfB));
        await Assert.ThrowsAsync<ResourceNotFoundException>(() => scopeA.ServiceProvider.GetRequiredService<AgentService>().GetAsync(agentOfB));
    }

    [Fact]
    public async Task SaveChanges_NewEntityWithEmptyOrgId_StampsScopeOrganisation()
    {
        var a = await engine.CreateOrganizationAsync();
        var agent = NewAgent();

        await using (var scope = engine.CreateScope(a))
        {
            var db = Db(scope);
            db.Agents.Add(agent);
            await db.SaveChangesAsync();
        }

        Assert.Equal(a, agent.OrgId);
        await using var check = engine.CreateScope();
        Assert.Equal(a, await Db(check).Agents.IgnoreQueryFilters().Where(x => x.Id == agent.Id).Select(x => x.OrgId).SingleAsync());
    }

    [Fact]
    public async Task SaveChanges_NewEntityWithEmptyOrgIdAndNoTenant_ThrowsInvalidOperation()
    {
        await using var scope = engine.CreateScope();
        var db = Db(scope);
        db.Agents.Add(NewAgent());

        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
    }

    [Fact]
    public async Task SaveChanges_NewEntityOfAnotherOrganisation_ThrowsInvalidOperation()
    {
        var a = await engine.CreateOrganizationAsync();
        var b = await engine.CreateOrganizationAsync();
        var agent = NewAgent();
        agent.OrgId = b;

        await using (var scope = engine.CreateScope(a))
        {
            var db = Db(scope);
            db.Agents.Add(agent);
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        }

        await using var check = engine.CreateScope();
        Assert.False(await Db(check).Agents.IgnoreQueryFilters().AnyAsync(x => x.Id == agent.Id));
    }

    [Fact]
    public async Task SaveChanges_ModifiedEntityOfAnotherOrganisation_ThrowsInvalidOperation()
    {
        var (a, b) = await TwoSeededTenantsAsync();

        await using (var scope = engine.CreateScope(a))
        {
            var db = Db(scope);
            var agentOfB = await db.Agents.IgnoreQueryFilters().FirstAsync(x => x.OrgId == b);
            agentOfB.Role = "hijacked";
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        }

        await using var check = engine.CreateScope(b);
        Assert.NotEqual("hijacked", await Db(check).Agents.Select(x => x.Role).SingleAsync());
    }

    [Fact]
    public async Task SaveChanges_DeletedEntityOfAnotherOrganisation_ThrowsInvalidOperation()
    {
        var (a, b) = await TwoSeededTenantsAsync();

        await using (var scope = engine.CreateScope(a))
        {
            var db = Db(scope);
            db.Agents.Remove(await db.Agents.IgnoreQueryFilters().FirstAsync(x => x.OrgId == b));
            await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync());
        }

        await using var check = engine.CreateScope(b);
        Assert.Equal(1, await Db(check).Agents.CountAsync());
    }

    [Fact]
    public async Task SaveChanges_EntityOfAnyOrganisationWithNoTenant_IsAllowedForSystemWork()
    {
        var b = await engine.CreateOrganizationAsync();
        var agent = NewAgent();
        agent.OrgId = b;

        await using (var scope = engine.CreateScope())
        {
            var db = Db(scope);
            db.Agents.Add(agent);
            await db.SaveChangesAsync();
        }

        await using var check = engine.CreateScope(b);
        Assert.True(await Db(check).Agents.AnyAsync(x => x.Id == agent.Id));
    }

    [Fact]
    public void ScopedTenantContext_UseAnotherOrganisation_ThrowsInvalidOperation()
    {
        var context = new ScopedTenantContext();
        var first = Guid.NewGuid();
        context.Use(first);
        context.Use(first);

        Assert.Throws<InvalidOperationException>(() => context.Use(Guid.NewGuid()));
        Assert.Equal(first, context.OrgId);
    }

    [Fact]
    public async Task Query_ContextFollowsTenantSetAfterItWasCreated()
    {
        // The filter reads the tenant per query, so a context resolved before Use() still filters.
        var (a, _) = await TwoSeededTenantsAsync();
        await using var scope = engine.CreateScope();
        var db = Db(scope);
        Assert.Empty(await db.Agents.ToListAsync());

        scope.ServiceProvider.GetRequiredService<ScopedTenantContext>().Use(a);

        Assert.All(await db.Agents.ToListAsync(), x => Assert.Equal(a, x.OrgId));
        Assert.NotEmpty(await db.Agents.ToListAsync());
    }

    private static Agent NewAgent()
    {
        var suffix = Guid.NewGuid().ToString("N")[..10];
        return new Agent { Id = Guid.NewGuid(), Name = "agent-" + suffix, Email = $"agent-{suffix}@localhost" };
    }

    private static AgentFlowDbContext Db(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();

    private async Task<(Guid A, Guid B)> TwoSeededTenantsAsync()
    {
        var a = await engine.CreateOrganizationAsync();
        var b = await engine.CreateOrganizationAsync();
        await engine.SeedTenantRowsAsync(a);
        await engine.SeedTenantRowsAsync(b);
        return (a, b);
    }

    private static Task<List<Guid>> OrgIdsAsync(AgentFlowDbContext db, string set, bool ignoreFilters) => set switch
    {
        "Agents" => Select(db.Agents, ignoreFilters, x => x.OrgId),
        "Users" => Select(db.Users, ignoreFilters, x => x.OrgId),
        "ApiKeys" => Select(db.ApiKeys, ignoreFilters, x => x.OrgId),
        "AuditEntries" => Select(db.AuditEntries, ignoreFilters, x => x.OrgId),
        "EmailRules" => Select(db.EmailRules, ignoreFilters, x => x.OrgId),
        "CompanySettings" => Select(db.CompanySettings, ignoreFilters, x => x.OrgId),
        "RefreshTokens" => Select(db.RefreshTokens, ignoreFilters, x => x.OrgId),
        _ => throw new ArgumentOutOfRangeException(nameof(set), set, null),
    };

    private static Task<List<Guid>> Select<T>(IQueryable<T> query, bool ignoreFilters, System.Linq.Expressions.Expression<Func<T, Guid>> orgId)
        where T : class =>
        (ignoreFilters ? query.IgnoreQueryFilters() : query).Select(orgId).ToListAsync();
}

/// <summary>The org-owned DbSets checked by <see cref="TenantIsolationTests{TFixture}"/>.</summary>
public static class OrgOwnedSets
{
    public static TheoryData<string> All => ["Agents", "Users", "ApiKeys", "AuditEntries", "EmailRules", "CompanySettings", "RefreshTokens"];
}

public sealed class SqliteTenantIsolationTests(SqliteEngineFixture engine) : TenantIsolationTests<SqliteEngineFixture>(engine);

public sealed class PostgresTenantIsolationTests(PostgresEngineFixture engine) : TenantIsolationTests<PostgresEngineFixture>(engine);
