namespace AgentFlow.Engine.Identity;

/// <summary>
/// A single row written in the same transaction as the first owner. Its fixed primary key makes a second,
/// concurrent bootstrap fail on the database instead of creating two owners.
/// </summary>
public sealed class BootstrapMarker
{
    public const int SingletonId = 1;

    public int Id { get; set; } = SingletonId;
    public Guid OwnerId { get; set; }
    public DateTimeOffset CompletedAt { get; set; }
}
