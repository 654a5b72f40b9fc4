using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Identity;

/// <summary>A new key; <c>AgentId</c> binds it to an agent of the caller's organisation (the runtime hook's credential).</summary>
public sealed record CreateApiKeyCommand(string? Name, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt, Guid? AgentId = null);

/// <summary>A key as just created: the plaintext exists only in this object and is never stored.</summary>
public sealed record CreatedApiKey(ApiKey Key, string Plaintext);

public sealed class ApiKeyService(AgentFlowDbContext db, IIdentityChangeNotifier changes, TimeProvider time)
{
    private const int MaxScopes = 8;

    public async Task<Page<ApiKey>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        return await db.ApiKeys.AsNoTracking().OrderByDescending(k => k.CreatedAt).ThenBy(k => k.Id).ToPageAsync(page, cancellationToken);
    }

    public async Task<CreatedApiKey> CreateAsync(CreateApiKeyCommand command, Actor creator, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        var name = errors.Text("name", command.Name, 128, required: true);
        var scopes = command.Scopes is null ? [ApiKeyScopes.All] : command.Scopes.Distinct(StringComparer.Ordinal).ToList();
        if (scopes.Count == 0 || scopes.Count > MaxScopes)
        {
            errors.Add("scopes", $"The scopes field must list between 1 and {MaxScopes} scopes.");
        }

        foreach (var unknown in scopes.Where(s => !ApiKeyScopes.IsKnown(s)))
        {
            errors.Add("scopes", $"Unknown scope '{Truncate(unknown)}'; known scopes: {string.Join(", ", ApiKeyScopes.Known)}.");
        }

        if (command.ExpiresAt is { } expiresAt && expiresAt <= now)
        {
            errors.Add("expiresAt", "The expiresAt field must be in the future.");
        }

        errors.ThrowIfAny();

        // Through the tenant filter: an agent of another organisation does not exist here (404, never a hint).
        if (command.AgentId is { } agentId && !await db.Agents.AnyAsync(a => a.Id == agentId, cancellationToken))
        {
            throw new ResourceNotFoundException("Agent", agentId.ToString());
        }

        var plaintext = SecretTokens.NewApiKey();
        var key = new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            Name = name!,
            KeyHash = SecretTokens.Sha256Hex(plaintext),
            KeyPrefix = plaintext[..SecretTokens.ApiKeyVisiblePrefixLength],
            Scopes = scopes,
            CreatedBy = creator.UserId,
            CreatedAt = now,
            ExpiresAt = command.ExpiresAt?.ToUniversalTime(),
            AgentId = command.AgentId,
        };
        db.ApiKeys.Add(key);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiKey(key, plaintext);
    }

    /// <summary>Soft revoke: the row stays for the audit trail, the key stops working at once.</summary>
    public async Task<ApiKey> RevokeAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var key = await db.ApiKeys.FirstOrDefaultAsync(k => k.Id == id, cancellationToken)
            ?? throw new ResourceNotFoundException("API key", id.ToString());
        if (key.RevokedAt is null)
        {
            key.RevokedAt = time.GetUtcNow();
            await db.SaveChangesAsync(cancellationToken);
            changes.ApiKeyRevoked(key.KeyHash);
        }

        return key;
    }

    private static string Truncate(string value) => value.Length <= 32 ? value : value[..32] + "…";
}
