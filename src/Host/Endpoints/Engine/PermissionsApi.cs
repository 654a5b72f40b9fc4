using System.Net;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Permissions;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using AgentFlow.Plugins.Skills;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Engine;

/// <summary>A stored profile: the reference's profile shape plus the agent, the version and the dates.</summary>
public sealed record PermissionProfileResponse(
    Guid AgentId, int Version, string Name, string? Description, string? PresetId, ProfileSkills Skills, ProfileTools Tools, string MaxRiskLevel,
    IReadOnlyList<string> BlockedSideEffects, ProfileApproval RequireApproval, RateLimitSettings RateLimits, ProfileConstraints Constraints,
    DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static PermissionProfileResponse From(StoredPermissionProfile s)
    {
        var p = s.Profile;
        return new(s.AgentId, s.Version, p.Name, p.Description, p.PresetId, p.Skills, p.Tools, p.MaxRiskLevel, p.BlockedSideEffects,
            p.RequireApproval, p.RateLimits, p.Constraints, s.CreatedAt, s.UpdatedAt);
    }
}

public sealed record ApplyPresetRequest(string? PresetName, string? Preset);

/// <summary><c>context.time</c> (or the reference's <c>timestamp</c>) is an ISO 8601 instant; <c>context.ip</c> an address.</summary>
public sealed record PermissionCheckContext(string? Ip, string? Time, string? Timestamp);

/// <summary>The reference body <c>{agentId, toolId}</c>; <c>tool</c> is accepted for <c>toolId</c>.</summary>
public sealed record PermissionCheckRequest(string? AgentId, string? ToolId, string? Tool, PermissionCheckContext? Context);

public sealed record PermissionCheckResponse(Guid AgentId, string ToolId, bool Allowed, string Reason, bool RequiresApproval, bool Sandbox, int? ProfileVersion);

public sealed record AvailableToolResponse(string Id, string Name, string SkillId, string Category, string Risk, IReadOnlyList<string> SideEffects, bool RequiresApproval, string Reason);

/// <summary>The reference's <c>generateToolPolicy</c>, computed over the whole catalog.</summary>
public sealed record ToolPolicyResponse(Guid AgentId, int Version, bool Sandbox, IReadOnlyList<string> AllowedTools, IReadOnlyList<string> BlockedTools,
    IReadOnlyList<string> ApprovalRequired, RateLimitSettings RateLimits);

/// <summary>
/// Permission profiles and decisions (spec: Engine Endpoints, "Skills &amp; Permissions"). Every role reads profiles
/// and tool policies (viewers included); members ask for decisions; only admins change profiles. An agent of another
/// organisation is a 404.
/// </summary>
internal static class PermissionsApi
{
    public static IEndpointRouteBuilder MapPermissionsApi(this IEndpointRouteBuilder routes)
    {
        var profiles = routes.MapGroup("/api/engine/profiles").WithTags("Permissions");
        profiles.MapGet("/{agentId:guid}", GetProfile).WithName("GetPermissionProfile").WithSummary("An agent's permission profile").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        profiles.MapPut("/{agentId:guid}", PutProfile).WithName("PutPermissionProfile")
            .WithSummary("Replace an agent's profile (validated; {\"preset\": id or name} as the base)").RequireRole(UserRole.Admin).Audited("permission_profile.update");
        profiles.MapPost("/{agentId:guid}/apply-preset", ApplyPreset).WithName("ApplyPermissionPreset")
            .WithSummary("Replace an agent's profile with a preset (presetName: id or name)").RequireRole(UserRole.Admin).Audited("permission_profile.apply_preset");

        var permissions = routes.MapGroup("/api/engine/permissions").WithTags("Permissions");
        permissions.MapPost("/check", Check).WithName("CheckPermission")
            .WithSummary("Decide whether an agent may call a tool (agentId, toolId, context{ip, time})").RequireRole(UserRole.Member)
            .NotAudited("a read that takes a body; decisions of real calls are recorded by the runtime hook's activity");
        permissions.MapGet("/{agentId:guid}/tools", AvailableTools).WithName("ListAvailableTools").WithSummary("The catalog tools the agent may call").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        permissions.MapGet("/{agentId:guid}/policy", Policy).WithName("GetToolPolicy").WithSummary("Allowed, blocked and approval-required tools, and the rate limits").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        return routes;
    }

    private static async Task<Ok<DataResponse<PermissionProfileResponse>>> GetProfile(Guid agentId, PermissionProfileService profiles, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(PermissionProfileResponse.From(await profiles.GetAsync(agentId, cancellationToken))));

