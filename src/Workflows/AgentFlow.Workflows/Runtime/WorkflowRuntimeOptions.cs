namespace AgentFlow.Workflows.Runtime;

/// <summary>Tuning of the workflow runtime (section <c>AgentFlow:Workflows:Runtime</c>).</summary>
public sealed class WorkflowRuntimeOptions
{
    public const string SectionName = "AgentFlow:Workflows:Runtime";

    /// <summary>This node's name in leases and locks; the machine name plus a random suffix when not set.</summary>
    public string? NodeName { get; set; }

    /// <summary>How long a node owns an instance while it runs a burst.</summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a claimed work item stays invisible to other workers.</summary>
    public TimeSpan WorkItemLockDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often idle workers look for due work (new work also wakes them at once on this node).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How often the timer and schedule pollers run on every node.</summary>
    public TimeSpan TimerPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Steps one burst may run before it commits and continues in a new work item.</summary>
    public int MaxStepsPerBurst { get; set; } = 500;

    /// <summary>Work items one worker claims at a time.</summary>
    public int ClaimBatchSize { get; set; } = 32;

    /// <summary>Bursts this node runs in parallel.</summary>
    public int WorkerConcurrency { get; set; } = 4;

    /// <summary>How long a stimulus that matches no bookmark yet is kept before it is dead-lettered.</summary>
    public TimeSpan StimulusTimeToLive { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Delay before a retained stimulus is looked at again.</summary>
    public TimeSpan StimulusRetryDelay { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Attempts of a work item before it is dead-lettered.</summary>
    public int MaxWorkItemAttempts { get; set; } = 10;

    /// <summary>Attempts of an outbox message before it is marked failed.</summary>
    public int MaxOutboxAttempts { get; set; } = 8;

    /// <summary>Whether the background worker, pollers and dispatcher run in this process.</summary>
    public bool RunBackgroundServices { get; set; } = true;
}
