using System.Diagnostics;

namespace AgentFlow.LoadTests;

/// <summary>Percentiles of measured latencies, in milliseconds, by the nearest-rank method over the sorted samples.</summary>
internal sealed record LatencySummary(double P50, double P90, double P99, double Max, double Mean)
{
    public static readonly LatencySummary Empty = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    /// <param name="samples">Durations in <see cref="Stopwatch"/> ticks; sorted in place.</param>
    public static LatencySummary FromTicks(long[] samples)
    {
        if (samples.Length == 0)
        {
            return Empty;
        }

        Array.Sort(samples);
        return new LatencySummary(
            Milliseconds(Percentile(samples, 0.50)),
            Milliseconds(Percentile(samples, 0.90)),
            Milliseconds(Percentile(samples, 0.99)),
            Milliseconds(samples[^1]),
            samples.Average(s => Milliseconds(s)));
    }

    /// <summary>The smallest sample with at least <paramref name="quantile"/> of all samples at or below it.</summary>
    public static long Percentile(long[] sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    private static double Milliseconds(long ticks) => ticks * 1000.0 / Stopwatch.Frequency;
}
