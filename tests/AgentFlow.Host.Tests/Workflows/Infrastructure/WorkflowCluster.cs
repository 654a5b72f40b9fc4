using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Tests.Infrastructure;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>
/// One database and the hosts ("nodes") running on it, all sharing a controllable clock. A restart is real: the
/// host is disposed and a new one is built on the same database. Several nodes only make sense on PostgreSQL.
/// </summary>
public sealed class WorkflowCluster : IAsyncDisposable
{
    private readonly List<WorkflowNodeHost> _nodes = [];
    private readonly Action<IServiceCollection>? _configure;
    private readonly string? _directory;
    private readonly string? _serverConnectionString;
    private readonly string? _databaseName;

    private WorkflowCluster(DatabaseProvider provider, string connectionString, string? serverConnectionString, string? databaseName, Action<IServiceCollection>? configure, string? directory = null)
    {
        _directory = directory;
        Provider = provider;
        ConnectionString = connectionString;
        _serverConnectionString = serverConnectionString;
        _databaseName = databaseName;
        _configure = configure;
    }

    public DatabaseProvider Provider { get; }

    public string ConnectionString { get; }

    /// <summary>The clock every node reads; starts at a fixed instant so schedules are predictable.</summary>
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 27, 9, 0, 0, TimeSpan.Zero));

    /// <summary>Settings applied to every node (tests add their own before starting nodes).</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        [$"{WorkflowRuntimeOptions.SectionName}:PollInterval"] = "00:00:00.050",
        [$"{WorkflowRuntimeOptions.SectionName}:TimerPollInterval"] = "00:00:00.100",
        [$"{WorkflowRuntimeOptions.SectionName}:StimulusRetryDelay"] = "00:00:00.020",
        [$"{WorkflowRuntimeOptions.SectionName}:LeaseDuration"] = "00:00:30",
    };

    public static readonly Guid OrgId = Organization.DefaultId;

    /// <summary>A cluster on a fresh database; skips the test when PostgreSQL is wanted but not available.</summary>
    public static async Task<WorkflowCluster> CreateAsync(DatabaseProvider provider, Action<IServiceCollection>? configure = null)
    {
        if (provider == DatabaseProvider.Sqlite)
        {
            var directory = Path.Combine(Path.GetTempPath(), "agentflow-wf-tests", Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(directory);
            return new WorkflowCluster(provider, $"Data Source={Path.Combine(directory, "agentflow.db")}", null, null, configure, directory);
        }

        var server = Environment.GetEnvironmentVariable(PostgresHostFixture.ServerVariable);
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.Skip($"PostgreSQL tests need a server: set {PostgresHostFixture.ServerVariable} (eng/test.sh does).");
        }

        var name = "agentflow_wf_" + Guid.NewGuid().ToString("N")[..16];
        try
        {
            await using var connection = new NpgsqlConnection(server);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await command.ExecuteNonQueryAsync();
        }
        catch (NpgsqlException exception)
        {
            Assert.Skip($"PostgreSQL server from {PostgresHostFixture.ServerVariable} is not reachable: {exception.Message}");
        }

        return new WorkflowCluster(provider, new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString(), server, name, configure);
    }

    /// <summary>Builds and starts a node (migrating the database on first start).</summary>
    public async Task<WorkflowNodeHost> StartNodeAsync(string name = "node-a", Action<IServiceCollection>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var merged = new Dictionary<string, string?>(Settings);
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }

        merged[$"{WorkflowRuntimeOptions.SectionName}:NodeName"] = name;
        var node = new WorkflowNodeHost(this, name, merged, services =>
        {
            _configure?.Invoke(services);
            configure?.Invoke(services);
        });
        await node.InitializeAsync();
        _nodes.Add(node);
        return node;
    }

    /// <summary>Disposes the node (a stop) and builds a new one with the same name on the same database.</summary>
    public async Task<WorkflowNodeHost> RestartAsync(WorkflowNodeHost node, Action<IServiceCollection>? configure = null, IReadOnlyDictionary<string, string?>? settings = null)
    {
        ArgumentNullException.ThrowIfNull(node);
        await StopAsync(node);
        return await StartNodeAsync(node.NodeName, configure ?? node.Configure, settings ?? node.NodeSettings);
    }

    public async Task StopAsync(WorkflowNodeHost node)
    {
        ArgumentNullException.ThrowIfNull(node);
        _nodes.Remove(node);
        await node.DisposeAsync();
    }

    /// <summary>A context on the cluster's database, independent of any node.</summary>
    public WorkflowDbContext CreateDbContext()
    {
        if (Provider == DatabaseProvider.Postgres)
        {
            return new PostgresWorkflowDbContext(new DbContextOptionsBuilder<PostgresWorkflowDbContext>().UseNpgsql(ConnectionString).Options);
        }

        return new SqliteWorkflowDbContext(new DbContextOptionsBuilder<SqliteWorkflowDbContext>().UseSqlite(ConnectionString).Options);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes.ToList())
        {
            await node.DisposeAsync();
        }

        _nodes.Clear();
        if (_databaseName is not null && _serverConnectionString is not null)
        {
            NpgsqlConnection.ClearAllPools();
            await using var connection = new NpgsqlConnection(_serverConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{_databaseName}\" WITH (FORCE)", connection);
            await command.ExecuteNonQueryAsync();
        }

        if (_directory is not null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(_directory, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
                // Nothing was written.
            }
        }
    }
}

