using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Retention;
using AgentFlow.Engine.Settings;
using AgentFlow.Engine.Stats;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Admin;

/// <summary>Company settings as served: <c>smtpPass</c> and <c>dkimPrivateKey</c> are <c>***</c> when set.</summary>
public sealed record SettingsResponse(string Name, string? Domain, string Subdomain, string? SmtpHost, int? SmtpPort, string? SmtpUser, string? SmtpPass,
    string? DkimPrivateKey, string? LogoUrl, string PrimaryColor, string Plan, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static SettingsResponse From(CompanySettings s) => new(s.Name, s.Domain, s.Subdomain, s.SmtpHost, s.SmtpPort, s.SmtpUser,
        SettingsService.Mask(s.SmtpPass), SettingsService.Mask(s.DkimPrivateKey), s.LogoUrl, s.PrimaryColor, s.Plan, s.CreatedAt, s.UpdatedAt);
}

public sealed record UpdateSettingsRequest(string? Name, string? Domain, string? Subdomain, string? SmtpHost, int? SmtpPort, string? SmtpUser, string? SmtpPass,
    string? DkimPrivateKey, string? LogoUrl, string? PrimaryColor);

public sealed record RetentionResponse(bool Enabled, int RetainDays, bool ArchiveFirst, IReadOnlyList<string> ExcludeTags, DateTimeOffset UpdatedAt, DateTimeOffset? LastAppliedAt)
{
    internal static RetentionResponse From(RetentionPolicy p) => new(p.Enabled, p.RetainDays, p.ArchiveFirst, p.ExcludeTags, p.UpdatedAt, p.LastAppliedAt);
}

public sealed record SetRetentionRequest(bool? Enabled, int? RetainDays, bool? ArchiveFirst, IReadOnlyList<string>? ExcludeTags);

public sealed record StatsResponse(int TotalAgents, int ActiveAgents, int TotalUsers, int ActiveApiKeys, int TotalAuditEvents);

internal static class SettingsApi
{
    public static IEndpointRouteBuilder MapSettingsApi(this IEndpointRouteBuilder routes)
    {
        var settings = routes.MapGroup("/api/settings").WithTags("Settings");
        settings.MapGet("/", GetSettings).WithName("GetSettings").WithSummary("Company settings (secrets masked)").RequireRole(UserRole.Viewer);
        settings.MapPatch("/", UpdateSettings).WithName("UpdateSettings").WithSummary("Change company settings; '***' keeps a stored secret, '' clears a field").RequireRole(UserRole.Admin).Audited("settings.update");

        var retention = routes.MapGroup("/api/retention").WithTags("Settings");
        retention.MapGet("/", GetRetention).WithName("GetRetention").WithSummary("The audit-log retention policy").RequireRole(UserRole.Admin);
        retention.MapPut("/", SetRetention).WithName("SetRetention").WithSummary("Replace the audit-log retention policy (retainDays 1–3650)").RequireRole(UserRole.Owner).Audited("retention.update");

        routes.MapGroup("/api/stats").WithTags("Stats")
            .MapGet("/", GetStats).WithName("GetStats").WithSummary("Dashboard counts for the organisation").RequireRole(UserRole.Viewer);
        return routes;
    }

    private static async Task<Ok<DataResponse<SettingsResponse>>> GetSettings(SettingsService settings, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(SettingsResponse.From(await settings.GetAsync(cancellationToken))));

    private static async Task<Ok<DataResponse<SettingsResponse>>> UpdateSettings(UpdateSettingsRequest request, SettingsService settings, AuditContext audit, CancellationToken cancellationToken)
    {
        var updated = await settings.UpdateAsync(new UpdateSettingsCommand(request.Name, request.Domain, request.Subdomain, request.SmtpHost, request.SmtpPort,
            request.SmtpUser, request.SmtpPass, request.DkimPrivateKey, request.LogoUrl, request.PrimaryColor), cancellationToken);
        audit.Resource = "settings";
        return TypedResults.Ok(Envelope.Of(SettingsResponse.From(updated)));
    }

    private static async Task<Ok<DataResponse<RetentionResponse>>> GetRetention(RetentionService retention, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(RetentionResponse.From(await retention.GetAsync(cancellationToken))));

    private static async Task<Ok<DataResponse<RetentionResponse>>> SetRetention(SetRetentionRequest request, RetentionService retention, AuditContext audit, CancellationToken cancellationToken)
    {
        var policy = await retention.SetAsync(new SetRetentionCommand(request.Enabled, request.RetainDays, request.ArchiveFirst, request.ExcludeTags), cancellationToken);
        audit.Resource = "retention";
        audit.Details["enabled"] = policy.Enabled;
        audit.Details["retainDays"] = policy.RetainDays;
        return TypedResults.Ok(Envelope.Of(RetentionResponse.From(policy)));
    }

    private static async Task<Ok<DataResponse<StatsResponse>>> GetStats(StatsService stats, CancellationToken cancellationToken)
    {
        var s = await stats.GetAsync(cancellationToken);
        return TypedResults.Ok(Envelope.Of(new StatsResponse(s.TotalAgents, s.ActiveAgents, s.TotalUsers, s.ActiveApiKeys, s.TotalAuditEvents)));
    }
}
