using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Activities;

/// <summary>
/// How an activity ends a step: <see cref="Completed"/>, <see cref="Suspended"/> or <see cref="Failed"/>.
/// The hierarchy is closed (private constructor); create results with <c>Complete</c>, <see cref="Suspend"/> and <see cref="Fail"/>.
/// </summary>
public abstract record ActivityResult
{
    private static readonly IReadOnlyDictionary<string, JsonNode?> NoOutputs = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);

    private ActivityResult()
    {
    }

    /// <summary>Completes the step; the token leaves through the given outcomes.</summary>
    /// <param name="outcomes">The outcomes taken; <c>Done</c> when none are given.</param>
    /// <param name="outputs">The output values by output name.</param>
    /// <returns>A <see cref="Completed"/> result.</returns>
    public static ActivityResult Complete(IEnumerable<string>? outcomes = null, IReadOnlyDictionary<string, JsonNode?>? outputs = null)
    {
        string[] taken = outcomes is null ? [EdgeDefinition.DefaultOutcome] : [.. outcomes];
        if (taken.Any(string.IsNullOrWhiteSpace))
        {
            throw new ArgumentException("An outcome must not be empty.", nameof(outcomes));
        }

        return new Completed(taken, outputs ?? NoOutputs);
    }

    /// <summary>Completes the step through a single outcome.</summary>
    /// <param name="outcome">The outcome taken.</param>
    /// <param name="outputs">The output values by output name.</param>
    /// <returns>A <see cref="Completed"/> result.</returns>
    public static ActivityResult Complete(string outcome, IReadOnlyDictionary<string, JsonNode?>? outputs = null) =>
        Complete([outcome], outputs);

    /// <summary>Suspends the token until one of the waits is satisfied (several waits: the first one wins).</summary>
    /// <param name="waits">At least one wait.</param>
    /// <returns>A <see cref="Suspended"/> result.</returns>
    public static ActivityResult Suspend(params IEnumerable<Wait> waits)
    {
        ArgumentNullException.ThrowIfNull(waits);
        Wait[] list = [.. waits];
        if (list.Length == 0)
        {
            throw new ArgumentException("A suspended activity must wait for at least one thing.", nameof(waits));
        }

        return new Suspended(list);
    }

    /// <summary>Fails the step.</summary>
    /// <param name="error">What went wrong.</param>
    /// <param name="transient">Whether retrying may succeed (the retry policy applies only then).</param>
    /// <returns>A <see cref="Failed"/> result.</returns>
    public static ActivityResult Fail(string error, bool transient = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(error);
        return new Failed(error, transient);
    }

    /// <summary>The step completed.</summary>
    public sealed record Completed : ActivityResult
    {
        internal Completed(IReadOnlyList<string> outcomes, IReadOnlyDictionary<string, JsonNode?> outputs)
        {
            Outcomes = outcomes;
            Outputs = outputs;
        }

        /// <summary>The outcomes the token leaves through (one token per outcome).</summary>
        public IReadOnlyList<string> Outcomes { get; }

        /// <summary>The output values by output name.</summary>
        public IReadOnlyDictionary<string, JsonNode?> Outputs { get; }
    }

    /// <summary>The step suspended the token.</summary>
    public sealed record Suspended : ActivityResult
    {
        internal Suspended(IReadOnlyList<Wait> waits) => Waits = waits;

        /// <summary>What the token waits for; the first satisfied wait resumes it.</summary>
        public IReadOnlyList<Wait> Waits { get; }
    }

    /// <summary>The step failed.</summary>
    public sealed record Failed : ActivityResult
    {
        internal Failed(string error, bool transient)
        {
            Error = error;
            Transient = transient;
        }

        /// <summary>What went wrong.</summary>
        public string Error { get; }

        /// <summary>Whether retrying may succeed.</summary>
        public bool Transient { get; }
    }
}
