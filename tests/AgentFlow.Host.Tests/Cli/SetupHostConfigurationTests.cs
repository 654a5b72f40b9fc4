using System.Net;
using System.Net.Http.Json;
using AgentFlow.Engine.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace AgentFlow.Host.Tests.Cli;

/// <summary>The Host started where setup wrote <c>agentflow.json</c> uses the database setup prepared.</summary>
public sealed class SetupHostConfigurationTests : IDisposable
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

        // The Host's own composition: appsettings from the content root, then the setup file inserted after it.
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = _setup.Directory, EnvironmentName = Environments.Production });
        builder.Configuration.InsertSetupFile(builder.Environment.ContentRootPath);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AgentFlow:DataDirectory"] = "from-environment" });

        Assert.Equal("Sqlite", builder.Configuration["AgentFlow:Database:Provider"]);
        Assert.Equal("Data Source=./data/agentflow.db", ConnectionStrings.Resolve(builder.Configuration, DatabaseProvider.Sqlite));
        Assert.Equal("kept", builder.Configuration["AgentFlow:Jwt:Issuer"]);
        Assert.Equal("from-environment", builder.Configuration["AgentFlow:DataDirectory"]);
    }

    [Fact]
    public async Task Host_StartedInSetupOutputFolder_SignsInTheOwnerSetupCreated()
    {
        // An absolute SQLite path: the Host resolves a relative one against the process's working directory,
        // which a test cannot move to the temp folder without disturbing every other test.
        var database = _setup.PathOf("db/agentflow.db");
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(email: "host@acme.test"), "--sqlite-path", database]);
        Assert.True(run.ExitCode == 0, run.ToString());

        await using var host = new SetupFolderHost(_setup.Directory);
        using var client = host.CreateClient();
        var login = await client.PostAsJsonAsync("/auth/login", new { email = "host@acme.test", password = SetupHarness.Password }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        var body = await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(TestContext.Current.CancellationToken);
        Assert.Equal("owner", body.GetProperty("user").GetProperty("role").GetString());
    }

    /// <summary>The real Host with its content root on the setup output folder and no database settings of its own.</summary>
    private sealed class SetupFolderHost(string folder) : WebApplicationFactory<Program>
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseContentRoot(folder);
            builder.UseEnvironment("Testing");

            // Keeps the generated JWT secret out of the test's working directory; not a database setting.
            builder.UseSetting("AgentFlow:Jwt:Secret", new string('k', 48));
            builder.UseSetting("AgentFlow:Retention:Enabled", "false");
            builder.UseSetting("Logging:LogLevel:Default", "Error");
        }
    }
}
