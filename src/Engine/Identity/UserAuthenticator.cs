using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Identity;

/// <summary>Checks an email and password. Unknown emails cost as much time as wrong passwords, so timing does not reveal accounts.</summary>
public sealed class UserAuthenticator(AgentFlowDbContext db, IPasswordHasher hasher, PasswordDecoy decoy, TimeProvider time)
{
    public async Task<User?> AuthenticateAsync(string email, string password, CancellationToken cancellationToken = default)
    {
        var normalized = email.Trim().ToLowerInvariant();
        var user = await db.Users.IgnoreQueryFilters().FirstOrDefaultAsync(u => u.Email == normalized, cancellationToken);
        var verification = hasher.Verify(password, user?.PasswordHash ?? decoy.Hash);

        // A user without a password (SSO only) was checked against the decoy too, for the timing: never let that pass.
        if (user?.PasswordHash is null || verification == PasswordVerification.Failed)
        {
            return null;
        }

        if (verification == PasswordVerification.SuccessRehashNeeded)
        {
            user.PasswordHash = hasher.Hash(password);
        }

        user.LastLoginAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }
}

/// <summary>A hash of no one's password, computed once, verified against when the email is unknown.</summary>
public sealed class PasswordDecoy(IPasswordHasher hasher)
{
    // A random password per process: a fixed one in the source would be a password that verifies.
    private readonly Lazy<string> _hash = new(() => hasher.Hash(SecretTokens.NewOpaqueToken()));

    public string Hash => _hash.Value;
}
