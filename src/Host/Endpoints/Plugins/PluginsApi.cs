using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using AgentFlow.Plugins;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.Endpoints.Plugins;

public sealed record PluginContributionsResponse(
    IReadOnlyList<string> SkillPacks, IReadOnlyList<string> Skills, IReadOnlyList<string> Tools, IReadOnlyList<string> Presets,
    IReadOnlyList<string> DeployTargets, IReadOnlyList<string> Activities);

public sealed record PluginResponse(
    string Id, string? Version, string Status, string Folder, string? DisplayName, string? Author, string? Description,
    PluginContributionsResponse Contributes, IReadOnlyList<string> Errors, DateTimeOffset UpdatedAt)
{
    internal static PluginResponse From(PluginReport r) => new(
        r.Id, r.Version, r.Status.ToString().ToLowerInvariant(), r.Folder, r.DisplayName, r.Author, r.Description,
        new(r.Contributes.SkillPacks, r.Contributes.Skills, r.Contributes.Tools, r.Contributes.Presets, r.Contributes.DeployTargets, r.Contributes.Activities),
        r.Errors, r.UpdatedAt);
}

/// <summary>
/// <c>/api/plugins</c>: the plugins of this server. Plugins are shared by every organisation, so changing them
/// (upload, reload, delete) is for the platform administrator; reading the list is for administrators.
/// </summary>
internal static class PluginsApi
{
    public static IEndpointRouteBuilder MapPluginsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/plugins").WithTags("Plugins");
        group.MapGet("/", List).WithName("ListPlugins")
            .WithSummary("Every plugin folder: id, version, status (active, failed, conflict), what it contributes, errors").RequireRole(UserRole.Admin);
        group.MapGet("/{id}", Get).WithName("GetPlugin").WithSummary("One plugin by id").RequireRole(UserRole.Admin);
        group.MapPost("/reload", Reload).WithName("ReloadPlugins")
            .WithSummary("Read the plugins directory now: load new and changed folders, unload removed ones (platform administrator)")
            .RequireRole(UserRole.Owner).Audited("plugin.reload");
        group.MapPost("/", Upload).WithName("UploadPlugin")
            .WithSummary("Install or replace a plugin from a zip (application/zip body or a multipart file; platform administrator)")
            .Accepts<IFormFile>("multipart/form-data").Accepts<byte[]>("application/zip")
            .WithMetadata(new RequestSizeLimitAttribute(PluginUploadLimit.Bytes))
            .RequireRole(UserRole.Owner).Audited("plugin.install").DisableAntiforgery();
        group.MapDelete("/{id}", Delete).WithName("DeletePlugin").WithSummary("Remove a plugin and unload it (platform administrator)")
            .RequireRole(UserRole.Owner).Audited("plugin.delete");
        return routes;
    }

    private static Ok<ListResponse<PluginResponse>> List(PluginManager plugins)
    {
        var reports = plugins.Reports.Select(PluginResponse.From).ToList();
        return TypedResults.Ok(new ListResponse<PluginResponse>(reports, new ListMeta(reports.Count, reports.Count, 0)));
    }

    private static Ok<DataResponse<PluginResponse>> Get(string id, PluginManager plugins) =>
        TypedResults.Ok(Envelope.Of(PluginResponse.From(Find(plugins, id))));

    private static async Task<Ok<ListResponse<PluginResponse>>> Reload(PluginManager plugins, HttpContext http, CancellationToken cancellationToken)
    {
        RequirePlatformAdmin(http);
        var reports = (await plugins.ReconcileAsync(cancellationToken)).Select(PluginResponse.From).ToList();
        return TypedResults.Ok(new ListResponse<PluginResponse>(reports, new ListMeta(reports.Count, reports.Count, 0)));
    }

    private static async Task<Created<DataResponse<PluginResponse>>> Upload(
        PluginPackageInstaller installer, IOptions<PluginOptions> options, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        RequirePlatformAdmin(http);
        var request = http.Request;
        var max = options.Value.MaxUploadBytes;
        if (request.ContentLength > max)
        {
            throw new PluginPackageException($"The package is larger than the {max} bytes accepted (AgentFlow:Plugins:MaxUploadBytes).", PluginPackageInstaller.InvalidPackage);
        }

        await using var zip = new MemoryStream();
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            var file = form.Files.Count == 1 ? form.Files[0] : throw InputValidationException.For("file", "Attach exactly one .zip file.");
            await file.CopyToAsync(zip, cancellationToken);
        }
        else
        {
            await request.Body.CopyToAsync(zip, cancellationToken);
        }

        if (zip.Length == 0)
        {
            throw InputValidationException.For("file", "The body is empty: send the plugin zip.");
        }

        if (zip.Length > max)
        {
            throw new PluginPackageException($"The package is larger than the {max} bytes accepted (AgentFlow:Plugins:MaxUploadBytes).", PluginPackageInstaller.InvalidPackage);
        }

        zip.Position = 0;
        var report = await installer.InstallAsync(zip, cancellationToken);
        audit.Resource = $"plugin:{report.Id}";
        audit.Details["version"] = report.Version ?? "";
        return TypedResults.Created($"/api/plugins/{report.Id}", Envelope.Of(PluginResponse.From(report)));
    }

    private static async Task<NoContent> Delete(string id, PluginPackageInstaller installer, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        RequirePlatformAdmin(http);
        audit.Resource = $"plugin:{id}";
        return await installer.RemoveAsync(id, cancellationToken) ? TypedResults.NoContent() : throw new ResourceNotFoundException("Plugin", id);
    }

    private static PluginReport Find(PluginManager plugins, string id) =>
        plugins.Reports.FirstOrDefault(r => r.Id == id && r.Status == PluginStatus.Active)
        ?? plugins.Reports.FirstOrDefault(r => r.Id == id)
        ?? throw new ResourceNotFoundException("Plugin", id);

    private static void RequirePlatformAdmin(HttpContext http)
    {
        if (!new OrgCaller(http.User.OrgId(), http.User.Role()).IsPlatformAdmin)
        {
            throw new OperationNotAllowedException("PLATFORM_ADMIN_REQUIRED", "Plugins are shared by every organisation: only the platform administrator (the owner of the default organisation) may change them.");
        }
    }
}

/// <summary>The request-size ceiling of the upload route; the configured <c>MaxUploadBytes</c> is checked below it.</summary>
internal static class PluginUploadLimit
{
    // Multipart framing adds a little to the zip itself.
    public const long Bytes = (256L * 1024 * 1024) + (64 * 1024);
}
