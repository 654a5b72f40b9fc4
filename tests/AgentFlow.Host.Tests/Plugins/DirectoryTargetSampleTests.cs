using System.Runtime.Loader;
using AgentFlow.Plugins.Deployment;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Plugins;

/// <summary>Builds the directory deploy-target sample once and loads it the way the host does (collectible context).</summary>
public sealed class DirectoryTargetSampleFixture : IAsyncLifetime
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "agentflow-directory-target-tests", Guid.NewGuid().ToString("N"));
    private AssemblyLoadContext? _context;
    private ServiceProvider? _services;

    public IDeployTarget Target { get; private set; } = null!;

    public string Root => _root;

    public async ValueTask InitializeAsync()
    {
        var folder = await PluginBuilder.BuildAsync(PluginBuilder.DirectoryTarget, Path.Combine(_root, "plugin"), "1.0.0", TestContext.Current.CancellationToken);
        _context = new AssemblyLoadContext("directory-target-test", isCollectible: true);
        var assembly = _context.LoadFromAssemblyPath(Path.Combine(folder, "AgentFlow.Samples.DirectoryTarget.dll"));
        var type = assembly.GetType("AgentFlow.Samples.DirectoryTarget.DirectoryDeployTarget", throwOnError: true)!;

        // What the loader's container offers: logging and a time provider.
        _services = new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).BuildServiceProvider();
        Target = (IDeployTarget)ActivatorUtilities.CreateInstance(_services, type);
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        _context?.Unload();
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }
}

public sealed class DirectoryTargetSampleTests(DirectoryTargetSampleFixture fixture) : IClassFixture<DirectoryTargetSampleFixture>
{
    private readonly IDeployTarget _target = fixture.Target;

    [Fact]
    public async Task Lifecycle_EveryPhase_WritesUpdatesAndRemovesTheFiles()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(fixture.Root, "lifecycle", "agent");
        var log = new RecordingLog();
        var context = NewContext(directory, log) with
        {
            Workspace = new Dictionary<string, string> { ["AGENTS.md"] = "# Agent", ["skills/weather.md"] = "weather" },
            Environment = new Dictionary<string, string> { ["AGENTFLOW_AGENT_ID"] = "a1" },
        };

        // Act + Assert: each phase, in the order the deploy workflow runs them.
        Assert.Empty(await _target.ValidateAsync(context, ct));
        Assert.Equal(DeploymentState.NotDeployed, (await _target.GetStatusAsync(context, ct)).State);

        var provisioned = await _target.ProvisionAsync(context, ct);
        Assert.True(provisioned.Succeeded, provisioned.Message);
        context = context with { State = provisioned.State };
        Assert.Equal(directory, context.State["directory"]);
        Assert.True((await _target.ProvisionAsync(context, ct)).Succeeded, "A second provision must be harmless.");

        Assert.True((await _target.ConfigureAsync(context, ct)).Succeeded);
        Assert.Equal("# Agent", await File.ReadAllTextAsync(Path.Combine(directory, "workspace", "AGENTS.md"), ct));
        Assert.Equal("weather", await File.ReadAllTextAsync(Path.Combine(directory, "workspace", "skills", "weather.md"), ct));
        var env = await File.ReadAllLinesAsync(Path.Combine(directory, "agent.env"), ct);
        Assert.Contains("AGENTFLOW_AGENT_ID=a1", env);
        Assert.Contains("AGENTFLOW_DEPLOY_LABEL=staging", env);
        Assert.Equal(DeploymentState.Starting, (await _target.GetStatusAsync(context, ct)).State);

        Assert.True((await _target.DeployAsync(context, ct)).Succeeded);
        Assert.True((await _target.VerifyAsync(context, ct)).Succeeded);
        Assert.Equal(DeploymentState.Running, (await _target.GetStatusAsync(context, ct)).State);

        Assert.True((await _target.StopAsync(context, ct)).Succeeded);
        Assert.Equal(DeploymentState.Stopped, (await _target.GetStatusAsync(context, ct)).State);
        Assert.True((await _target.RestartAsync(context, ct)).Succeeded);
        Assert.Equal(DeploymentState.Running, (await _target.GetStatusAsync(context, ct)).State);

        var updated = context with { Workspace = new Dictionary<string, string> { ["AGENTS.md"] = "# Agent v2" } };
        Assert.True((await _target.HotUpdateAsync(updated, ct)).Succeeded);
        Assert.Equal("# Agent v2", await File.ReadAllTextAsync(Path.Combine(directory, "workspace", "AGENTS.md"), ct));
        Assert.False(File.Exists(Path.Combine(directory, "workspace", "skills", "weather.md")), "A file dropped from the workspace must disappear.");
        Assert.Equal(DeploymentState.Running, (await _target.GetStatusAsync(updated, ct)).State);

        var destroyed = await _target.DestroyAsync(updated, ct);
        Assert.True(destroyed.Succeeded, destroyed.Message);
        Assert.False(Directory.Exists(directory));
        Assert.True((await _target.DestroyAsync(updated, ct)).Succeeded, "A second destroy must be harmless.");
        Assert.NotEmpty(log.Lines);
    }

    [Fact]
    public async Task ValidateAsync_RelativePathAndBadValues_ReportsEachField()
    {
        // Arrange
        var context = NewContext("relative/dir", new RecordingLog()) with
        {
            Config = new Dictionary<string, string> { ["path"] = "relative/dir", ["overwrite"] = "maybe", ["label"] = "qa" },
        };

        // Act
        var problems = await _target.ValidateAsync(context, TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(["label", "overwrite", "path"], problems.Select(p => p.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ValidateAsync_DirectoryOfAnotherDeployment_RefusedUnlessOverwrite()
    {
        // Arrange: a first deployment provisions the directory.
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(fixture.Root, "taken", "agent");
        Assert.True((await _target.ProvisionAsync(NewContext(directory, new RecordingLog()), ct)).Succeeded);
        var second = NewContext(directory, new RecordingLog());

        // Act
        var refused = await _target.ValidateAsync(second, ct);
        var allowed = await _target.ValidateAsync(second with { Config = new Dictionary<string, string>(second.Config) { ["overwrite"] = "true" } }, ct);

        // Assert
        Assert.Equal("path", Assert.Single(refused).Field);
        Assert.Empty(allowed);
    }

    [Fact]
    public async Task ConfigureAsync_WorkspacePathOutsideTheWorkspace_Throws()
    {
        // Arrange
        var ct = TestContext.Current.CancellationToken;
        var directory = Path.Combine(fixture.Root, "escape", "agent");
        var context = NewContext(directory, new RecordingLog());
        context = context with { State = (await _target.ProvisionAsync(context, ct)).State, Workspace = new Dictionary<string, string> { ["../../outside.txt"] = "x" } };

        // Act + Assert
        await Assert.ThrowsAsync<InvalidOperationException>(() => _target.ConfigureAsync(context, ct));
        Assert.False(File.Exists(Path.Combine(fixture.Root, "escape", "outside.txt")));
    }

    private static DeployContext NewContext(string directory, RecordingLog log) =>
        new(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), "sample-agent")
        {
            Config = new Dictionary<string, string> { ["path"] = directory, ["label"] = "staging" },
            Log = log,
        };

    private sealed class RecordingLog : IDeployLog
    {
        public List<string> Lines { get; } = [];

        public void Info(string message) => Lines.Add(message);

        public void Warning(string message) => Lines.Add("warning: " + message);
    }
}
