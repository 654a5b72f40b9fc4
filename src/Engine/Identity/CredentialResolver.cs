using System.Collections.Concurrent;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Identity;

/// <summary>
/// Turns a credential into the caller's current identity: the user must still exist, roles are read fresh,
/// revoked keys and sessions stop working. Answers are cached for a few seconds because this runs on every
/// request; changes made on this node evict the cache at once (<see cref="IIdentityChangeNotifier"/>).
/// </summary>
public sealed class CredentialResolver(IServiceScopeFactory scopes, IMemoryCache cache, TimeProvider time) : IIdentityChangeNotifier
{
    /// <summary>How stale an answer may be on another node after a role change, revocation or logout.</summary>
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromSeconds(10);

    /// <summary>last_used_at is written at most this often per key, so a busy key does not write on every call.</summary>
    public static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    // One database lookup per key at a time: a burst of first requests for the same user (a dashboard opening 100
    // streams) must not open 100 connections; measured, it exhausted PostgreSQL's 100 client slots.
    private readonly ConcurrentDictionary<string, Lazy<Task<object?>>> _inflight = new(StringComparer.Ordinal);

    public async Task<CallerIdentity?> ResolveUserAsync(Guid userId, Guid? sessionFamilyId, CancellationToken cancellationToken = default)
    {
        if (sessionFamilyId is { } familyId && await IsSessionRevokedAsync(familyId, cancellationToken))
        {
            return null;
        }

        return await LoadOnceAsync(UserKey(userId), async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
            var user = await db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(u => u.Id == userId);
            return user is null ? null : new CallerIdentity(user.Id, user.OrgId, user.Email, user.Name, user.Role);
        }, cancellationToken);
    }

    public async Task<CallerIdentity?> ResolveApiKeyAsync(string plaintext, CancellationToken cancellationToken = default)
    {
        if (!SecretTokens.LooksLikeApiKey(plaintext))
        {
            return null;
        }

        var hash = SecretTokens.Sha256Hex(plaintext);
        var key = await LoadOnceAsync(ApiKeyKey(hash), async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
            return await db.ApiKeys.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(k => k.KeyHash == hash);
        }, cancellationToken);

        var now = time.GetUtcNow();
        if (key is null || key.RevokedAt is not null || key.ExpiresAt <= now)
        {
            return null;
        }

        var creator = await ResolveUserAsync(key.CreatedBy, sessionFamilyId: null, cancellationToken);
        if (creator is null || creator.OrgId != key.OrgId)
        {
            return null;
        }

        await TouchAsync(key, now, cancellationToken);
        return creator with { Role = ApiKeyScopes.EffectiveRole(creator.Role, key.Scopes), ApiKeyId = key.Id, Scopes = key.Scopes, AgentId = key.AgentId };
    }

    public void UserChanged(Guid userId) => cache.Remove(UserKey(userId));

    public void ApiKeyRevoked(string keyHash) => cache.Remove(ApiKeyKey(keyHash));

    public void SessionRevoked(Guid familyId) => cache.Set(SessionKey(familyId), true, CacheLifetime);

    private async Task<bool> IsSessionRevokedAsync(Guid familyId, CancellationToken cancellationToken) =>
        await LoadOnceAsync(SessionKey(familyId), async () =>
        {
            await using var scope = scopes.CreateAsyncScope();
            var tokens = scope.ServiceProvider.GetRequiredService<RefreshTokenService>();
            return await tokens.IsSessionRevokedAsync(familyId, CancellationToken.None);
        }, cancellationToken);

    /// <summary>
    /// The cached answer, or one shared lookup for all concurrent callers that miss. The lookup itself is not
    /// cancelled by one caller (others wait for it); each caller's wait is.
    /// </summary>
    private async Task<T> LoadOnceAsync<T>(string key, Func<Task<T>> load, CancellationToken cancellationToken)
    {
        if (cache.TryGetValue(key, out T? cached))
        {
            return cached!;
        }

        var shared = _inflight.GetOrAdd(key, k => new Lazy<Task<object?>>(() => LoadAndCacheAsync(k, load)));
        return (T)(await shared.Value.WaitAsync(cancellationToken))!;
    }

    private async Task<object?> LoadAndCacheAsync<T>(string key, Func<Task<T>> load)
    {
        try
        {
            var value = await load();
            cache.Set(key, value, CacheLifetime);
            return value;
        }
        finally
        {
            _inflight.TryRemove(key, out _);
        }
    }

    private async Task TouchAsync(ApiKey key, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var touchKey = $"apikey-touch:{key.Id}";
        if (cache.TryGetValue(touchKey, out _))
        {
            return;
        }

        cache.Set(touchKey, true, LastUsedResolution);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        await db.ApiKeys.IgnoreQueryFilters().Where(k => k.Id == key.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.LastUsedAt, now), cancellationToken);
    }

    private static string UserKey(Guid userId) => $"user:{userId}";

    private static string ApiKeyKey(string hash) => $"apikey:{hash}";

    private static string SessionKey(Guid familyId) => $"session-revoked:{familyId}";
}
