using AgentFlow.Engine.Tenancy;

namespace AgentFlow.Engine.Retention;

/// <summary>How long the audit log of one organisation is kept. One row per organisation.</summary>
public sealed class RetentionPolicy : IOrgOwned
{
    public Guid OrgId { get; set; }
    public bool Enabled { get; set; }
    public int RetainDays { get; set; } = 365;

    /// <summary>Move expired entries to the archive table instead of deleting them outright.</summary>
    public bool ArchiveFirst { get; set; } = true;

    /// <summary>Audit actions to keep forever: an entry is kept when its action equals a tag or starts with <c>tag.</c>.</summary>
    public List<string> ExcludeTags { get; set; } = [];
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? LastAppliedAt { get; set; }
}
