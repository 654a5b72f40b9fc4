using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Persistence;

namespace AgentFlow.Workflows.Runtime;

/// <summary>Bookmark kinds as stored: the wait kinds plus the runtime's own boundary timeouts.</summary>
public static class BookmarkKinds
{
    /// <summary>A node's boundary timer (<c>timeout</c> in the definition).</summary>
    public const string Timeout = "timeout";

    public static string Of(WaitKind kind) => kind switch
    {
        WaitKind.Signal => "signal",
        WaitKind.Approval => "approval",
        WaitKind.Http => "http",
        WaitKind.Event => "event",
        WaitKind.Timer => "timer",
        WaitKind.Job => "job",
        WaitKind.Retry => "retry",
        WaitKind.Child => "child",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static WaitKind? Parse(string kind) => kind switch
    {
        "signal" => WaitKind.Signal,
        "approval" => WaitKind.Approval,
        "http" => WaitKind.Http,
        "event" => WaitKind.Event,
        "timer" => WaitKind.Timer,
        "job" => WaitKind.Job,
        "retry" => WaitKind.Retry,
        "child" => WaitKind.Child,
        _ => null,
    };
}

/// <summary>What a burst is run for.</summary>
public abstract record BurstTrigger
{
    private BurstTrigger()
    {
    }

    /// <summary>A new instance: one token at the start node (resumed with the trigger's stimulus when a trigger started it).</summary>
    public sealed record Start(string StartNodeId, PendingResume? TriggerEvent) : BurstTrigger;

    /// <summary>A bookmark was satisfied.</summary>
    public sealed record ResumeBookmark(BookmarkRecord Bookmark, JsonNode? Payload) : BurstTrigger;

    /// <summary>A capped burst goes on with its ready tokens.</summary>
    public sealed record ContinueBurst : BurstTrigger;

    /// <summary>A user cancels the instance.</summary>
    public sealed record Cancel(string Reason) : BurstTrigger;

    /// <summary>A user retries the faulted tokens of a faulted instance.</summary>
    public sealed record Retry : BurstTrigger;
}

/// <summary>A bookmark created by a burst.</summary>
public sealed record NewBookmark(Guid Id, Guid TokenId, string NodeId, string Kind, string Key, JsonNode? Payload, DateTimeOffset? DueAt);

/// <summary>A journal entry produced by a burst (numbered by the burst).</summary>
public sealed record JournalEntry(long Seq, DateTimeOffset At, string? NodeId, Guid? TokenId, string Event, JsonNode? Data);

/// <summary>An incident opened by a burst.</summary>
public sealed record IncidentEntry(Guid Id, string NodeId, Guid? TokenId, DateTimeOffset At, string Message, int Attempt);

/// <summary>The synchronous reply an <c>http.respond</c> node produced for the request that drove the burst.</summary>
public sealed record HttpReply(int Status, JsonObject? Headers, JsonNode? Body);

/// <summary>Everything one burst changed; committed atomically or not at all.</summary>
public sealed class BurstResult
{
    public required InstanceState State { get; init; }
    public InstanceStatus Status { get; set; }
    public string? SubStatus { get; set; }

    /// <summary>False when the trigger did not apply (e.g. the bookmark's token no longer waits): nothing to commit.</summary>
    public bool Applied { get; set; } = true;

    public List<Guid> DeletedBookmarks { get; } = [];
    public List<NewBookmark> NewBookmarks { get; } = [];
    public List<JournalEntry> Journal { get; } = [];
    public List<OutboxMessage> Outbox { get; } = [];
    public List<IncidentEntry> Incidents { get; } = [];

    /// <summary>The burst hit its step cap with tokens still ready: a <c>continue</c> work item follows.</summary>
    public bool NeedsContinue { get; set; }

    public HttpReply? HttpReply { get; set; }

    public int Steps { get; set; }

    public bool IsFinal => Status is InstanceStatus.Finished or InstanceStatus.Cancelled or InstanceStatus.Faulted;
}
