using System.Xml;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Runtime;

/// <summary>The effective retry policy of a node: its own, else the definition's default, else no retries.</summary>
public sealed record RetryBackoff(int Max, TimeSpan Initial, double Factor, bool TransientOnly)
{
    public static readonly RetryBackoff None = new(0, TimeSpan.Zero, 1, true);

    public static RetryBackoff For(NodeDefinition node, WorkflowDefaults? defaults)
    {
        ArgumentNullException.ThrowIfNull(node);
        var own = node.Retry;
        var fallback = defaults?.Retry;
        if (own is null && fallback is null)
        {
            return None;
        }

        var initial = own?.Initial ?? fallback?.Initial;
        return new RetryBackoff(
            own?.Max ?? fallback?.Max ?? 0,
            initial is null ? TimeSpan.FromSeconds(1) : XmlConvert.ToTimeSpan(initial),
            own?.Factor ?? fallback?.Factor ?? 2,
            !string.Equals(own?.On ?? fallback?.On ?? "transient", "any", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The delay before attempt <paramref name="nextAttempt"/> (2 is the first retry).</summary>
    public TimeSpan DelayBefore(int nextAttempt) =>
        TimeSpan.FromTicks((long)Math.Min(TimeSpan.FromDays(1).Ticks, Initial.Ticks * Math.Pow(Factor, Math.Max(0, nextAttempt - 2))));

    public bool Allows(int failedAttempt, bool transient) => (transient || !TransientOnly) && failedAttempt <= Max;
}
