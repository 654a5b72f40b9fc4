using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Audit;

/// <summary>The columns shared by the live audit log and its archive.</summary>
public abstract class AuditRecordColumns : IOrgOwned
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public DateTimeOffset Timestamp { get; set; }

    /// <summary>User id, API key id, or <c>system</c>.</summary>
    public required string Actor { get; set; }
    public required string ActorType { get; set; }

    /// <summary><c>{resource}.{verb}</c>, e.g. <c>agent.create</c>.</summary>
    public required string Action { get; set; }
    public required string Resource { get; set; }

    /// <summary>A JSON object.</summary>
    public string Details { get; set; } = "{}";
    public string? Ip { get; set; }
    public string? RequestId { get; set; }
}

public sealed class AuditEntry : AuditRecordColumns;

/// <summary>An audit entry moved out of the live log by the retention job (archive-first policies).</summary>
public sealed class ArchivedAuditEntry : AuditRecordColumns
{
    public DateTimeOffset ArchivedAt { get; set; }
}

public static class ActorTypes
{
    public const string User = "user";
    public const string ApiKey = "api-key";
    public const string System = "system";
}
