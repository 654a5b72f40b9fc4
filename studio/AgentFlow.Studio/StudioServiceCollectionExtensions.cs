using AgentFlow.Studio.Api;
using AgentFlow.Studio.Live;
using AgentFlow.Studio.Session;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using MudBlazor;
using MudBlazor.Services;

namespace AgentFlow.Studio;

public static class StudioServiceCollectionExtensions
{
    /// <summary>The named HTTP client every Studio API call goes through.</summary>
    public const string ApiClientName = "AgentFlow.Studio.Api";

    /// <summary>
    /// The Studio's services. The Host provides <see cref="IStudioSessionSource"/> (it knows its session cookie)
    /// and authentication; the Studio brings its pages, its API client and the live activity feed.
    /// </summary>
    public static IServiceCollection AddAgentFlowStudio(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<StudioOptions>().Bind(configuration.GetSection(StudioOptions.SectionName));
        services.AddRazorComponents().AddInteractiveServerComponents();
        // Messages appear bottom right, clear of the page headers' action buttons.
        services.AddMudServices(mud => mud.SnackbarConfiguration.PositionClass = Defaults.Classes.Position.BottomRight);
        services.AddCascadingAuthenticationState();
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<StudioApiAddress>();
        services.AddHttpClient(ApiClientName, (provider, http) => http.BaseAddress = provider.GetRequiredService<StudioApiAddress>().BaseAddress);
        services.AddHttpClient<StudioApiClient>(ApiClientName);
        services.AddScoped<StudioSession>();
        services.AddScoped<LiveActivityFeed>();
        services.AddScoped<AuthenticationStateProvider, StudioAuthenticationStateProvider>();
        services.AddScoped<ThemeState>();
        return services;
    }
}
