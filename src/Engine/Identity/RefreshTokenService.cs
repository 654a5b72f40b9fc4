using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Identity;

public enum RefreshOutcome
{
    Rotated,

    /// <summary>Unknown, expired or revoked.</summary>
    Invalid,

    /// <summary>Already used once: the token leaked, its whole family is now revoked.</summary>
    Reused,
}

public sealed record RefreshResult(RefreshOutcome Outcome, User? User = null, IssuedRefreshToken? Next = null);

public sealed record IssuedRefreshToken(string Token, Guid FamilyId, DateTimeOffset ExpiresAt);

/// <summary>
/// Opaque, single-use refresh tokens stored as SHA-256. Because a refresh token is not a JWT, it can never be
/// mistaken for an access token.
/// </summary>
public sealed class RefreshTokenService(AgentFlowDbContext db, IIdentityChangeNotifier changes, TimeProvider time)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    public async Task<IssuedRefreshToken> IssueAsync(User user, Guid? familyId = null, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var plaintext = SecretTokens.NewOpaqueToken();
        var token = new RefreshToken
        {
            Id = Guid.CreateVersion7(now),
            OrgId = user.OrgId,
            UserId = user.Id,
            FamilyId = familyId ?? Guid.CreateVersion7(now),
            TokenHash = SecretTokens.Sha256Hex(plaintext),
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        };
        db.RefreshTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return new IssuedRefreshToken(plaintext, token.FamilyId, token.ExpiresAt);
    }

    public async Task<RefreshResult> RotateAsync(string plaintext, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        var hash = SecretTokens.Sha256Hex(plaintext);
        var token = await db.RefreshTokens.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(t => t.TokenHash == hash, cancellationToken);
        if (token is null || token.RevokedAt is not null || token.ExpiresAt <= now)
        {
            return new RefreshResult(RefreshOutcome.Invalid);
        }

        // Claim the token with a conditional update so two concurrent refreshes cannot both win.
        var claimed = await db.RefreshTokens.IgnoreQueryFilters()
            .Where(t => t.Id == token.Id && t.ConsumedAt == null && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.ConsumedAt, now), cancellationToken);
        if (claimed == 0)
        {
            await RevokeFamilyAsync(token.FamilyId, cancellationToken);
            return new RefreshResult(RefreshOutcome.Reused);
        }

        var user = await db.Users.IgnoreQueryFilters().AsNoTracking().FirstOrDefaultAsync(u => u.Id == token.UserId, cancellationToken);
        if (user is null)
        {
            return new RefreshResult(RefreshOutcome.Invalid);
        }

        var next = await IssueAsync(user, token.FamilyId, cancellationToken);
        return new RefreshResult(RefreshOutcome.Rotated, user, next);
    }

    /// <summary>Revokes the family the token belongs to (logout). Unknown tokens are ignored.</summary>
    public async Task<Guid?> RevokeAsync(string plaintext, CancellationToken cancellationToken = default)
    {
        var hash = SecretTokens.Sha256Hex(plaintext);
        var familyId = await db.RefreshTokens.IgnoreQueryFilters().Where(t => t.TokenHash == hash).Select(t => (Guid?)t.FamilyId).FirstOrDefaultAsync(cancellationToken);
        if (familyId is { } id)
        {
            await RevokeFamilyAsync(id, cancellationToken);
        }

        return familyId;
    }

    public async Task RevokeFamilyAsync(Guid familyId, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow();
        await db.RefreshTokens.IgnoreQueryFilters()
            .Where(t => t.FamilyId == familyId && t.RevokedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.RevokedAt, now), cancellationToken);
        changes.SessionRevoked(familyId);
    }

    /// <summary>Whether the session (token family) behind an access token was logged out or revoked.</summary>
    public Task<bool> IsSessionRevokedAsync(Guid familyId, CancellationToken cancellationToken = default) =>
        db.RefreshTokens.IgnoreQueryFilters().AnyAsync(t => t.FamilyId == familyId && t.RevokedAt != null, cancellationToken);
}
