using System.Globalization;

namespace AgentFlow.LoadTests;

/// <summary>
/// CPU time the whole machine spent busy (all processes), from <c>/proc/stat</c> on Linux. The benchmark shares the
/// machine with whatever else runs; comparing this with the Host's and the client's own CPU shows how much went elsewhere
/// (to PostgreSQL, or to other tenants of a shared machine).
/// </summary>
internal static class MachineCpu
{
    // /proc/stat counts in USER_HZ, which is 100 on every mainstream Linux build.
    private const double TicksPerSecond = 100;

    /// <summary>Busy time summed over all CPUs, or <see langword="null"/> where <c>/proc/stat</c> does not exist.</summary>
    public static TimeSpan? BusyTime()
    {
        try
        {
            using var reader = new StreamReader("/proc/stat");
            var line = reader.ReadLine();
            if (line is null || !line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                return null;
            }

            // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is already inside user.
            var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8)
                .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
            var busy = fields.Sum() - fields[3] - fields[4];
            return TimeSpan.FromSeconds(busy / TicksPerSecond);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    /// <summary>The 1-minute load average, or <see langword="null"/> off Linux.</summary>
    public static double? LoadAverage()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            return double.Parse(text.Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }
}
