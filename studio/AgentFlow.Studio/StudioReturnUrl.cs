namespace AgentFlow.Studio;

/// <summary>Where to go after signing in: only a local path under the Studio, never another site.</summary>
public static class StudioReturnUrl
{
    public static string Sanitize(string? returnUrl) =>
        returnUrl is { Length: > 0 } url && url.StartsWith(StudioEndpoints.BasePath, StringComparison.Ordinal)
        && !url.StartsWith("//", StringComparison.Ordinal) && !url.Contains('\\', StringComparison.Ordinal)
        && (url.Length == StudioEndpoints.BasePath.Length || url[StudioEndpoints.BasePath.Length] is '/' or '?' or '#')
            ? url
            : StudioEndpoints.BasePath;
}
