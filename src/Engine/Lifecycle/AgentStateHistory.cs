using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Lifecycle;

/// <summary>One lifecycle transition of an agent, written in the same transaction as the state it produced. All are kept; reads page.</summary>
public sealed class AgentStateHistory : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid AgentId { get; set; }

    /// <summary>1, 2, 3… per agent: the order of its transitions, even when two share a timestamp.</summary>
    public long Sequence { get; set; }

    /// <summary>The state before, <see langword="null"/> for the row written when the agent was created.</summary>
    public string? From { get; set; }
    public required string To { get; set; }

    /// <summary>The trigger's API name (<see cref="AgentTriggerNames"/>), or <c>create</c>.</summary>
    public required string Trigger { get; set; }
    public string? Reason { get; set; }

    /// <summary>Who fired it: a user id, or <see cref="AgentActors.System"/> / <see cref="AgentActors.HealthMonitor"/>.</summary>
    public required string Actor { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>The non-user actors of the state history.</summary>
public static class AgentActors
{
    public const string System = "system";
    public const string HealthMonitor = "health-monitor";

    public static string Of(Guid? userId) => userId?.ToString() ?? System;
}
