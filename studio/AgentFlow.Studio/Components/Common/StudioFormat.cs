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
}
