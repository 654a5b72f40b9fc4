using System.Text.Json;
using Tomlyn;
using Tomlyn.Model;
using YamlDotNet.Serialization;

namespace AgentFlow.Host.Tests.Cli;

/// <summary>The deployment files per target: parsed with real YAML/TOML/JSON readers, then checked key by key.</summary>
public sealed class SetupDeploymentFilesTests : IDisposable
{
    /// <summary>Quotes, a colon, a hash, a dollar and a backslash: each breaks a naively templated YAML or TOML file.</summary>
    private const string AwkwardCompany = "Acme \"Rocket\": Labs #1 $HOME \\ O'Neil & Söhne";

    private readonly SetupHarness _setup = new();

    public void Dispose() => _setup.Dispose();

    [Fact]
    public async Task Setup_DockerTarget_WritesComposeWithAgentflowServicePortAndVolume()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics("Acme"), "--target", "docker"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var compose = Yaml(_setup.Read("docker-compose.yml"));
        var services = Map(compose["services"]);
        Assert.Equal(["agentflow"], services.Keys.Select(k => (string)k));
        var agentflow = Map(services["agentflow"]);
        Assert.Equal("Dockerfile", Map(agentflow["build"])["dockerfile"]);
        Assert.Contains("5080:5080", List(agentflow["ports"]));
        Assert.Contains("agentflow-data:/app/data", List(agentflow["volumes"]));
        var environment = Map(agentflow["environment"]);
        Assert.Equal("Sqlite", environment["AgentFlow__Database__Provider"]);
        Assert.Equal("Data Source=/app/data/agentflow.db", environment["ConnectionStrings__AgentFlow"]);
        Assert.Equal("${AGENTFLOW_ADMIN_PASSWORD:-}", environment["AgentFlow__Bootstrap__AdminPassword"]);
        Assert.True(Map(compose["volumes"]).ContainsKey("agentflow-data"));
        Assert.Equal("acme", compose["name"]);
        Assert.DoesNotContain(SetupHarness.Password, _setup.Read("docker-compose.yml"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_DockerTarget_WritesMultiStageDockerfileAndDockerIgnore()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--target", "docker"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var dockerfile = _setup.Read("Dockerfile");
        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", dockerfile, StringComparison.Ordinal);
        Assert.Contains("dotnet publish src/Host -c Release", dockerfile, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile, StringComparison.Ordinal);
        Assert.Contains("EXPOSE 5080", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_URLS=http://+:5080", dockerfile, StringComparison.Ordinal);

        // appsettings.json's Urls outranks ASPNETCORE_URLS; without URLS the Host would listen on the container's loopback only.
        Assert.Contains("URLS=http://+:5080", dockerfile.Replace("ASPNETCORE_URLS", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("WORKDIR /app", dockerfile, StringComparison.Ordinal);
        Assert.Contains("mkdir -p /app/data", dockerfile, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"AgentFlow.Host.dll\"]", dockerfile, StringComparison.Ordinal);
        var ignored = _setup.Read(".dockerignore").Split('\n');
        Assert.Contains("agentflow.json", ignored);
        Assert.Contains("**/obj/", ignored);
    }

    [Fact]
    public async Task Setup_ExistingDockerfile_IsKeptEvenWithForce()
    {
        await File.WriteAllTextAsync(_setup.PathOf("Dockerfile"), "FROM scratch\n", TestContext.Current.CancellationToken);

        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--target", "fly", "--force"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal("FROM scratch\n", _setup.Read("Dockerfile"));
        Assert.Contains("Dockerfile exists: kept it", run.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(_setup.PathOf("fly.toml")));
    }

    [Fact]
    public async Task Setup_ExistingComposeFileWithoutForce_IsRefusedBeforeTheDatabaseIsTouched()
    {
        await File.WriteAllTextAsync(_setup.PathOf("docker-compose.yml"), "services: {}\n", TestContext.Current.CancellationToken);

        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--target", "docker"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains(_setup.PathOf("docker-compose.yml"), run.Output, StringComparison.Ordinal);
        Assert.Equal("services: {}\n", _setup.Read("docker-compose.yml"));
        Assert.False(File.Exists(_setup.PathOf("agentflow.json")));
        Assert.False(Directory.Exists(_setup.PathOf("data")));
    }

    [Fact]
    public async Task Setup_FlyTarget_WritesFlyTomlWithPortHealthCheckAndMount()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics("Acme Robotics"), "--target", "fly", "--region", "FRA"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var text = _setup.Read("fly.toml");
        Assert.Contains("internal_port = 5080", text, StringComparison.Ordinal);
        Assert.Contains("app = \"acme-robotics\"", text, StringComparison.Ordinal);
        var fly = TomlSerializer.Deserialize<TomlTable>(text)!;
        Assert.Equal("acme-robotics", fly["app"]);
        Assert.Equal("fra", fly["primary_region"]);
        var http = (TomlTable)fly["http_service"];
        Assert.Equal(5080L, http["internal_port"]);
        Assert.Equal(true, http["force_https"]);
        var check = Assert.Single((TomlTableArray)http["checks"]);
        Assert.Equal("/health", check["path"]);
        var mounts = (TomlTable)fly["mounts"];
        Assert.Equal("/app/data", mounts["destination"]);
        Assert.Equal("Sqlite", ((TomlTable)fly["env"])["AgentFlow__Database__Provider"]);
        Assert.True(File.Exists(_setup.PathOf("Dockerfile")));
        Assert.Contains("fly deploy", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_RailwayTarget_WritesRailwayJsonWithHealthCheckAndDockerfileBuild()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--target", "railway"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        using var railway = JsonDocument.Parse(_setup.Read("railway.json"));
        var root = railway.RootElement;
        Assert.Equal("https://railway.com/railway.schema.json", root.GetProperty("$schema").GetString());
        Assert.Equal("DOCKERFILE", root.GetProperty("build").GetProperty("builder").GetString());
        Assert.Equal("/health", root.GetProperty("deploy").GetProperty("healthcheckPath").GetString());
        Assert.Equal("ON_FAILURE", root.GetProperty("deploy").GetProperty("restartPolicyType").GetString());
        Assert.True(File.Exists(_setup.PathOf("Dockerfile")));
        Assert.Contains("railway up", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_CompanyWithQuotesColonsAndDollars_WritesComposeThatParsesBackToTheName()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(AwkwardCompany), "--target", "docker", "--admin-name", "Zoë \"Z\" O'Neil"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var compose = Yaml(_setup.Read("docker-compose.yml"));
        var environment = Map(Map(Map(compose["services"])["agentflow"])["environment"]);

        // Compose interpolates "$" before handing values to the container, so a literal dollar is written "$$".
        Assert.Equal(AwkwardCompany.Replace("$", "$$", StringComparison.Ordinal), environment["AgentFlow__Bootstrap__CompanyName"]);
        Assert.Equal("Zoë \"Z\" O'Neil", environment["AgentFlow__Bootstrap__AdminName"]);
        Assert.Equal("acme-rocket-labs-1-home-o-neil-s-hne", compose["name"]);
    }

    [Fact]
    public async Task Setup_CompanyWithQuotesColonsAndDollars_WritesFlyTomlThatParsesBackToTheName()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(AwkwardCompany), "--target", "fly"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        var fly = TomlSerializer.Deserialize<TomlTable>(_setup.Read("fly.toml"))!;
        Assert.Equal(AwkwardCompany, ((TomlTable)fly["env"])["AgentFlow__Bootstrap__CompanyName"]);
        Assert.Equal("acme-rocket-labs-1-home-o-neil-s-hne", fly["app"]);
    }

    [Fact]
    public async Task Setup_CompanyWithQuotesColonsAndDollars_NamesTheOrganisationExactly()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(AwkwardCompany), "--target", "railway"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Equal(AwkwardCompany, await SetupHarness.OrganisationNameAsync(_setup.ConfigurationFromSetupFile()));
        using var railway = JsonDocument.Parse(_setup.Read("railway.json"));
        Assert.Equal(JsonValueKind.Object, railway.RootElement.ValueKind);
    }

    [Fact]
    public async Task Setup_Domain_AppearsInNextStepsForFly()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--target", "fly", "--domain", "Agents.Example.com"]);

        Assert.True(run.ExitCode == 0, run.ToString());
        Assert.Contains("fly certs add agents.example.com", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Setup_RegionWithoutFly_ExitsTwo()
    {
        var run = await _setup.SetupAsync([.. SetupHarness.Basics(), "--target", "docker", "--region", "fra"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("--region is only used with --target fly", run.Output, StringComparison.Ordinal);
    }

    internal static Dictionary<object, object> Yaml(string text) => new DeserializerBuilder().Build().Deserialize<Dictionary<object, object>>(text);

    internal static Dictionary<object, object> Map(object node) => Assert.IsType<Dictionary<object, object>>(node);

    internal static List<object> List(object node) => Assert.IsType<List<object>>(node);
}