/// <summary>One AgentFlow host of a <see cref="WorkflowCluster"/>.</summary>
public sealed class WorkflowNodeHost(WorkflowCluster cluster, string nodeName, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection> configure)
    : AgentFlowHostFixture
{
    public string NodeName { get; } = nodeName;

    internal IReadOnlyDictionary<string, string?> NodeSettings => settings;

    internal Action<IServiceCollection> Configure => configure;

    public override DatabaseProvider Provider => cluster.Provider;

    public IWorkflowRuntime Runtime => Services.GetRequiredService<IWorkflowRuntime>();

    public WorkflowDefinitionService Definitions => Services.GetRequiredService<WorkflowDefinitionService>();

    protected override IReadOnlyDictionary<string, string?> ExtraSettings => settings;

    protected override Task<string> CreateDatabaseAsync() => Task.FromResult(cluster.ConnectionString);

    protected override void ConfigureTestServices(IServiceCollection services)
    {
        services.AddSingleton<TimeProvider>(cluster.Clock);
        configure(services);
    }

    /// <summary>Stores a definition and publishes it in the default organisation; returns the published version row.</summary>
    public async Task<WorkflowDefinitionRecord> PublishAsync(string json)
    {
        var parsed = WorkflowDefinitionSerializer.Parse(json);
        var definitionId = parsed.Document?.DefinitionId ?? throw new InvalidOperationException(string.Join("; ", parsed.Problems.Select(p => p.Message)));
        await using (var db = cluster.CreateDbContext())
        {
            if (await db.Definitions.AnyAsync(d => d.OrgId == WorkflowCluster.OrgId && d.DefinitionId == definitionId))
            {
                await Definitions.SaveDraftAsync(WorkflowCluster.OrgId, definitionId, json, "tests");
            }
            else
            {
                await Definitions.CreateAsync(WorkflowCluster.OrgId, json, "tests");
            }
        }

        return await Definitions.PublishAsync(WorkflowCluster.OrgId, definitionId);
    }

    public Task<StartWorkflowResult> StartAsync(string definitionId, System.Text.Json.Nodes.JsonObject? input = null, string? correlationId = null) =>
        Runtime.StartAsync(new StartWorkflowRequest { OrgId = WorkflowCluster.OrgId, DefinitionId = definitionId, Input = input, CorrelationId = correlationId });

    public Task<StimulusAccepted> SignalAsync(Guid instanceId, string name, System.Text.Json.Nodes.JsonNode? payload = null, string? idempotencyKey = null) =>
        Runtime.DeliverAsync(WorkflowCluster.OrgId, instanceId, new Stimulus("signal", name, payload, idempotencyKey));

    public Task<StimulusAccepted> DecideAsync(Guid instanceId, string nodeId, string decision, string? idempotencyKey = null) =>
        Runtime.DeliverAsync(WorkflowCluster.OrgId, instanceId, new Stimulus("approval", nodeId,
            new System.Text.Json.Nodes.JsonObject { ["decision"] = decision, ["decidedBy"] = "tests" }, idempotencyKey));
}