    private static async Task<Ok<DataResponse<PermissionProfileResponse>>> PutProfile(Guid agentId, PermissionProfileInput request, PermissionProfileService profiles,
        AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var stored = await profiles.PutAsync(agentId, request, http.User.UserId(), cancellationToken);
        audit.Resource = $"agent:{agentId}";
        audit.Details["version"] = stored.Version;
        audit.Details["preset"] = stored.Profile.PresetId;
        return TypedResults.Ok(Envelope.Of(PermissionProfileResponse.From(stored)));
    }

    private static async Task<Ok<DataResponse<PermissionProfileResponse>>> ApplyPreset(Guid agentId, ApplyPresetRequest request, PermissionProfileService profiles,
        AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var stored = await profiles.ApplyPresetAsync(agentId, request.PresetName ?? request.Preset, http.User.UserId(), cancellationToken);
        audit.Resource = $"agent:{agentId}";
        audit.Details["version"] = stored.Version;
        audit.Details["preset"] = stored.Profile.PresetId;
        return TypedResults.Ok(Envelope.Of(PermissionProfileResponse.From(stored)));
    }

    private static async Task<Ok<DataResponse<PermissionCheckResponse>>> Check(PermissionCheckRequest request, PermissionProfileService profiles, PermissionEngine engine,
        CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        Guid agentId = default;
        if (request.AgentId is null || !Guid.TryParse(request.AgentId, out agentId))
        {
            errors["agentId"] = [request.AgentId is null ? "The agentId field is required." : "The agentId must be an agent id."];
        }

        var toolId = request.ToolId ?? request.Tool;
        if (string.IsNullOrWhiteSpace(toolId) || toolId.Length > 128)
        {
            errors["toolId"] = ["The toolId field is required (at most 128 characters)."];
        }

        IPAddress? ip = null;
        if (request.Context?.Ip is { } ipText && !IPAddress.TryParse(ipText, out ip))
        {
            errors["context.ip"] = [$"'{ipText}' is not an IP address."];
        }

        DateTimeOffset? at = null;
        if ((request.Context?.Time ?? request.Context?.Timestamp) is { } timeText)
        {
            try
            {
                at = Paging.ParseDate("context.time", timeText);
            }
            catch (InputValidationException e)
            {
                errors["context.time"] = e.Errors["context.time"];
            }
        }

        if (errors.Count > 0)
        {
            throw new InputValidationException(errors);
        }

        var profile = await profiles.CompiledAsync(agentId, cancellationToken);
        var decision = engine.Decide(profile, toolId!, new PermissionContext(at, ip));
        return TypedResults.Ok(Envelope.Of(new PermissionCheckResponse(agentId, toolId!, decision.Allowed, decision.Reason, decision.RequiresApproval, decision.Sandbox, profile?.Version)));
    }

    private static async Task<Ok<ListResponse<AvailableToolResponse>>> AvailableTools(Guid agentId, PermissionProfileService profiles, CancellationToken cancellationToken)
    {
        var profile = await RequireProfileAsync(profiles, agentId, cancellationToken);
        List<AvailableToolResponse> tools =
        [
            .. profile.CatalogDecisions().Where(d => d.Decision.Allowed).Select(d => new AvailableToolResponse(d.Tool.Id, d.Tool.Name, d.Tool.SkillId,
                d.Tool.Category.ToName(), d.Tool.Risk.ToName(), d.Tool.SideEffects, d.Decision.RequiresApproval, d.Decision.Reason)),
        ];
        return TypedResults.Ok(new ListResponse<AvailableToolResponse>(tools, new ListMeta(tools.Count, tools.Count, 0)));
    }

    private static async Task<Ok<DataResponse<ToolPolicyResponse>>> Policy(Guid agentId, PermissionProfileService profiles, CancellationToken cancellationToken)
    {
        var profile = await RequireProfileAsync(profiles, agentId, cancellationToken);
        var decisions = profile.CatalogDecisions().ToList();
        return TypedResults.Ok(Envelope.Of(new ToolPolicyResponse(agentId, profile.Version, profile.Sandbox,
            [.. decisions.Where(d => d.Decision.Allowed).Select(d => d.Tool.Id)],
            [.. decisions.Where(d => !d.Decision.Allowed).Select(d => d.Tool.Id)],
            [.. decisions.Where(d => d.Decision.RequiresApproval).Select(d => d.Tool.Id)],
            profile.Profile.RateLimits)));
    }

    private static async Task<CompiledPermissionProfile> RequireProfileAsync(PermissionProfileService profiles, Guid agentId, CancellationToken cancellationToken) =>
        await profiles.CompiledAsync(agentId, cancellationToken) ?? throw new ResourceNotFoundException("Permission profile", agentId.ToString());
}
