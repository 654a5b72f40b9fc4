using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Expressions;
using AgentFlow.Workflows.Graph;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The database the workflow tables live in (the Host passes the platform's).</summary>
/// <param name="IsPostgres">PostgreSQL when true, SQLite otherwise.</param>
/// <param name="ConnectionString">The connection string.</param>
/// <param name="CommandTimeoutSeconds">Command timeout; SQLite also waits this long for a busy writer.</param>
public sealed record WorkflowDatabase(bool IsPostgres, string ConnectionString, int CommandTimeoutSeconds = 30);

public static class WorkflowServiceCollectionExtensions
{
    /// <summary>The workflow tables only (the <c>migrate</c> and <c>setup</c> verbs need nothing else).</summary>
    public static IServiceCollection AddAgentFlowWorkflowPersistence(this IServiceCollection services, WorkflowDatabase database)
    {
        ArgumentNullException.ThrowIfNull(database);
        if (database.IsPostgres)
        {
            services.AddPooledDbContextFactory<PostgresWorkflowDbContext>((sp, o) => o
                .UseNpgsql(database.ConnectionString, n => n.CommandTimeout(database.CommandTimeoutSeconds).MigrationsHistoryTable(WorkflowDbContext.MigrationsHistoryTable))
                .AddInterceptors(sp.GetServices<IWorkflowDbInterceptor>()));
            services.TryAddSingleton<IDbContextFactory<WorkflowDbContext>, WorkflowDbContextFactory<PostgresWorkflowDbContext>>();
        }
        else
        {
            services.AddPooledDbContextFactory<SqliteWorkflowDbContext>((sp, o) => o
                .UseSqlite(database.ConnectionString, s => s.CommandTimeout(database.CommandTimeoutSeconds).MigrationsHistoryTable(WorkflowDbContext.MigrationsHistoryTable))
                .AddInterceptors([new SqliteBusyTimeout(database.CommandTimeoutSeconds * 1000), .. sp.GetServices<IWorkflowDbInterceptor>()]));
            services.TryAddSingleton<IDbContextFactory<WorkflowDbContext>, WorkflowDbContextFactory<SqliteWorkflowDbContext>>();
        }

        services.TryAddSingleton<WorkflowDatabaseMigrator>();
        return services;
    }

    /// <summary>The workflow runtime: persistence, activities, expressions, executor, stimuli and (unless disabled) the background workers.</summary>
    public static IServiceCollection AddAgentFlowWorkflows(this IServiceCollection services, IConfiguration configuration, WorkflowDatabase database)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddAgentFlowWorkflowPersistence(database);
        services.AddOptions<WorkflowRuntimeOptions>().Bind(configuration.GetSection(WorkflowRuntimeOptions.SectionName));
        services.AddOptions<ExpressionOptions>().Bind(configuration.GetSection(ExpressionOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);

        services.TryAddSingleton(sp =>
        {
            var registry = new ActivityTypeRegistry().AddBuiltinActivities();
            foreach (var contribution in sp.GetServices<IActivityTypeContribution>())
            {
                contribution.Register(registry);
            }

            return registry;
        });
        services.TryAddSingleton<IActivityDescriptorLookup>(sp => sp.GetRequiredService<ActivityTypeRegistry>());
        services.TryAddSingleton(sp => new WorkflowGraphCompiler(sp.GetRequiredService<IActivityDescriptorLookup>()));
        services.TryAddSingleton(sp => ExpressionEvaluators.Create(sp.GetRequiredService<IOptions<ExpressionOptions>>().Value));
        services.TryAddSingleton<ActivityFactory>();
        services.TryAddSingleton<StepExecutor>();
        services.TryAddSingleton<WorkflowNode>();
        services.TryAddSingleton<WorkflowGraphCache>();
        services.AddOptions<WorkflowDefinitionOptions>().Bind(configuration.GetSection(WorkflowDefinitionOptions.SectionName));
        services.TryAddSingleton<WorkflowDefinitionService>();
        services.TryAddSingleton<WorkflowSeeder>();

        services.TryAddSingleton<RuntimeSignals>();
        services.TryAddSingleton<BurstCommitter>();
        services.TryAddSingleton<InstanceLeases>();
        services.TryAddSingleton<WorkItemStore>();
        services.TryAddSingleton<InstanceBurstRunner>();
        services.TryAddSingleton<IWorkflowRuntime, WorkflowRuntime>();
        services.TryAddSingleton<WorkItemProcessor>();
        services.TryAddSingleton<TimerPoller>();
        services.TryAddSingleton<OutboxDispatcher>();
        services.AddHttpClient(HttpOutboxHandler.ClientName, c => c.Timeout = TimeSpan.FromSeconds(30));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxHandler, HttpOutboxHandler>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IOutboxHandler, WorkflowStartOutboxHandler>());

        // The workers, pollers and dispatcher run on every node; a node can opt out (e.g. an API-only replica).
        var runtime = configuration.GetSection(WorkflowRuntimeOptions.SectionName).Get<WorkflowRuntimeOptions>() ?? new WorkflowRuntimeOptions();
        if (runtime.RunBackgroundServices)
        {
            services.AddHostedService<WorkflowWorker>();
            services.AddHostedService(sp => sp.GetRequiredService<TimerPoller>());
            services.AddHostedService(sp => sp.GetRequiredService<OutboxDispatcher>());
        }

        return services;
    }
}

/// <summary>Adds activity types to the registry (plugins and platform activities register through this).</summary>
public interface IActivityTypeContribution
{
    void Register(ActivityTypeRegistry registry);
}
