using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Agents;

public sealed class Agent : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public string Role { get; set; } = "assistant";
    public AgentStatus Status { get; set; } = AgentStatus.Active;

    /// <summary>A JSON object, kept as the client sent it.</summary>
    public string Metadata { get; set; } = "{}";
    public Guid? CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum AgentStatus
{
    Active = 0,
    Archived = 1,
    Suspended = 2,
}

public static class AgentStatusNames
{
    public const string Active = "active";
    public const string Archived = "archived";
    public const string Suspended = "suspended";

    public static readonly IReadOnlyList<string> All = [Active, Archived, Suspended];

    public static string ToName(AgentStatus status) => status switch
    {
        AgentStatus.Archived => Archived,
        AgentStatus.Suspended => Suspended,
        _ => Active,
    };

    public static AgentStatus Parse(string name) => name switch
    {
        Archived => AgentStatus.Archived,
        Suspended => AgentStatus.Suspended,
        _ => AgentStatus.Active,
    };

    public static bool TryParse(string? name, out AgentStatus status)
    {
        status = Parse(name ?? string.Empty);
        return name is Active or Archived or Suspended;
    }
}
