using AgentFlow.Studio.Components.Common;
using System.Globalization;

namespace AgentFlow.Studio.Components.Pages.Admin;

/// <summary>How the administration pages show times and limits.</summary>
internal static class AdminFormat
{
    public static string Time(DateTimeOffset? value) =>
        value is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";

    public static string Date(DateTimeOffset? value) =>
        value is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";

    public static bool IsUnlimited(long limit) => StudioFormat.IsUnlimited(limit);

    public static string Limit(long limit) => StudioFormat.Limit(limit);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
