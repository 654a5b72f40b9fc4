namespace AgentFlow.Engine.Identity;

/// <summary>
/// Told when something that authentication caches changes (a user's role, a revoked key or session), so the
/// change takes effect at once on this node; other nodes see it when their short cache entries expire.
/// </summary>
public interface IIdentityChangeNotifier
{
    void UserChanged(Guid userId);

    void ApiKeyRevoked(string keyHash);

    void SessionRevoked(Guid familyId);
}
