using System.Reflection;
using System.Text.RegularExpressions;

namespace AgentFlow.LoadTests;

/// <summary>The validated command line.</summary>
internal sealed partial record BenchmarkSettings(
    IReadOnlyList<DatabaseKind> Databases,
    int Concurrency,
    TimeSpan Duration,
    TimeSpan Warmup,
    int? Requests,
    IReadOnlyList<string> Scenarios,
    int Agents,
    int Limit,
    string? PostgresServer,
    string HostDll,
    FileInfo? Markdown,
    string CommandLine)
{
    /// <summary>The build configuration of this program; the Host found by default was built the same way.</summary>
    public static string Configuration { get; } =
        typeof(BenchmarkSettings).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";

    /// <exception cref="ArgumentException">An option is out of range or the Host cannot be found.</exception>
    public static BenchmarkSettings Create(
        string database, int concurrency, double durationSeconds, double warmupSeconds, int? requests, string scenarios,
        int agents, int limit, string? postgresServer, FileInfo? hostDll, FileInfo? markdown, string commandLine)
    {
        DatabaseKind[] databases = database switch
        {
            "sqlite" => [DatabaseKind.Sqlite],
            "postgres" => [DatabaseKind.Postgres],
            _ => [DatabaseKind.Sqlite, DatabaseKind.Postgres],
        };
        if (databases.Contains(DatabaseKind.Postgres) && string.IsNullOrWhiteSpace(postgresServer))
        {
            throw new ArgumentException(
                $"PostgreSQL needs a server: pass --postgres \"Host=127.0.0.1;Username=postgres;Password=postgres\" or set {BenchmarkDatabase.PostgresServerVariable} (or use --database sqlite).");
        }

        if (concurrency < 1)
        {
            throw new ArgumentException("--concurrency must be at least 1.");
        }

        if (durationSeconds <= 0 || warmupSeconds < 0)
        {
            throw new ArgumentException("--duration must be positive and --warmup not negative.");
        }

        if (requests is < 1)
        {
            throw new ArgumentException("--requests must be at least 1.");
        }

        if (agents < 0 || limit is < 1 or > 200)
        {
            throw new ArgumentException("--agents must not be negative and --limit must be between 1 and 200.");
        }

        var selected = scenarios.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = selected.Except(LoadTests.Scenarios.All, StringComparer.Ordinal).ToList();
        if (selected.Length == 0 || unknown.Count > 0)
        {
            throw new ArgumentException($"Unknown scenario(s) {string.Join(", ", unknown)}; choose from {string.Join(", ", LoadTests.Scenarios.All)}.");
        }

        return new BenchmarkSettings(databases, concurrency, TimeSpan.FromSeconds(durationSeconds), TimeSpan.FromSeconds(warmupSeconds), requests,
            selected, agents, limit, postgresServer, ResolveHostDll(hostDll), markdown, commandLine);
    }

    /// <summary>The arguments as a shell would take them back, with any database password masked (reports get committed).</summary>
    public static string DescribeCommandLine(IEnumerable<string> args) =>
        string.Join(' ', args.Select(a => PasswordSetting().Replace(a, "${key}***")).Select(a => a.Any(c => char.IsWhiteSpace(c) || c is ';' or '"' or '\'' or '$') ? $"\"{a}\"" : a));

    [GeneratedRegex("(?<key>Password=)[^;]*", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PasswordSetting();

    private static string ResolveHostDll(FileInfo? explicitDll)
    {
        if (explicitDll is not null)
        {
            return explicitDll.Exists ? explicitDll.FullName : throw new ArgumentException($"--host-dll {explicitDll.FullName} does not exist.");
        }

        // Walk up from this program's output folder to the repository root (the folder holding AgentFlow.sln).
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "AgentFlow.sln")))
            {
                var dll = Path.Combine(directory.FullName, "src", "Host", "bin", Configuration, "net10.0", "AgentFlow.Host.dll");
                return File.Exists(dll)
                    ? dll
                    : throw new ArgumentException($"The Host is not built at {dll}: run `dotnet build -c {Configuration} src/Host` or pass --host-dll.");
            }
        }

        throw new ArgumentException("Cannot find the repository root (AgentFlow.sln) above this program; pass --host-dll.");
    }
}
