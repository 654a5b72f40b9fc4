using System.Globalization;

namespace AgentFlow.Studio.Components.Common;

/// <summary>
/// Number formats shared by the pages. The Host runs with invariant globalization, where no culture-specific
/// currency format exists, so money is written out by hand.
/// </summary>
public static class StudioFormat
{
    public static string Usd(decimal value) =>
        (value < 0 ? "-$" : "$") + Math.Abs(value).ToString("N2", CultureInfo.InvariantCulture);

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    /// <summary>The plans write "unlimited" as 999,999 (a real number, so checks stay one comparison); 0 means no limit.</summary>
    public static bool IsUnlimited(long limit) => limit is <= 0 or 999_999;

    public static string Limit(long limit) => IsUnlimited(limit) ? "unlimited" : Count(limit);
}
