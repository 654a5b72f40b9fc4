using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Audit;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Permissions;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Retention;
using AgentFlow.Engine.Runtime;
using AgentFlow.Engine.Rules;
using AgentFlow.Engine.Settings;
using AgentFlow.Engine.Skills;
using AgentFlow.Engine.Stats;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Plugins.Skills;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Microsoft.Extensions.DependencyInjection;

public static class EngineServiceCollectionExtensions
{
    /// <summary>Domain services and persistence on the configured provider (SQLite by default).</summary>
    /// <summary>Registers a skill pack for the catalog (the same pack type twice is registered once).</summary>
    public static IServiceCollection AddSkillPack<TPack>(this IServiceCollection services)
        where TPack : class, ISkillPack
    {
        services.TryAddEnumerable(ServiceDescriptor.Singleton<ISkillPack, TPack>());
        return services;
    }

    public static IServiceCollection AddAgentFlowEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<DataDirectoryOptions>().Bind(configuration.GetSection("AgentFlow")).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<RetentionOptions>().Bind(configuration.GetSection("AgentFlow:Retention")).ValidateDataAnnotations().ValidateOnStart();

        var database = configuration.GetSection(DatabaseOptions.SectionName).Get<DatabaseOptions>() ?? new DatabaseOptions();
        var connectionString = ConnectionStrings.Resolve(configuration, database.Provider);
        switch (database.Provider)
        {
            case DatabaseProvider.Postgres:
                services.AddDbContext<PostgresAgentFlowDbContext>(o => o.UseNpgsql(connectionString, n => n.CommandTimeout(database.CommandTimeoutSeconds)));
                services.TryAddScoped<AgentFlowDbContext>(sp => sp.GetRequiredService<PostgresAgentFlowDbContext>());
                break;
            default:
                services.AddDbContext<SqliteAgentFlowDbContext>(o => o
                    .UseSqlite(connectionString, s => s.CommandTimeout(database.CommandTimeoutSeconds))
                    .AddInterceptors(new SqliteBusyTimeoutInterceptor(database.CommandTimeoutSeconds * 1000)));
                services.TryAddScoped<AgentFlowDbContext>(sp => sp.GetRequiredService<SqliteAgentFlowDbContext>());
                break;
        }

        services.TryAddSingleton(TimeProvider.System);
        services.AddMemoryCache();
        services.TryAddScoped<ScopedTenantContext>();
        services.TryAddScoped<ITenantContext>(sp => sp.GetRequiredService<ScopedTenantContext>());

        // Starts from the packs registered in the container (the Host registers none: its packs are plugins, swapped
        // in by the plugin manager). A request reads one snapshot for its whole duration.
        services.TryAddSingleton(sp => new SkillCatalogSource(sp.GetServices<ISkillPack>()));
        services.TryAddScoped(sp => sp.GetRequiredService<SkillCatalogSource>().Current);

        services.TryAddSingleton<AgentFlow.Engine.Deployment.DeployTargetCatalog>();
        services.AddOptions<AgentFlow.Engine.Deployment.DeploymentOptions>().Bind(configuration.GetSection(AgentFlow.Engine.Deployment.DeploymentOptions.SectionName));
        services.TryAddScoped<AgentFlow.Engine.Deployment.DeploymentService>();
        services.AddOptions<AgentFlow.Engine.Deployment.HealthOptions>().Bind(configuration.GetSection(AgentFlow.Engine.Deployment.HealthOptions.SectionName));
        services.TryAddScoped<AgentFlow.Engine.Deployment.HealthMonitor>();
        services.AddOptions<AgentFlow.Engine.Approvals.ApprovalOptions>().Bind(configuration.GetSection(AgentFlow.Engine.Approvals.ApprovalOptions.SectionName));
        services.AddOptions<AgentFlow.Engine.Notifications.SmtpOptions>().Bind(configuration.GetSection(AgentFlow.Engine.Notifications.SmtpOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<AgentFlow.Engine.Approvals.ApprovalSignals>();
        services.TryAddScoped<AgentFlow.Engine.Approvals.ApprovalPolicyService>();
        services.TryAddScoped<AgentFlow.Engine.Approvals.ApprovalService>();

        // Compiled profiles and call counters are per process (docs/permissions.md).
        services.TryAddSingleton<ToolCallCounters>();
        services.TryAddSingleton<PermissionEngine>();
        services.TryAddScoped<PermissionProfileService>();

        services.TryAddSingleton<IPasswordHasher>(_ => new Argon2PasswordHasher());
        services.TryAddSingleton<PasswordDecoy>();
        services.TryAddSingleton<CredentialResolver>();
        services.TryAddSingleton<IIdentityChangeNotifier>(sp => sp.GetRequiredService<CredentialResolver>());

        services.TryAddScoped<AgentService>();
        // No IAgentDeploymentOrchestrator here: the Host registers the one that does the deployment work.
        services.TryAddScoped<AgentLifecycleService>();
        services.TryAddScoped<UserService>();
        services.TryAddScoped<UserAuthenticator>();
        services.TryAddScoped<ApiKeyService>();
        services.TryAddScoped<RefreshTokenService>();
        services.TryAddScoped<BootstrapService>();
        services.TryAddScoped<OrganizationProvisioner>();
        services.TryAddScoped<OrganizationService>();
        services.TryAddScoped<UsageService>();
        services.TryAddScoped<AgentUsageService>();
        services.TryAddScoped<AuditLog>();
        services.TryAddScoped<EmailRuleService>();
        services.TryAddScoped<SettingsService>();
        services.TryAddScoped<RetentionService>();
        services.TryAddScoped<RetentionEnforcer>();
        services.TryAddScoped<StatsService>();
        services.TryAddScoped<DatabaseMigrator>();
        services.AddHostedService<RetentionJob>();

        services.AddOptions<ActivityOptions>().Bind(configuration.GetSection(ActivityOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ActivityHub>();
        services.TryAddSingleton<ActivityRecorder>();
        services.TryAddSingleton<IActivityRecorder>(sp => sp.GetRequiredService<ActivityRecorder>());
        services.TryAddSingleton<ActivityWriter>();
        services.AddHostedService(sp => sp.GetRequiredService<ActivityWriter>());
        services.TryAddScoped<ActivityQueries>();
        services.TryAddSingleton<RuntimeHookState>();
        services.TryAddScoped<RuntimeHookService>();
        return services;
    }
}
