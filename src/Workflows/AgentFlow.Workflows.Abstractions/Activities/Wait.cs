using System.Text.Json.Nodes;

namespace AgentFlow.Workflows.Activities;

/// <summary>What a suspended token waits for.</summary>
public enum WaitKind
{
    /// <summary>A named signal sent to the instance.</summary>
    Signal,

    /// <summary>A human decision.</summary>
    Approval,

    /// <summary>An HTTP request to a workflow route.</summary>
    Http,

    /// <summary>An event published to the platform.</summary>
    Event,

    /// <summary>A point in time.</summary>
    Timer,

    /// <summary>An external job reporting back.</summary>
    Job,

    /// <summary>The next attempt of a failed step (a retry is a durable timer).</summary>
    Retry,

    /// <summary>A child workflow instance finishing.</summary>
    Child,
}

/// <summary>A durable wait of a suspended token.</summary>
/// <param name="Kind">What is waited for.</param>
/// <param name="Key">What identifies the matching stimulus (e.g. a signal name, an approval id, a route).</param>
/// <param name="Payload">Extra data the stimulus matcher or the designer needs.</param>
/// <param name="DueAt">When a timer or retry wait falls due.</param>
public sealed record Wait(WaitKind Kind, string Key, JsonNode? Payload = null, DateTimeOffset? DueAt = null);

/// <summary>The stimulus that satisfied a wait, handed to <see cref="IActivity.ResumeAsync"/>.</summary>
/// <param name="Kind">The kind of the satisfied wait.</param>
/// <param name="Key">The key of the satisfied wait.</param>
/// <param name="Payload">The data the stimulus carried.</param>
public sealed record ResumeEvent(WaitKind Kind, string Key, JsonNode? Payload = null);

/// <summary>A side effect an activity asks for; performed after the step is committed, at least once.</summary>
/// <param name="Kind">What to do (e.g. "email", "http", "job.start").</param>
/// <param name="Payload">The data the dispatcher needs.</param>
public sealed record OutboxMessage(string Kind, JsonNode? Payload = null);
