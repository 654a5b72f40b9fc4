using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Runtime.Loader;
using System.Text;
using System.Text.Json;
using AgentFlow.Host.Tests.Plugins;
using AgentFlow.LoadTests;
using AgentFlow.Plugins;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.PluginBench;

/// <summary>
/// Plugin hot-swap benchmark, on the real Host in this process (Kestrel on loopback, SQLite):
/// (a) time from a plugin folder appearing in the plugins directory to its skill being served over HTTP, with the
/// directory watcher's default settings, p50 over N appearances; (b) the same with <c>POST /api/plugins/reload</c>
/// right after the folder appears (the load-check-swap path without the watcher's quiet time); (c) the Host's memory
/// (managed heap after a full collection, working set, load contexts, assemblies) across 50 version swaps.
/// </summary>
/// <remarks>An explicit Main, not top-level statements: the Host this program links has its own global <c>Program</c>.</remarks>
internal static class PluginBenchProgram
{
    private const string AdminEmail = "bench-admin@example.com";
    private const string AdminPassword = "bench-password-1234";

    public static Task<int> Main(string[] args)
    {
        var appearances = new Option<int>("--appearances") { Description = "Timed folder appearances per mode.", DefaultValueFactory = _ => 20 };
        var swaps = new Option<int>("--swaps") { Description = "Version swaps for the memory figure.", DefaultValueFactory = _ => 50 };
        var markdown = new Option<FileInfo?>("--markdown") { Description = "Also write the results as markdown to this file." };
        var root = new RootCommand("AgentFlow plugin benchmark: folder-to-served latency and memory across swaps.") { appearances, swaps, markdown };
        root.SetAction(async (parse, cancellationToken) =>
        {
            var report = await RunAsync(parse.GetValue(appearances), parse.GetValue(swaps), cancellationToken);
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

    private static async Task<string> RunAsync(int appearances, int swaps, CancellationToken cancellationToken)
    {
        var work = Path.Combine(Path.GetTempPath(), "agentflow-pluginbench", Guid.NewGuid().ToString("N"));
        var plugins = Path.Combine(work, "plugins");
        var staging = Path.Combine(work, "staging");
        Directory.CreateDirectory(staging);
        try
        {
            Console.WriteLine("Building the weather sample plugin, versions 1.0.0 and 2.0.0…");
            var v1 = await PluginBuilder.BuildAsync(PluginBuilder.WeatherSkills, Path.Combine(work, "weather-1"), "1.0.0", cancellationToken);
            var v2 = await PluginBuilder.BuildAsync(PluginBuilder.WeatherSkills, Path.Combine(work, "weather-2"), "2.0.0", cancellationToken);
            Copy(Path.Combine(AppContext.BaseDirectory, "plugins"), plugins);

            await using var factory = new BenchHost(Path.Combine(work, "data"), plugins);
            factory.UseKestrel(0);
            factory.StartServer();
            using var client = factory.CreateClient();
            var login = await client.PostAsJsonAsync("/auth/login", new { email = AdminEmail, password = AdminPassword }, cancellationToken);
            login.EnsureSuccessStatusCode();
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("token").GetString();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var manager = factory.Services.GetRequiredService<PluginManager>();
            var folder = Path.Combine(plugins, "weather");

            async Task<long> AppearAsync(string build, string version, bool reload)
            {
                if (Directory.Exists(folder))
                {
                    Directory.Delete(folder, recursive: true);
                    await manager.ReconcileAsync(cancellationToken);
                }

                var staged = Path.Combine(staging, Guid.NewGuid().ToString("N"));
                Copy(build, staged);
                var clock = Stopwatch.StartNew();
                Directory.Move(staged, folder);
                if (reload)
                {
                    (await client.PostAsync("/api/plugins/reload", null, cancellationToken)).EnsureSuccessStatusCode();
                }

                while (!await ServesAsync(client, version, cancellationToken))
                {
                    if (clock.Elapsed > TimeSpan.FromSeconds(60))
                    {
                        throw new TimeoutException($"weather {version} was not served within 60 s.");
                    }

                    await Task.Delay(2, cancellationToken);
                }

                return clock.ElapsedTicks;
            }

            // Warm-up: the first load JIT-compiles the loader's path.
            await AppearAsync(v1, "1.0.0", reload: true);
            var watched = new long[appearances];
            var reloaded = new long[appearances];
            for (var i = 0; i < appearances; i++)
            {
                watched[i] = await AppearAsync(i % 2 == 0 ? v2 : v1, i % 2 == 0 ? "2.0.0" : "1.0.0", reload: false);
                Console.Write('.');
            }

            for (var i = 0; i < appearances; i++)
            {
                reloaded[i] = await AppearAsync(i % 2 == 0 ? v1 : v2, i % 2 == 0 ? "1.0.0" : "2.0.0", reload: true);
                Console.Write('.');
            }

            Console.WriteLine();
            var memory = new List<MemorySample> { await MeasureAsync(manager, 0) };
            for (var i = 1; i <= swaps; i++)
            {
                // A replacement in place (the folder changes under the running version), as an upgrade does.
                var staged = Path.Combine(staging, Guid.NewGuid().ToString("N"));
                Copy(i % 2 == 0 ? v1 : v2, staged);
                var old = Path.Combine(staging, Guid.NewGuid().ToString("N"));
                Directory.Move(folder, old);
                Directory.Move(staged, folder);
                Directory.Delete(old, recursive: true);
                (await client.PostAsync("/api/plugins/reload", null, cancellationToken)).EnsureSuccessStatusCode();
                if (!await ServesAsync(client, i % 2 == 0 ? "1.0.0" : "2.0.0", cancellationToken))
                {
                    throw new InvalidOperationException($"swap {i} did not take effect.");
                }

                if (i % 10 == 0)
                {
                    memory.Add(await MeasureAsync(manager, i));
                    Console.Write('.');
                }
            }

            return Report(LatencySummary.FromTicks(watched), LatencySummary.FromTicks(reloaded), appearances, memory, manager);
        }
        finally
        {
            try
            {
                Directory.Delete(work, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder.
            }
        }
    }

    private static async Task<bool> ServesAsync(HttpClient client, string version, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync("/api/engine/skills/weather", cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return false;
        }

        var body = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return body.GetProperty("data").GetProperty("description").GetString()!.Contains(version, StringComparison.Ordinal);
    }

    private static async Task<MemorySample> MeasureAsync(PluginManager manager, int swaps)
    {
        await manager.WhenUnloadedAsync();
        for (var i = 0; i < 5; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        var heap = GC.GetTotalMemory(forceFullCollection: true);
        using var process = Process.GetCurrentProcess();
        var retired = manager.Retired;
        return new MemorySample(swaps, heap, process.WorkingSet64, AssemblyLoadContext.All.Count(), AppDomain.CurrentDomain.GetAssemblies().Length,
            retired.Count, retired.Count(r => r.Collected));
    }

    private static string Report(LatencySummary watched, LatencySummary reloaded, int appearances, List<MemorySample> memory, PluginManager manager)
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"Plugin folder appears → its skill served (GET /api/engine/skills/weather), {appearances} appearances each:");
        s.AppendLine();
        s.AppendLine("| Path | p50 ms | p90 ms | max ms |");
        s.AppendLine("| --- | ---: | ---: | ---: |");
        s.AppendLine(c, $"| watcher (defaults: 400 ms quiet time, 10 s poll) | {watched.P50:F0} | {watched.P90:F0} | {watched.Max:F0} |");
        s.AppendLine(c, $"| `POST /api/plugins/reload` right after the folder appears | {reloaded.P50:F0} | {reloaded.P90:F0} | {reloaded.Max:F0} |");
        s.AppendLine();
        s.AppendLine("Host memory across version swaps (after unloads drained and a full collection):");
        s.AppendLine();
        s.AppendLine("| Swaps | Managed heap MB | Working set MB | Load contexts | Assemblies | Retired contexts | Collected |");
        s.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var m in memory)
        {
            s.AppendLine(c, $"| {m.Swaps} | {m.HeapBytes / 1048576.0:F1} | {m.WorkingSetBytes / 1048576.0:F1} | {m.LoadContexts} | {m.Assemblies} | {m.Retired} | {m.Collected} |");
        }

        s.AppendLine();
        s.AppendLine(c, $"Active plugins at the end: {string.Join(", ", manager.Active.Select(p => $"{p.Id} {p.Version}"))}.");
        return s.ToString();
    }

    private static void Copy(string source, string target)
    {
        Directory.CreateDirectory(target);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var destination = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(file, destination, overwrite: true);
        }
    }

    private sealed record MemorySample(int Swaps, long HeapBytes, long WorkingSetBytes, int LoadContexts, int Assemblies, int Retired, int Collected);

    private sealed class BenchHost(string dataDirectory, string pluginsDirectory) : WebApplicationFactory<global::Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("AgentFlow:Database:Provider", "Sqlite");
            builder.UseSetting("ConnectionStrings:AgentFlow", $"Data Source={Path.Combine(dataDirectory, "agentflow.db")}");
            builder.UseSetting("AgentFlow:DataDirectory", dataDirectory);
            builder.UseSetting("AgentFlow:Plugins:Directory", pluginsDirectory);
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
