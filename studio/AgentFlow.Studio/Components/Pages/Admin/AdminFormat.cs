using System.Globalization;

namespace AgentFlow.Studio.Components.Pages.Admin;

/// <summary>How the administration pages show times and limits.</summary>
internal static class AdminFormat
{
    public static string Time(DateTimeOffset? value) =>
        value is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture) : "—";

    public static string Date(DateTimeOffset? value) =>
        value is { } t ? t.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture) : "—";

    /// <summary>The plans write "unlimited" as 999,999 (a real number, so checks stay one comparison); 0 means no limit.</summary>
    public static bool IsUnlimited(long limit) => limit is <= 0 or 999_999;

    public static string Limit(long limit) => IsUnlimited(limit) ? "unlimited" : limit.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
