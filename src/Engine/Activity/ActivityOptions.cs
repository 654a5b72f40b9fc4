using System.ComponentModel.DataAnnotations;

namespace AgentFlow.Engine.Activity;

/// <summary>Settings under <c>AgentFlow:Activity</c>.</summary>
public sealed class ActivityOptions
{
    public const string SectionName = "AgentFlow:Activity";

    /// <value>
    /// Records waiting to be written. When full, new records are dropped (and counted), never waited for: an
    /// agent's tool call must not slow down because the database is. Default 100,000.
    /// </value>
    [Range(16, 10_000_000)]
    public int QueueCapacity { get; set; } = 100_000;

    /// <value>Most records written in one transaction. Default 500.</value>
    [Range(1, 10_000)]
    public int MaxBatchSize { get; set; } = 500;

    /// <value>Recent events kept in memory per organisation, for dashboard reads and SSE replay. Default 2,000.</value>
    [Range(1, 1_000_000)]
    public int RecentEventsPerOrganization { get; set; } = 2_000;

    /// <value>Events waiting for one slow SSE client before it is disconnected (it then resumes with Last-Event-ID). Default 1,000.</value>
    [Range(1, 1_000_000)]
    public int SubscriberQueueCapacity { get; set; } = 1_000;

    /// <value>Time between SSE heartbeat comments. Default 15 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);
}
