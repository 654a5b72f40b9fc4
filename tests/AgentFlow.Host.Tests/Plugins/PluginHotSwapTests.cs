using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using AgentFlow.Engine.Deployment;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Tests.Infrastructure;
using AgentFlow.Plugins;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Plugins;

/// <summary>
/// Plugins dropped into, replaced in and removed from the plugins directory of a running Host, with sample plugins
/// built at test time. The tests of this class share one Host and run one after another; each removes what it
/// installed.
/// </summary>
public sealed class PluginHotSwapTests(PluginHostFixture host, SamplePlugins samples) : IClassFixture<PluginHostFixture>, IClassFixture<SamplePlugins>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task NewFolder_ItsSkillToolPresetAndActivityAreServed()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        try
        {
            var elapsed = Stopwatch.StartNew();
            host.Install(samples.WeatherV1, "weather");

            await WaitForAsync(async () => (await client.GetAsync("/api/engine/skills/weather")).StatusCode == HttpStatusCode.OK);
            TestContext.Current.TestOutputHelper?.WriteLine($"skill served {elapsed.ElapsedMilliseconds} ms after the folder appeared");
            var skill = await (await client.GetAsync("/api/engine/skills/weather")).AssertSuccessAsync();
            Assert.Contains("1.0.0", skill.GetProperty("data").GetProperty("description").GetString(), StringComparison.Ordinal);
            await (await client.GetAsync("/api/engine/tools/weather_current")).AssertSuccessAsync();
            await (await client.GetAsync("/api/engine/profiles/presets/weather-reader")).AssertSuccessAsync();
            Assert.Contains("sample.weather-report", await ActivityTypesAsync(client));

            var plugin = await (await (await PlatformAdminAsync()).Client.GetAsync("/api/plugins/" + SamplePlugins.WeatherId)).AssertSuccessAsync();
            Assert.Equal("active", plugin.GetProperty("data").GetProperty("status").GetString());
            Assert.Equal("1.0.0", plugin.GetProperty("data").GetProperty("version").GetString());
            Assert.Contains("weather", plugin.GetProperty("data").GetProperty("contributes").GetProperty("skills").EnumerateArray().Select(s => s.GetString()));
        }
        finally
        {
            await RemoveAsync("weather", client);
        }
    }

    [Fact]
    public async Task ReplacedFolder_Version2IsServed_AndVersion1ContextIsCollected()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        try
        {
            host.Install(samples.WeatherV1, "weather");
            await WaitForAsync(async () => (await client.GetAsync("/api/engine/skills/weather")).StatusCode == HttpStatusCode.OK);

            host.Install(samples.WeatherV2, "weather");

            await WaitForAsync(async () => (await DescriptionAsync(client)).Contains("2.0.0", StringComparison.Ordinal));
            Assert.DoesNotContain("1.0.0", await DescriptionAsync(client), StringComparison.Ordinal);
            Assert.Contains("sample.weather-report", await ActivityTypesAsync(client));
            await AssertCollectedAsync(SamplePlugins.WeatherId, "1.0.0");
        }
        finally
        {
            await RemoveAsync("weather", client);
        }
    }

    [Fact]
    public async Task RemovedFolder_SkillAndActivityDisappear_AndTheContextIsCollected()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        host.Install(samples.WeatherV1, "weather");
        await WaitForAsync(async () => (await client.GetAsync("/api/engine/skills/weather")).StatusCode == HttpStatusCode.OK);

        host.Remove("weather");

        await WaitForAsync(async () => (await client.GetAsync("/api/engine/skills/weather")).StatusCode == HttpStatusCode.NotFound);
        await (await client.GetAsync("/api/engine/tools/weather_current")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.DoesNotContain("sample.weather-report", await ActivityTypesAsync(client));
        await (await client.GetAsync("/api/engine/skills/exec")).AssertSuccessAsync();
        await AssertCollectedAsync(SamplePlugins.WeatherId, "1.0.0");
    }

    [Fact]
    public async Task ConstructorThatThrows_IsReportedAsFailed_AndTheHostKeepsServing()
    {
        var admin = await PlatformAdminAsync();
        try
        {
            host.Install(samples.Throwing, "throwing");

            var report = await WaitForReportAsync(admin.Client, "throwing");
            Assert.Equal("failed", report.GetProperty("status").GetString());
            var error = Assert.Single(report.GetProperty("errors").EnumerateArray()).GetString();
            Assert.Contains("constructor threw", error, StringComparison.Ordinal);
            await (await admin.Client.GetAsync("/api/engine/skills/exec")).AssertSuccessAsync();
            Assert.Equal(HttpStatusCode.OK, (await admin.Client.GetAsync("/health")).StatusCode);
        }
        finally
        {
            host.Remove("throwing");
            await host.Manager.ReconcileAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task CorruptAssembly_IsReportedAsFailed_AndTheHostKeepsServing()
    {
        var admin = await PlatformAdminAsync();
        var folder = Path.Combine(Path.GetTempPath(), "agentflow-corrupt-" + Guid.NewGuid().ToString("N"));
        PluginBuilder.WriteCorruptPlugin(folder);
        try
        {
            host.Install(folder, "corrupt");

            var report = await WaitForReportAsync(admin.Client, "corrupt");
            Assert.Equal("failed", report.GetProperty("status").GetString());
            Assert.Contains("not a valid .NET assembly", report.GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
            await (await admin.Client.GetAsync("/api/engine/skills")).AssertSuccessAsync();
        }
        finally
        {
            host.Remove("corrupt");
            await host.Manager.ReconcileAsync(TestContext.Current.CancellationToken);
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task SameSkillIdsInTwoFolders_TheSecondIsAConflict_AndTheFirstStaysActive()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await PlatformAdminAsync();
        var copy = Path.Combine(Path.GetTempPath(), "agentflow-copy-" + Guid.NewGuid().ToString("N"));
        PluginHostFixture.CopyDirectory(samples.WeatherV2, copy);
        // Another plugin id, the same skills, tools and activity.
        var manifest = Path.Combine(copy, "plugin.json");
        File.WriteAllText(manifest, File.ReadAllText(manifest).Replace(SamplePlugins.WeatherId, "sample.weather-copy", StringComparison.Ordinal));
        try
        {
            host.Install(samples.WeatherV1, "weather");
            await WaitForAsync(async () => (await tenant.Owner.Client.GetAsync("/api/engine/skills/weather")).StatusCode == HttpStatusCode.OK);

            host.Install(copy, "weather-copy");

            var report = await WaitForReportAsync(admin.Client, "weather-copy");
            Assert.Equal("conflict", report.GetProperty("status").GetString());
            Assert.Contains(report.GetProperty("errors").EnumerateArray(), e => e.GetString()!.Contains("\"sample-weather\" is registered twice", StringComparison.Ordinal));
            Assert.Contains("1.0.0", await DescriptionAsync(tenant.Owner.Client), StringComparison.Ordinal);
        }
        finally
        {
            host.Remove("weather-copy");
            await RemoveAsync("weather", tenant.Owner.Client);
            Directory.Delete(copy, recursive: true);
        }
    }

    [Fact]
    public async Task DeployTargetPlugin_IsListedWithItsConfigSchema()
    {
        var tenant = await host.CreateTenantAsync();
        try
        {
            host.Install(samples.DirectoryTarget, "directory-target");

            await WaitForAsync(async () => (await tenant.Owner.Client.GetAsync("/api/engine/deploy-targets/directory")).StatusCode == HttpStatusCode.OK);
            var target = (await (await tenant.Owner.Client.GetAsync("/api/engine/deploy-targets/directory")).AssertSuccessAsync()).GetProperty("data");
            Assert.Equal(SamplePlugins.DirectoryTargetId, target.GetProperty("plugin").GetProperty("id").GetString());
            var fields = target.GetProperty("configSchema").EnumerateArray().ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("kind").GetString());
            Assert.Equal("string", fields["path"]);
            Assert.Equal("boolean", fields["overwrite"]);
        }
        finally
        {
            host.Remove("directory-target");
            await host.Manager.ReconcileAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task CallInFlight_KeepsTheReplacedVersionLoaded_UntilItEnds()
    {
        var catalog = host.Services.GetRequiredService<DeployTargetCatalog>();
        host.Install(samples.DirectoryTarget, "directory-target");
        await host.Manager.ReconcileAsync(TestContext.Current.CancellationToken);
        var lease = catalog.Acquire("directory");
        Assert.NotNull(lease);
        try
        {
            // The same plugin again, with one more file: a new version of the folder.
            var changed = Path.Combine(Path.GetTempPath(), "agentflow-changed-" + Guid.NewGuid().ToString("N"));
            PluginHostFixture.CopyDirectory(samples.DirectoryTarget, changed);
            File.WriteAllText(Path.Combine(changed, "README.txt"), "changed");
            host.Install(changed, "directory-target");
            Directory.Delete(changed, recursive: true);
            await host.Manager.ReconcileAsync(TestContext.Current.CancellationToken);

            var unloaded = host.Manager.WhenUnloadedAsync();
            await Task.WhenAny(unloaded, Task.Delay(TimeSpan.FromSeconds(1), TestContext.Current.CancellationToken));
            Assert.False(unloaded.IsCompleted, "the old version was unloaded while a call was in flight");
            using (var current = catalog.Acquire("directory"))
            {
                Assert.NotSame(lease.Target, current?.Target);
            }

            lease.Dispose();
            await unloaded.WaitAsync(Patience, TestContext.Current.CancellationToken);
        }
        finally
        {
            lease.Dispose();
            host.Remove("directory-target");
            await host.Manager.ReconcileAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task UploadZip_InstallsThePlugin_AndDeleteRemovesIt()
    {
        var admin = await PlatformAdminAsync();
        using var content = ZipContent(samples.WeatherV1);

        var created = await (await admin.Client.PostAsync("/api/plugins", content, TestContext.Current.CancellationToken)).AssertSuccessAsync(HttpStatusCode.Created);

        Assert.Equal("active", created.GetProperty("data").GetProperty("status").GetString());
        await (await admin.Client.GetAsync("/api/engine/skills/weather")).AssertSuccessAsync();

        var deleted = await admin.Client.DeleteAsync("/api/plugins/" + SamplePlugins.WeatherId, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await (await admin.Client.GetAsync("/api/engine/skills/weather")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await admin.Client.DeleteAsync("/api/plugins/" + SamplePlugins.WeatherId, TestContext.Current.CancellationToken)).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task UploadZip_WithAParentPathEntry_IsRefusedAndWritesNothingOutside()
    {
        var admin = await PlatformAdminAsync();
        var escaped = Path.Combine(Path.GetDirectoryName(host.PluginsDirectory)!, "escaped.txt");
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            await using (var writer = new StreamWriter(zip.CreateEntry("plugin.json").Open()))
            {
                await writer.WriteAsync("{\"id\":\"evil\",\"version\":\"1.0.0\",\"displayName\":\"Evil\"}");
            }

            await using (var writer = new StreamWriter(zip.CreateEntry("../escaped.txt").Open()))
            {
                await writer.WriteAsync("gotcha");
            }
        }

        using var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        var response = await admin.Client.PostAsync("/api/plugins", content, TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "INVALID_PLUGIN_PACKAGE");
        Assert.Contains("outside the plugin folder", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.False(File.Exists(escaped));
        Assert.False(File.Exists(Path.Combine(host.PluginsDirectory, "escaped.txt")));
        Assert.DoesNotContain(host.Manager.Reports, r => r.Id == "evil");
    }

    [Fact]
    public async Task UploadZip_ThatIsNotAZip_IsRefused()
    {
        var admin = await PlatformAdminAsync();
        using var content = new ByteArrayContent("not a zip"u8.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");

        var response = await admin.Client.PostAsync("/api/plugins", content, TestContext.Current.CancellationToken);

        await response.AssertProblemAsync(HttpStatusCode.BadRequest, "INVALID_PLUGIN_PACKAGE");
    }

    [Fact]
    public async Task UploadZip_WhosePluginFailsToLoad_Is422_AndLeavesNoFolder()
    {
        var admin = await PlatformAdminAsync();
        using var content = ZipContent(samples.Throwing);

        var response = await admin.Client.PostAsync("/api/plugins", content, TestContext.Current.CancellationToken);

        var problem = await response.AssertProblemAsync(HttpStatusCode.UnprocessableEntity, "PLUGIN_LOAD_FAILED");
        Assert.Contains("constructor threw", problem.GetProperty("details").GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain(host.Manager.Reports, r => r.Folder != "AgentFlow.Skills.Builtin" && r.Status == PluginStatus.Failed && r.Errors.Any(e => e.Contains("constructor threw", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(UserRole.Owner)]
    [InlineData(UserRole.Admin)]
    public async Task ChangingPlugins_NotThePlatformAdministrator_Is403(UserRole role)
    {
        var tenant = await host.CreateTenantAsync();
        var user = role == UserRole.Owner ? tenant.Owner : await tenant.AddUserAsync(role);
        using var content = ZipContent(samples.WeatherV1);

        var upload = await user.Client.PostAsync("/api/plugins", content, TestContext.Current.CancellationToken);
        var reload = await user.Client.PostAsync("/api/plugins/reload", null, TestContext.Current.CancellationToken);
        var delete = await user.Client.DeleteAsync("/api/plugins/agentflow.skills.builtin", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.Forbidden, upload.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, reload.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, delete.StatusCode);
        await (await user.Client.GetAsync("/api/engine/skills/exec")).AssertSuccessAsync();
        Assert.DoesNotContain(host.Manager.Reports, r => r.Id == SamplePlugins.WeatherId);
    }

    [Fact]
    public async Task ListPlugins_ShowsTheBuiltinSkillsAsAnActivePlugin()
    {
        var admin = await PlatformAdminAsync();

        var body = await (await admin.Client.GetAsync("/api/plugins")).AssertSuccessAsync();

        var builtin = body.GetProperty("data").EnumerateArray().Single(p => p.GetProperty("id").GetString() == "agentflow.skills.builtin");
        Assert.Equal("active", builtin.GetProperty("status").GetString());
        Assert.Equal(38, builtin.GetProperty("contributes").GetProperty("skills").GetArrayLength());
        Assert.Equal(147, builtin.GetProperty("contributes").GetProperty("tools").GetArrayLength());
    }

    private async Task<TestUser> PlatformAdminAsync() =>
        await new TestTenant(host, Organization.DefaultId, "default").AddUserAsync(UserRole.Owner);

    private async Task RemoveAsync(string folder, HttpClient client)
    {
        if (Directory.Exists(Path.Combine(host.PluginsDirectory, folder)))
        {
            host.Remove(folder);
        }

        await host.Manager.ReconcileAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/api/engine/skills/weather")).StatusCode);
    }

    private async Task AssertCollectedAsync(string id, string version)
    {
        await host.Manager.WhenUnloadedAsync().WaitAsync(Patience, TestContext.Current.CancellationToken);
        var retired = host.Manager.Retired.Where(r => r.Id == id && r.Version == version).ToList();
        Assert.NotEmpty(retired);
        for (var attempt = 0; attempt < 40 && retired.Any(r => !r.Collected); attempt++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.All(retired, r => Assert.True(r.Collected, $"the load context of {r.Id} {r.Version} is still alive after the swap"));
    }

    private static async Task<string> DescriptionAsync(HttpClient client)
    {
        var response = await client.GetAsync("/api/engine/skills/weather");
        return response.StatusCode == HttpStatusCode.OK
            ? (await response.AssertSuccessAsync()).GetProperty("data").GetProperty("description").GetString() ?? ""
            : "";
    }

    private static async Task<List<string?>> ActivityTypesAsync(HttpClient client)
    {
        var body = await (await client.GetAsync("/api/workflows/descriptors/activities")).AssertSuccessAsync();
        return [.. body.GetProperty("data").EnumerateArray().Select(a => a.GetProperty("type").GetString())];
    }

    private static async Task<JsonElement> WaitForReportAsync(HttpClient client, string folder)
    {
        JsonElement found = default;
        await WaitForAsync(async () =>
        {
            var body = await (await client.GetAsync("/api/plugins")).AssertSuccessAsync();
            var match = body.GetProperty("data").EnumerateArray().Where(p => p.GetProperty("folder").GetString() == folder).ToList();
            found = match.FirstOrDefault();
            return match.Count == 1;
        });
        return found;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            Assert.True(clock.Elapsed < Patience, "the plugin change was not picked up in time");
            await Task.Delay(100, TestContext.Current.CancellationToken);
        }
    }

    private static ByteArrayContent ZipContent(string folder)
    {
        using var buffer = new MemoryStream();
        ZipFile.CreateFromDirectory(folder, buffer);
        var content = new ByteArrayContent(buffer.ToArray());
        content.Headers.ContentType = new MediaTypeHeaderValue("application/zip");
        return content;
    }
}
