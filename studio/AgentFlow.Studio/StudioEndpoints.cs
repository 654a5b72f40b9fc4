using AgentFlow.Studio.Components;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace AgentFlow.Studio;

/// <summary>Marks the Studio's page endpoints: an unauthenticated request is sent to the sign-in page, not given a 401.</summary>
public sealed class StudioPageMetadata;

public static class StudioEndpoints
{
    public const string BasePath = "/studio";
    public const string LoginPath = "/studio/login";

    /// <summary>
    /// Maps the Studio's pages (under <see cref="BasePath"/>) and the static assets (public: scripts, styles, icons).
    /// The caller puts the pages behind its authorization (the sign-in page allows anonymous access itself).
    /// </summary>
    public static RazorComponentsEndpointConventionBuilder MapAgentFlowStudio(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapStaticAssets().AllowAnonymous();
        var pages = endpoints.MapRazorComponents<App>();
        pages.AddInteractiveServerRenderMode();
        pages.WithMetadata(new StudioPageMetadata());
        return pages;
    }
}
