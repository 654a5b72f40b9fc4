using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace AgentFlow.Plugins;

public static class PluginServiceCollectionExtensions
{
    /// <summary>
    /// The plugin loader, manager, installer and directory watcher. Register it before the hosted services that need
    /// plugin contributions at start (hosted services start in registration order). Contributions reach the platform
    /// through the <see cref="IPluginContributionHandler"/>s registered by the caller.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The configuration (section <c>AgentFlow:Plugins</c>).</param>
    /// <param name="contentRoot">Where a relative plugins directory starts.</param>
    /// <param name="dataDirectory">Where a relative shadow directory starts.</param>
    public static IServiceCollection AddAgentFlowPlugins(this IServiceCollection services, IConfiguration configuration, string contentRoot, string dataDirectory)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PluginOptions>().Bind(configuration.GetSection(PluginOptions.SectionName));
        services.TryAddSingleton(TimeProvider.System);
        services.AddHttpClient();
        services.TryAddSingleton(sp =>
        {
            var settings = sp.GetRequiredService<IOptions<PluginOptions>>().Value;
            return new PluginPaths(
                Path.GetFullPath(settings.Directory, contentRoot),
                Path.GetFullPath(settings.ShadowDirectory, Path.GetFullPath(dataDirectory, contentRoot)));
        });
        services.TryAddSingleton<PluginLoader>();
        services.TryAddSingleton<PluginManager>();
        services.TryAddSingleton<PluginPackageInstaller>();
        services.AddHostedService<PluginDirectoryWatcher>();
        return services;
    }
}
