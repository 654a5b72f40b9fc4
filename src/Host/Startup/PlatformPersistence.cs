using AgentFlow.Engine.Persistence;
using AgentFlow.Workflows.Persistence;

namespace AgentFlow.Host.Startup;

/// <summary>The platform's two models (Engine and Workflows) share one database; these keep them configured and migrated together.</summary>
internal static class PlatformPersistence
{
    /// <summary>The database settings the workflow runtime uses: the same provider and connection string as the Engine.</summary>
    public static WorkflowDatabase WorkflowDatabase(IConfiguration configuration)
    {
        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        return new WorkflowDatabase(
            database.Provider == DatabaseProvider.Postgres,
            ConnectionStrings.Resolve(configuration, database.Provider),
            database.CommandTimeoutSeconds);
    }

    /// <summary>Engine and workflow tables, without the runtime's workers (for the CLI verbs).</summary>
    public static IServiceCollection AddAgentFlowPersistence(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddAgentFlowEngine(configuration);
        services.AddAgentFlowWorkflowPersistence(WorkflowDatabase(configuration));
        services.AddScoped<PlatformDatabaseMigrator>();
        return services;
    }
}

/// <summary>Migrates the Engine's tables, then the workflow runtime's (which reference nothing of the Engine's).</summary>
internal sealed class PlatformDatabaseMigrator(DatabaseMigrator engine, WorkflowDatabaseMigrator workflows)
{
    public async Task<IReadOnlyList<string>> MigrateAsync(CancellationToken cancellationToken = default)
    {
        var applied = new List<string>(await engine.MigrateAsync(cancellationToken));
        applied.AddRange(await workflows.MigrateAsync(cancellationToken));
        return applied;
    }
}
