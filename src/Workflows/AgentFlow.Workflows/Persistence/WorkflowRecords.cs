namespace AgentFlow.Workflows.Persistence;

/// <summary>Lifecycle of a stored definition version.</summary>
public enum DefinitionStatus
{
    /// <summary>Editable; never runs.</summary>
    Draft,

    /// <summary>The one version new instances start on.</summary>
    Published,

    /// <summary>A former published version; its running instances finish on it.</summary>
    Retired,
}

/// <summary>One version of a workflow definition (the row id is the version id instances are pinned to).</summary>
public sealed class WorkflowDefinitionRecord
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public string DefinitionId { get; set; } = "";
    public int Version { get; set; }
    public DefinitionStatus Status { get; set; }
    public bool IsLatest { get; set; }
    public string? Name { get; set; }
    public string ContentJson { get; set; } = "";
    public string ContentHash { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }
    public DateTimeOffset? RetiredAt { get; set; }
    public string? CreatedBy { get; set; }
}

/// <summary>An index row that starts new instances of a published version (HTTP route, event name, cron, timer).</summary>
public sealed class WorkflowTriggerRecord
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public string DefinitionId { get; set; } = "";
    public Guid DefinitionVersionId { get; set; }
    public string NodeId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Key { get; set; } = "";
    public string KeyHash { get; set; } = "";
    public string? PayloadJson { get; set; }
}

/// <summary>When a cron or timer trigger fires next; advanced by the schedule poller in the transaction that enqueues the fire.</summary>
public sealed class WorkflowScheduleRecord
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid TriggerId { get; set; }
    public Guid DefinitionVersionId { get; set; }
    public string Kind { get; set; } = "";
    public string Expression { get; set; } = "";
    public string TimeZone { get; set; } = "UTC";
    public DateTimeOffset? NextFireAt { get; set; }
    public DateTimeOffset? LastFireAt { get; set; }
}

/// <summary>Run-time status of an instance.</summary>
public enum InstanceStatus
{
    /// <summary>Has ready tokens (being run or queued to continue).</summary>
    Running,

    /// <summary>Every token waits on a bookmark.</summary>
    Suspended,

    /// <summary>Completed normally.</summary>
    Finished,

    /// <summary>Stopped by an unrecoverable failure (an open incident); can be retried.</summary>
    Faulted,

    /// <summary>Cancelled by a user.</summary>
    Cancelled,
}

/// <summary>A workflow instance: its state document, fenced by <see cref="RowVersion"/> and owned through a lease.</summary>
public sealed class WorkflowInstanceRecord
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public string DefinitionId { get; set; } = "";
    public Guid DefinitionVersionId { get; set; }
    public int DefinitionVersion { get; set; }
    public InstanceStatus Status { get; set; }
    public string? SubStatus { get; set; }
    public string? CorrelationId { get; set; }
    public Guid? ParentInstanceId { get; set; }
    public string StateJson { get; set; } = "{}";
    public long RowVersion { get; set; }
    public string? LeaseOwner { get; set; }
    public DateTimeOffset? LeaseUntil { get; set; }
    public int IncidentCount { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }
    public string? StartIdempotencyKey { get; set; }
}

/// <summary>A durable wait of a token; timers and retries carry <see cref="DueAt"/>.</summary>
public sealed class BookmarkRecord
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid InstanceId { get; set; }
    public Guid TokenId { get; set; }
    public string NodeId { get; set; } = "";
    public string Kind { get; set; } = "";
    public string Key { get; set; } = "";
    public string KeyHash { get; set; } = "";
    public string? PayloadJson { get; set; }
    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A durable request to start, resume or continue an instance, claimed by one worker at a time.</summary>
public sealed class WorkItemRecord
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public string Kind { get; set; } = "";
    public Guid? InstanceId { get; set; }
    public Guid? BookmarkId { get; set; }
    public string? PayloadJson { get; set; }
    public string IdempotencyKey { get; set; } = "";
    public DateTimeOffset AvailableAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public int Attempts { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? DeadLetteredAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A side effect to perform after its burst committed, at least once, with the row id as idempotency key.</summary>
public sealed class OutboxRecord
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid InstanceId { get; set; }
    public string Kind { get; set; } = "";
    public string PayloadJson { get; set; } = "{}";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset NextAttemptAt { get; set; }
    public int Attempts { get; set; }
    public string? LockedBy { get; set; }
    public DateTimeOffset? LockedUntil { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public DateTimeOffset? FailedAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>An append-only journal entry of an instance, numbered per instance.</summary>
public sealed class JournalRecord
{
    public Guid InstanceId { get; set; }
    public long Seq { get; set; }
    public Guid OrgId { get; set; }
    public DateTimeOffset At { get; set; }
    public string? NodeId { get; set; }
    public Guid? TokenId { get; set; }
    public string Event { get; set; } = "";
    public string? DataJson { get; set; }

    /// <summary>The instance row version the entry's burst committed (one burst, one value).</summary>
    public long Burst { get; set; }

    /// <summary>The node that ran the burst.</summary>
    public string? Worker { get; set; }
}

/// <summary>A failure that needs attention: an exhausted retry, a broken expression, an activity error.</summary>
public sealed class IncidentRecord
{
    public Guid Id { get; set; }
    public Guid OrgId { get; set; }
    public Guid InstanceId { get; set; }
    public string NodeId { get; set; } = "";
    public Guid? TokenId { get; set; }
    public DateTimeOffset At { get; set; }
    public string Message { get; set; } = "";
    public string? ErrorJson { get; set; }
    public int Attempt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}

/// <summary>Remembers that a stimulus was applied to an instance, so a redelivery is a no-op.</summary>
public sealed class ProcessedStimulusRecord
{
    public Guid InstanceId { get; set; }
    public string StimulusId { get; set; } = "";
    public DateTimeOffset ProcessedAt { get; set; }
}
