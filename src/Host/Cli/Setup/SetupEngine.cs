using AgentFlow.Host.Startup;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>What the owner step did.</summary>
internal enum OwnerOutcome
{
    Created,

    /// <summary>The database already had users; setup left them as they were.</summary>
    AlreadyBootstrapped,
}

/// <summary>
/// The Engine over the chosen database, built the way the Host builds it (<c>AddAgentFlowEngine</c> over the same
/// settings) but without starting a web host: no background jobs, no server, just migrations and the owner.
/// </summary>
internal sealed class SetupEngine : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public SetupEngine(SetupAnswers answers)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(answers)).Build();
        var services = new ServiceCollection();

        // No logging providers: EF Core's own failure logs would repeat, unformatted, what setup reports.
        services.AddLogging();
        services.AddAgentFlowPersistence(configuration);
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });
    }

    /// <summary>The settings the Host will read from <c>agentflow.json</c>, with paths made absolute for this process.</summary>
    public static Dictionary<string, string?> Settings(SetupAnswers answers) => new()
    {
        [$"{DatabaseOptions.SectionName}:Provider"] = answers.Database.ToString(),
        [$"ConnectionStrings:{DatabaseOptions.ConnectionStringName}"] = answers.SetupConnectionString,
        ["AgentFlow:DataDirectory"] = Path.GetFullPath(answers.DataDirectory, answers.OutputDirectory),
    };

    public async Task<int> MigrateAsync(CancellationToken cancellationToken)
    {
        await using var scope = _services.CreateAsyncScope();
        var applied = await scope.ServiceProvider.GetRequiredService<PlatformDatabaseMigrator>().MigrateAsync(cancellationToken);
        return applied.Count;
    }

    public async Task<OwnerOutcome> CreateOwnerAsync(SetupAnswers answers, CancellationToken cancellationToken)
    {
        await using var scope = _services.CreateAsyncScope();
        var bootstrap = scope.ServiceProvider.GetRequiredService<BootstrapService>();
        if (await bootstrap.IsBootstrappedAsync(cancellationToken))
        {
            return OwnerOutcome.AlreadyBootstrapped;
        }

        try
        {
            await bootstrap.BootstrapAsync(new BootstrapCommand(answers.Company, answers.AdminEmail, answers.AdminPassword, answers.AdminName), cancellationToken);
            return OwnerOutcome.Created;
        }
        catch (ResourceConflictException exception) when (exception.Code == "ALREADY_BOOTSTRAPPED")
        {
            // Someone else (a starting Host, another setup) created the owner between the check and the insert.
            return OwnerOutcome.AlreadyBootstrapped;
        }
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
