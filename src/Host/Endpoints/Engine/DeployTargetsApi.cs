using AgentFlow.Engine.Deployment;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Plugins.Deployment;
using AgentFlow.Plugins.Skills;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Engine;

public sealed record DeployConfigOptionResponse(string Label, string Value);

public sealed record DeployConfigFieldResponse(string Key, string Label, string Kind, bool Required, string? Description, string? DefaultValue, IReadOnlyList<DeployConfigOptionResponse> Options)
{
    internal static DeployConfigFieldResponse From(DeployConfigField f) =>
        new(f.Key, f.Label, f.Kind.ToName(), f.Required, f.Description, f.DefaultValue, [.. f.Options.Select(o => new DeployConfigOptionResponse(o.Label, o.Value))]);
}

public sealed record DeployTargetPluginResponse(string Id, string Version);

public sealed record DeployTargetResponse(string Id, string DisplayName, string Description, IReadOnlyList<DeployConfigFieldResponse> ConfigSchema, DeployTargetPluginResponse Plugin)
{
    internal static DeployTargetResponse From(DeployTargetInfo t) =>
        new(t.Id, t.DisplayName, t.Description, [.. t.ConfigSchema.Select(DeployConfigFieldResponse.From)], new(t.PluginId, t.PluginVersion));
}

/// <summary><c>/api/engine/deploy-targets</c>: where agents can run, as contributed by the active plugins, with the settings form of each.</summary>
internal static class DeployTargetsApi
{
    public static IEndpointRouteBuilder MapDeployTargetsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/engine/deploy-targets").WithTags("Deployment");
        group.MapGet("/", List).WithName("ListDeployTargets").WithSummary("The deploy targets of the active plugins, with their config schema").RequireRole(UserRole.Viewer);
        group.MapGet("/{id}", Get).WithName("GetDeployTarget").WithSummary("One deploy target").RequireRole(UserRole.Viewer);
        return routes;
    }

    private static Ok<ListResponse<DeployTargetResponse>> List(DeployTargetCatalog targets)
    {
        var all = targets.All.Select(DeployTargetResponse.From).ToList();
        return TypedResults.Ok(new ListResponse<DeployTargetResponse>(all, new ListMeta(all.Count, all.Count, 0)));
    }

    private static Ok<DataResponse<DeployTargetResponse>> Get(string id, DeployTargetCatalog targets) =>
        TypedResults.Ok(Envelope.Of(DeployTargetResponse.From(targets.Find(id) ?? throw new ResourceNotFoundException("DeployTarget", id))));
}
