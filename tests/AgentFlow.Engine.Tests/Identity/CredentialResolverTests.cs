using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Identity;

/// <summary>How <see cref="CredentialResolver"/> reaches the database when many requests arrive at once.</summary>
public sealed class CredentialResolverTests(SqliteEngineFixture engine) : IClassFixture<SqliteEngineFixture>
{
    [Fact]
    public async Task ResolveUserAsync_ManyConcurrentMisses_ShareOneLookup()
    {
        var user = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Member);
        var scopes = new CountingScopeFactory(engine.Services.GetRequiredService<IServiceScopeFactory>());
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var resolver = new CredentialResolver(scopes, cache, TimeProvider.System);

        var identities = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => resolver.ResolveUserAsync(user.Id, sessionFamilyId: null))));

        Assert.All(identities, i => Assert.Equal(user.Id, i?.UserId));
        Assert.Equal(1, scopes.Created);
    }

    [Fact]
    public async Task ResolveUserAsync_AfterUserChanged_LooksUpAgain()
    {
        var user = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Member);
        var scopes = new CountingScopeFactory(engine.Services.GetRequiredService<IServiceScopeFactory>());
        using var cache = new MemoryCache(new MemoryCacheOptions());
        var resolver = new CredentialResolver(scopes, cache, TimeProvider.System);

        await resolver.ResolveUserAsync(user.Id, null);
        await resolver.ResolveUserAsync(user.Id, null);
        resolver.UserChanged(user.Id);
        await resolver.ResolveUserAsync(user.Id, null);

        Assert.Equal(2, scopes.Created);
    }

    private sealed class CountingScopeFactory(IServiceScopeFactory inner) : IServiceScopeFactory
    {
        private int _created;

        public int Created => Volatile.Read(ref _created);

        public IServiceScope CreateScope()
        {
            Interlocked.Increment(ref _created);
            return inner.CreateScope();
        }
    }
}
