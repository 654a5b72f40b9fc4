using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.LoadTests;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace AgentFlow.StudioBench;

/// <summary>
/// Time to first render of the Studio in the system's Chromium, on the real Host in this process (Kestrel on
/// loopback, SQLite, Production environment): (a) the overview with 20 agents; (b) the workflow designer with a
/// 50-node workflow. Each sample is a fresh page in a signed-in browser context, timed from navigation start to
/// (1) the first contentful paint (the prerendered shell) and (2) the data drawn: the overview tiles, or all 50
/// nodes on the canvas. The first samples are warm-up and not counted.
/// </summary>
/// <remarks>An explicit Main, not top-level statements: the Host this program links has its own global <c>Program</c>.</remarks>
internal static class StudioBenchProgram
{
    private const string AdminEmail = "bench-admin@example.com";
    private const string AdminPassword = "bench-password-1234";
    private const string DesignerWorkflowId = "bench-fifty-nodes";
    private const int DesignerNodes = 50;

    private static readonly string[] ChromiumArgs =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
    ];

    public static Task<int> Main(string[] args)
    {
        var samples = new Option<int>("--samples") { Description = "Measured page loads per page.", DefaultValueFactory = _ => 20 };
        var warmup = new Option<int>("--warmup") { Description = "Page loads before measuring.", DefaultValueFactory = _ => 3 };
        var chromium = new Option<string>("--chromium") { Description = "The Chromium executable.", DefaultValueFactory = _ => "/usr/bin/chromium" };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the results as markdown to this file." };
        var root = new RootCommand("AgentFlow Studio first-render benchmark.") { samples, warmup, chromium, markdown };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var report = await RunAsync(parse.GetValue(samples), parse.GetValue(warmup), parse.GetValue(chromium)!, cancellationToken);
            Console.WriteLine();
            Console.WriteLine(report);
            if (parse.GetValue(markdown) is { } file)
            {
                await File.WriteAllTextAsync(file.FullName, report, cancellationToken);
            }

            return 0;
        });
        return root.Parse(args).InvokeAsync();
    }

    private static async Task<string> RunAsync(int samples, int warmup, string chromium, CancellationToken cancellationToken)
    {
        var data = Path.Combine(Path.GetTempPath(), "agentflow-studiobench", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(data);
        await using var factory = new BenchHost(data);
        factory.UseKestrel(0);
        factory.StartServer();
        var address = factory.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var baseAddress = new Uri(address.TrimEnd('/') + "/");

        using var api = new HttpClient { BaseAddress = baseAddress };
        var token = (await (await api.PostAsJsonAsync("auth/login", new { email = AdminEmail, password = AdminPassword }, cancellationToken))
            .Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await SeedAsync(api, cancellationToken);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = chromium, Headless = true, Args = ChromiumArgs });
        await using var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = 1280, Height = 800 },
        });
        await SignInAsync(context);

        Console.WriteLine($"Overview: {warmup} warm-up + {samples} samples…");
        var overview = await MeasureAsync(context, "/studio", page => page.Locator("[data-testid=tile-agents]").WaitForAsync(), warmup, samples);
        Console.WriteLine($"Designer ({DesignerNodes} nodes): {warmup} warm-up + {samples} samples…");
        var designer = await MeasureAsync(context, $"/studio/workflows/{DesignerWorkflowId}",
            page => Assertions.Expect(page.Locator("[data-testid=designer-node]")).ToHaveCountAsync(DesignerNodes, new() { Timeout = 30_000 }), warmup, samples);
        return Report(samples, warmup, overview, designer);
    }

    /// <summary>20 agents for the overview, and a 50-node chain (start, 48 log steps, end) for the designer.</summary>
    private static async Task SeedAsync(HttpClient api, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 20; i++)
        {
            var created = await api.PostAsJsonAsync("api/agents", new { name = $"bench-agent-{i:00}", role = "assistant" }, cancellationToken);
            created.EnsureSuccessStatusCode();
        }

        var nodes = new JsonArray { new JsonObject { ["id"] = "start", ["type"] = "core.start" } };
        var edges = new JsonArray();
        var layout = new JsonObject { ["start"] = new JsonArray(0, 0) };
        var previous = "start";
        for (var i = 1; i < DesignerNodes - 1; i++)
        {
            var id = $"step{i:00}";
            nodes.Add(new JsonObject
            {
                ["id"] = id,
                ["type"] = "core.log",
                ["inputs"] = new JsonObject { ["message"] = new JsonObject { ["liquid"] = $"Step {i} of {{{{ input.name }}}}" } },
            });
            edges.Add(new JsonObject { ["from"] = previous, ["to"] = id });
            layout[id] = new JsonArray(i % 8 * 220, i / 8 * 140);
            previous = id;
        }

        nodes.Add(new JsonObject { ["id"] = "end", ["type"] = "core.end" });
        edges.Add(new JsonObject { ["from"] = previous, ["to"] = "end" });
        layout["end"] = new JsonArray(0, (DesignerNodes / 8 + 1) * 140);
        var definition = new JsonObject
        {
            ["schema"] = "wf/1",
            ["definitionId"] = DesignerWorkflowId,
            ["name"] = "Fifty nodes",
            ["inputs"] = new JsonArray(new JsonObject { ["name"] = "name", ["type"] = "string" }),
            ["nodes"] = nodes,
            ["edges"] = edges,
            ["layout"] = layout,
        };
        using var content = new StringContent(definition.ToJsonString(), Encoding.UTF8, "application/json");
        var response = await api.PostAsync("api/workflows/definitions", content, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"Creating the 50-node workflow failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }
    }

    private static async Task SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/studio/login");
        await page.FillAsync("#email", AdminEmail);
        await page.FillAsync("#password", AdminPassword);
        await page.ClickAsync("[data-testid=login-submit]");
        await page.Locator("[data-testid=tile-agents]").WaitForAsync();
        await page.CloseAsync();
    }

    private static async Task<(LatencySummary Paint, LatencySummary Rendered)> MeasureAsync(
        IBrowserContext context, string path, Func<IPage, Task> rendered, int warmup, int samples)
    {
        var paints = new List<long>();
        var renders = new List<long>();
        for (var i = 0; i < warmup + samples; i++)
        {
            var page = await context.NewPageAsync();
            var watch = Stopwatch.StartNew();
            await page.GotoAsync(path, new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
            await rendered(page);
            var renderTicks = watch.ElapsedTicks;

            // The browser's own clock for the first paint, relative to the navigation start.
            var paintMs = await page.EvaluateAsync<double>(
                "() => (performance.getEntriesByName('first-contentful-paint')[0] || { startTime: -1 }).startTime");
            await page.CloseAsync();
            if (i < warmup)
            {
                continue;
            }

            renders.Add(renderTicks);
            if (paintMs >= 0)
            {
                paints.Add((long)(paintMs * Stopwatch.Frequency / 1000.0));
            }
        }

        return (LatencySummary.FromTicks([.. paints]), LatencySummary.FromTicks([.. renders]));
    }

    private static string Report(int samples, int warmup, (LatencySummary Paint, LatencySummary Rendered) overview, (LatencySummary Paint, LatencySummary Rendered) designer)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Studio first render in Chromium ({Environment.ProcessorCount} cores, {samples} samples after {warmup} warm-up, 1280×800)");
        text.AppendLine();
        text.AppendLine("| Page | First contentful paint p50 / p90 / max (ms) | Data drawn p50 / p90 / max (ms) |");
        text.AppendLine("| --- | --- | --- |");
        Row(text, "Overview (20 agents)", overview);
        Row(text, $"Designer ({DesignerNodes}-node workflow)", designer);
        return text.ToString();
    }

    private static void Row(StringBuilder text, string name, (LatencySummary Paint, LatencySummary Rendered) result) =>
        text.AppendLine(CultureInfo.InvariantCulture,
            $"| {name} | {result.Paint.P50:F0} / {result.Paint.P90:F0} / {result.Paint.Max:F0} | {result.Rendered.P50:F0} / {result.Rendered.P90:F0} / {result.Rendered.Max:F0} |");

    private sealed class BenchHost(string dataDirectory) : WebApplicationFactory<global::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("AgentFlow:Database:Provider", "Sqlite");
            builder.UseSetting("ConnectionStrings:AgentFlow", $"Data Source={Path.Combine(dataDirectory, "agentflow.db")}");
            builder.UseSetting("AgentFlow:DataDirectory", dataDirectory);
            builder.UseSetting("AgentFlow:Plugins:Directory", Path.Combine(AppContext.BaseDirectory, "plugins"));
            builder.UseSetting("AgentFlow:Plugins:Watch", "false");
            builder.UseSetting("AgentFlow:Bootstrap:AdminEmail", AdminEmail);
            builder.UseSetting("AgentFlow:Bootstrap:AdminPassword", AdminPassword);
            builder.UseSetting("AgentFlow:Bootstrap:CompanyName", "Benchmark Co");
            builder.UseSetting("AgentFlow:RateLimit:PermitsPerMinute", "1000000");
            builder.UseSetting("AgentFlow:RateLimit:AuthPermitsPerMinute", "1000000");
            builder.UseSetting("AgentFlow:RateLimit:PerOrganization", "false");
            builder.UseSetting("AgentFlow:Retention:Enabled", "false");
            builder.UseSetting("AgentFlow:Workflows:SeedDirectory", Path.Combine(dataDirectory, "no-seed-workflows"));
            builder.UseSetting("Logging:LogLevel:Default", "Warning");
        }
    }
}
