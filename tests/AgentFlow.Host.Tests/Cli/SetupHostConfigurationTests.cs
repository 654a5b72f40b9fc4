using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using AgentFlow.Engine.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AgentFlow.Host.Tests.Cli;

/// <summary>The Host started where setup wrote <c>agentflow.json</c> uses the database setup prepared.</summary>
public sealed partial class SetupHostConfigurationTests : IDisposable
{
    private readonly SetupHarness _setup = new();

    public void Dispose() => _setup.Dispose();

    [Fact]
    public async Task HostConfiguration_WithSetupFile_OverridesAppSettingsButNotLaterSources()
    {
        var run = await _setup.SetupAsync(SetupHarness.Basics());
        Assert.True(run.ExitCode == 0, run.ToString());
        await File.WriteAllTextAsync(
            _setup.PathOf("appsettings.json"),
            """{ "AgentFlow": { "DataDirectory": "from-appsettings", "Database": { "Provider": "Postgres" }, "Jwt": { "Issuer": "kept" } } }""",
            TestContext.Current.CancellationToken);

        // The Host's composition: appsettings first, the setup file inserted after them, environment and arguments last.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _setup.Directory, EnvironmentName = Environments.Production });
        builder.Configuration.InsertSetupFile(_setup.Directory);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AgentFlow:DataDirectory"] = "from-environment" });

        Assert.Equal("Sqlite", builder.Configuration["AgentFlow:Database:Provider"]);
        Assert.Equal("Data Source=./data/agentflow.db", ConnectionStrings.Resolve(builder.Configuration, DatabaseProvider.Sqlite));
        Assert.Equal("kept", builder.Configuration["AgentFlow:Jwt:Issuer"]);
        Assert.Equal("from-environment", builder.Configuration["AgentFlow:DataDirectory"]);
    }

    [Fact]
    public async Task Host_StartedInSetupFolder_SignsInTheOwnerSetupCreated()
    {
        // Not the default path: only through agentflow.json can the Host find this database.
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(email: "host@acme.test"), "--sqlite-path", "./state/main.db"]);
        Assert.True(run.ExitCode == 0, run.ToString());

        // A real Host process: it reads agentflow.json (and resolves ./data) from its working directory, which a test
        // cannot change for its own process without disturbing every other test.
        await using var host = await HostProcess.StartAsync(_setup.Directory);
        using var client = new HttpClient { BaseAddress = host.Address };
        var login = await client.PostAsJsonAsync("/auth/login", new { email = "host@acme.test", password = SetupHarness.Password }, TestContext.Current.CancellationToken);

        Assert.True(login.StatusCode == HttpStatusCode.OK, $"{login.StatusCode}: {await login.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}\n{host.Log}");
        var body = await login.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("owner", body.GetProperty("user").GetProperty("role").GetString());
        Assert.False(Directory.Exists(_setup.PathOf("data")), "the Host must use the configured database and data folder, not the defaults");
    }

    [Fact]
    public async Task MigrateVerb_RunInSetupFolder_UsesTheConfiguredDatabase()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--sqlite-path", "./state/main.db"]);
        Assert.True(run.ExitCode == 0, run.ToString());

        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AgentFlow.Host.dll"), "migrate"])
        {
            WorkingDirectory = _setup.Directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var migrate = Process.Start(start)!;
        var output = await migrate.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = await migrate.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await migrate.WaitForExitAsync(TestContext.Current.CancellationToken);

        Assert.True(migrate.ExitCode == 0, output + errors);
        Assert.Contains("0 migrations applied", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_setup.PathOf("data")), "migrate must use the database in agentflow.json, not create the default one:\n" + output);
    }

    [GeneratedRegex(@"Now listening on: (?<url>http://\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex ListeningLine();

    /// <summary>The built Host (copied beside the tests) running as a child process on a free port.</summary>
    private sealed class HostProcess : IAsyncDisposable
    {
        private static readonly TimeSpan StartDeadline = TimeSpan.FromSeconds(60);

        private readonly Process _process;
        private readonly System.Text.StringBuilder _log = new();
        private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private HostProcess(Process process) => _process = process;

        public Uri Address { get; private set; } = null!;

        public string Log
        {
            get
            {
                lock (_log)
                {
                    return _log.ToString();
                }
            }
        }

        public static async Task<HostProcess> StartAsync(string workingDirectory)
        {
            // --urls: appsettings.json's Urls outranks ASPNETCORE_URLS, and a fixed port could be taken.
            var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "AgentFlow.Host.dll"), "--urls", "http://127.0.0.1:0"])
            {
                WorkingDirectory = workingDirectory,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            start.Environment["AgentFlow__Retention__Enabled"] = "false";
            start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
            foreach (var inherited in start.Environment.Keys.Where(k => k.StartsWith("AgentFlow__Database", StringComparison.OrdinalIgnoreCase) || k.StartsWith("ConnectionStrings__", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                // Settings from the test environment would override agentflow.json and hide what this test checks.
                start.Environment.Remove(inherited);
            }

            var host = new HostProcess(new Process { StartInfo = start, EnableRaisingEvents = true });
            host._process.OutputDataReceived += (_, e) => host.Record(e.Data);
            host._process.ErrorDataReceived += (_, e) => host.Record(e.Data);
            host._process.Exited += (_, _) => host._listening.TrySetException(new InvalidOperationException("The Host exited before listening:\n" + host.Log));
            host._process.Start();
            host._process.BeginOutputReadLine();
            host._process.BeginErrorReadLine();
            try
            {
                host.Address = await host._listening.Task.WaitAsync(StartDeadline, TestContext.Current.CancellationToken);
            }
            catch
            {
                await host.DisposeAsync();
                throw;
            }

            return host;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Record(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (_log)
            {
                _log.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                _listening.TrySetResult(new Uri(match.Groups["url"].Value));
            }
        }
    }
}
