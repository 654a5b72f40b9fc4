using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace AgentFlow.LoadTests;

/// <summary>The results as an aligned console table and as markdown.</summary>
internal static class Report
{
    private static readonly string[] Headers =
        ["Database", "Scenario", "Clients", "Requests", "Req/s", "p50 ms", "p90 ms", "p99 ms", "Max ms", "Errors", "Host CPU", "Client CPU", "Machine CPU", "Load"];

    public static string Table(IReadOnlyList<ScenarioResult> results)
    {
        var rows = results.Select(Cells).ToList();
        var widths = Headers.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        var text = new StringBuilder();
        text.AppendLine(Line(Headers, widths));
        text.AppendLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows)
        {
            text.AppendLine(Line(row, widths));
        }

        text.Append(Legend);
        return text.ToString();
    }

    private const string Legend =
        "Host CPU / Client CPU / Machine CPU: cores used while measuring by the server, by this load generator, and by everything on the machine " +
        "(the difference is PostgreSQL and other processes). Load: 1-minute load average at the end.";

    public static string Markdown(IReadOnlyList<ScenarioResult> results, BenchmarkSettings settings)
    {
        var text = new StringBuilder();
        var now = TimeProvider.System.GetUtcNow();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured {now:yyyy-MM-dd HH:mm} UTC on {Environment.ProcessorCount} logical CPUs, {RuntimeInformation.OSDescription}, {RuntimeInformation.FrameworkDescription}.");
        text.AppendLine(CultureInfo.InvariantCulture, $"Command: `dotnet run -c Release --project tests/benchmarks/AgentFlow.LoadTests -- {settings.CommandLine}`");
        var measured = settings.Requests is { } n
            ? string.Create(CultureInfo.InvariantCulture, $"{n} requests")
            : string.Create(CultureInfo.InvariantCulture, $"{settings.Duration.TotalSeconds:0.#} s");
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{settings.Concurrency} clients; warm-up {settings.Warmup.TotalSeconds:0.#} s, then {measured} per scenario; {settings.Agents:N0} agents, list limit {settings.Limit}.");
        text.AppendLine();
        text.AppendLine("| " + string.Join(" | ", Headers) + " |");
        text.AppendLine("|" + string.Join("|", Headers.Select((_, i) => i < 2 ? "---" : "---:")) + "|");
        foreach (var row in results.Select(Cells))
        {
            text.AppendLine("| " + string.Join(" | ", row) + " |");
        }

        text.AppendLine();
        text.AppendLine(Legend);
        return text.ToString();
    }

    private static string[] Cells(ScenarioResult r) =>
    [
        r.Database,
        r.Scenario,
        Number(r.Concurrency, "0"),
        Number(r.Count, "N0"),
        Number(r.Throughput, "0.0"),
        Number(r.Latency.P50, "0.00"),
        Number(r.Latency.P90, "0.00"),
        Number(r.Latency.P99, "0.00"),
        Number(r.Latency.Max, "0.00"),
        Number(r.Errors, "0"),
        Number(r.ServerCores, "0.00"),
        Number(r.ClientCores, "0.00"),
        Number(r.MachineCores, "0.00"),
        Number(r.LoadAverage ?? double.NaN, "0.0"),
    ];

    private static string Number(double value, string format) => double.IsNaN(value) ? "-" : value.ToString(format, CultureInfo.InvariantCulture);

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i < 2 ? c.PadRight(widths[i]) : c.PadLeft(widths[i])));
}
