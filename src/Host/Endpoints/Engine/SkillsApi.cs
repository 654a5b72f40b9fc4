using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Skills;
using AgentFlow.Host.Auth;
using AgentFlow.Plugins.Skills;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Engine;

public sealed record ConfigOptionResponse(string Label, string Value);

/// <summary>A skill setting; <c>type</c> is string, number, select or secret (the original's ConfigField names).</summary>
public sealed record ConfigFieldResponse(string Key, string Label, string Type, bool Required, string? Description, string? Default, IReadOnlyList<ConfigOptionResponse> Options)
{
    internal static ConfigFieldResponse From(SkillConfigField f) =>
        new(f.Key, f.Label, f.Kind.ToName(), f.Required, f.Description, f.DefaultValue, [.. f.Options.Select(o => new ConfigOptionResponse(o.Label, o.Value))]);
}

public sealed record ToolResponse(string Id, string Name, string Description, string Category, string Risk, string SkillId, IReadOnlyList<string> SideEffects)
{
    internal static ToolResponse From(ToolDefinition t) => new(t.Id, t.Name, t.Description, t.Category.ToName(), t.Risk.ToName(), t.SkillId, t.SideEffects);
}

/// <summary>A skill as listed: its tools by id, the union of their side effects, and the pack it comes from (<c>source</c>).</summary>
public sealed record SkillResponse(
    string Id, string Name, string Description, string Category, string Risk, string Icon, IReadOnlyList<string> Requires, string Source,
    IReadOnlyList<string> ToolIds, IReadOnlyList<string> SideEffects, IReadOnlyList<ConfigFieldResponse> ConfigFields)
{
    internal static SkillResponse From(SkillDefinition s, SkillCatalog catalog) =>
        new(s.Id, s.Name, s.Description, s.Category, s.Risk.ToName(), s.Icon, s.Requires, catalog.PackOf(s.Id) ?? string.Empty,
            [.. catalog.ToolsOf(s.Id).Select(t => t.Id)], catalog.SideEffectsOf(s.Id), [.. s.ConfigFields.Select(ConfigFieldResponse.From)]);
}

/// <summary>One skill with its tools in full.</summary>
public sealed record SkillDetailResponse(
    string Id, string Name, string Description, string Category, string Risk, string Icon, IReadOnlyList<string> Requires, string Source,
    IReadOnlyList<string> ToolIds, IReadOnlyList<string> SideEffects, IReadOnlyList<ConfigFieldResponse> ConfigFields, IReadOnlyList<ToolResponse> Tools)
{
    internal static SkillDetailResponse From(SkillDefinition s, SkillCatalog catalog)
    {
        var r = SkillResponse.From(s, catalog);
        return new(r.Id, r.Name, r.Description, r.Category, r.Risk, r.Icon, r.Requires, r.Source, r.ToolIds, r.SideEffects, r.ConfigFields,
            [.. catalog.ToolsOf(s.Id).Select(ToolResponse.From)]);
    }
}

public sealed record SkillCategoryResponse(string Category, int Total, IReadOnlyList<SkillResponse> Skills);

public sealed record PresetSkillsResponse(string Mode, IReadOnlyList<string> List);

public sealed record PresetToolsResponse(IReadOnlyList<string> Blocked, IReadOnlyList<string> Allowed);

public sealed record PresetApprovalResponse(bool Enabled, IReadOnlyList<string> ForRiskLevels, IReadOnlyList<string> ForSideEffects, IReadOnlyList<string> Approvers, int TimeoutMinutes);

public sealed record PresetRateLimitsResponse(int ToolCallsPerMinute, int ToolCallsPerHour, int ToolCallsPerDay, int ExternalActionsPerHour);

public sealed record PresetConstraintsResponse(int MaxConcurrentTasks, int MaxSessionDurationMinutes, bool SandboxMode);

