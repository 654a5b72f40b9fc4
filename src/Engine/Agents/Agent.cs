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

    // The engine's side of the same agent (/api/engine/agents). An agent created through /api/agents starts
    // with these defaults: a draft with an empty configuration.

    /// <summary>The human-facing name; <see cref="Name"/> stays the unique handle.</summary>
    public string? DisplayName { get; set; }

    /// <summary>The lifecycle state as stored (see <see cref="AgentStates"/>), changed only through AgentLifecycleService.</summary>
    public string State { get; set; } = AgentStates.Draft;

    /// <summary>The engine configuration as a JSON object: identity (without the role, kept in <see cref="Role"/>), model and deployment.</summary>
    public string Config { get; set; } = "{}";

    /// <summary>The permission profile the agent runs under: a profile id or a preset name.</summary>
    public string? PermissionProfileId { get; set; }

    /// <summary>Starts at 1 and grows with each configuration change.</summary>
    public int ConfigVersion { get; set; } = 1;

    /// <summary>Monthly token budget, 0 meaning unlimited.</summary>
    public long TokenBudgetMonthly { get; set; }

    /// <summary>Monthly cost budget in millionths of a US dollar (like the activity tables), 0 meaning unlimited.</summary>
    public long CostBudgetMonthlyMicroUsd { get; set; }
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