/// <summary>A preset in the original profile shape (skills{mode,list}, tools{blocked,allowed}, requireApproval, rateLimits, constraints).</summary>
public sealed record PresetResponse(
    string Id, string Name, string Description, PresetSkillsResponse Skills, PresetToolsResponse Tools, string MaxRiskLevel, IReadOnlyList<string> BlockedSideEffects,
    PresetApprovalResponse RequireApproval, PresetRateLimitsResponse RateLimits, PresetConstraintsResponse Constraints)
{
    internal static PresetResponse From(PermissionPreset p) => new(
        p.Id, p.Name, p.Description,
        new(p.SkillMode.ToName(), p.SkillIds),
        new(p.BlockedTools, p.AllowedTools),
        p.MaxRiskLevel.ToName(),
        p.BlockedSideEffects,
        // Approvers are users of one organisation; a preset never carries any.
        new(p.RequireApproval.Enabled, [.. p.RequireApproval.ForRiskLevels.Select(r => r.ToName())], p.RequireApproval.ForSideEffects, [], p.RequireApproval.TimeoutMinutes),
        new(p.RateLimits.ToolCallsPerMinute, p.RateLimits.ToolCallsPerHour, p.RateLimits.ToolCallsPerDay, p.RateLimits.ExternalActionsPerHour),
        new(p.Constraints.MaxConcurrentTasks, p.Constraints.MaxSessionDurationMinutes, p.Constraints.SandboxMode));
}

/// <summary>
/// The read side of the skill catalog (spec: Engine Endpoints, "Skills &amp; Permissions"; <c>/api/engine/tools</c> is
/// ours). The catalog is the same for every organisation, so any signed-in role may read it.
/// </summary>
internal static class SkillsApi
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 500;

    public static IEndpointRouteBuilder MapSkillsApi(this IEndpointRouteBuilder routes)
    {
        var skills = routes.MapGroup("/api/engine/skills").WithTags("Skills");
        skills.MapGet("/", ListSkills).WithName("ListSkills").WithSummary("List skills (category, risk, limit ≤ 500, offset)").RequireRole(UserRole.Viewer);
        skills.MapGet("/by-category", SkillsByCategory).WithName("ListSkillsByCategory").WithSummary("Skills grouped by category, in display order").RequireRole(UserRole.Viewer);
        skills.MapGet("/{id}", GetSkill).WithName("GetSkill").WithSummary("Get one skill with its tools").RequireRole(UserRole.Viewer);

        var tools = routes.MapGroup("/api/engine/tools").WithTags("Skills");
        tools.MapGet("/", ListTools).WithName("ListTools").WithSummary("List tools (skillId, category, risk, sideEffect, match=wildcard pattern, limit ≤ 500, offset)").RequireRole(UserRole.Viewer);
        tools.MapGet("/{id}", GetTool).WithName("GetTool").WithSummary("Get one tool").RequireRole(UserRole.Viewer);

        var presets = routes.MapGroup("/api/engine/profiles/presets").WithTags("Skills");
        presets.MapGet("/", ListPresets).WithName("ListPermissionPresets").WithSummary("List the permission presets").RequireRole(UserRole.Viewer);
        presets.MapGet("/{idOrName}", GetPreset).WithName("GetPermissionPreset").WithSummary("Get one preset by id or name").RequireRole(UserRole.Viewer);
        return routes;
    }

    private static Ok<ListResponse<SkillResponse>> ListSkills(SkillCatalog catalog, string? category, string? risk, string? limit, string? offset)
    {
        var page = Paging.Parse(limit, offset, DefaultLimit, MaxLimit);
        if (category is not null && !catalog.Categories.Contains(category, StringComparer.Ordinal))
        {
            throw InputValidationException.For("category", $"The category must be one of: {string.Join(", ", catalog.Categories)}.");
        }

        var riskLevel = ParseRisk(risk);
        var matching = catalog.Skills.Where(s => (category is null || s.Category == category) && (riskLevel is null || s.Risk == riskLevel)).ToList();
        return TypedResults.Ok(Envelope.List(Window(matching, page), s => SkillResponse.From(s, catalog)));
    }

    private static Ok<DataResponse<IReadOnlyList<SkillCategoryResponse>>> SkillsByCategory(SkillCatalog catalog)
    {
        IReadOnlyList<SkillCategoryResponse> groups =
        [
            .. catalog.Categories.Select(c =>
            {
                var members = catalog.Skills.Where(s => s.Category == c).Select(s => SkillResponse.From(s, catalog)).ToList();
                return new SkillCategoryResponse(c, members.Count, members);
            }),
        ];
        return TypedResults.Ok(Envelope.Of(groups));
    }

    private static Ok<DataResponse<SkillDetailResponse>> GetSkill(string id, SkillCatalog catalog) =>
        TypedResults.Ok(Envelope.Of(SkillDetailResponse.From(catalog.FindSkill(id) ?? throw new ResourceNotFoundException("Skill", id), catalog)));

    private static Ok<ListResponse<ToolResponse>> ListTools(SkillCatalog catalog, string? skillId, string? category, string? risk, string? sideEffect, string? match, string? limit, string? offset)
    {
        var page = Paging.Parse(limit, offset, DefaultLimit, MaxLimit);
        if (skillId is not null && catalog.FindSkill(skillId) is null)
        {
            throw InputValidationException.For("skillId", $"There is no skill '{skillId}'.");
        }

        ToolCategory? toolCategory = null;
        if (category is not null)
        {
            toolCategory = CatalogNames.TryParseToolCategory(category, out var parsed) ? parsed
                : throw InputValidationException.For("category", "The category must be one of: read, write, execute, communicate, destroy.");
        }

        if (match is not null && !ToolPattern.IsValid(match))
        {
            throw InputValidationException.For("match", "The match must be a tool id, optionally with * wildcards (e.g. agenticmail_*).");
        }

        var riskLevel = ParseRisk(risk);
        var candidates = match is null ? catalog.Tools : catalog.MatchTools(match);
        var matching = candidates
            .Where(t => (skillId is null || t.SkillId == skillId)
                && (toolCategory is null || t.Category == toolCategory)
                && (riskLevel is null || t.Risk == riskLevel)
                && (sideEffect is null || t.SideEffects.Contains(sideEffect, StringComparer.Ordinal)))
            .ToList();
        return TypedResults.Ok(Envelope.List(Window(matching, page), ToolResponse.From));
    }

    private static Ok<DataResponse<ToolResponse>> GetTool(string id, SkillCatalog catalog) =>
        TypedResults.Ok(Envelope.Of(ToolResponse.From(catalog.FindTool(id) ?? throw new ResourceNotFoundException("Tool", id))));

    private static Ok<ListResponse<PresetResponse>> ListPresets(SkillCatalog catalog) =>
        TypedResults.Ok(Envelope.List(new Page<PermissionPreset>(catalog.Presets, catalog.Presets.Count, catalog.Presets.Count, 0), PresetResponse.From));

    private static Ok<DataResponse<PresetResponse>> GetPreset(string idOrName, SkillCatalog catalog) =>
        TypedResults.Ok(Envelope.Of(PresetResponse.From(catalog.FindPreset(idOrName) ?? throw new ResourceNotFoundException("Preset", idOrName))));

    private static RiskLevel? ParseRisk(string? risk) =>
        risk is null ? null
        : CatalogNames.TryParseRisk(risk, out var parsed) ? parsed
        : throw InputValidationException.For("risk", "The risk must be one of: low, medium, high, critical.");

    private static Page<T> Window<T>(IReadOnlyList<T> items, PageRequest page) =>
        new([.. items.Skip(page.Offset).Take(page.Limit)], items.Count, page.Limit, page.Offset);
}
