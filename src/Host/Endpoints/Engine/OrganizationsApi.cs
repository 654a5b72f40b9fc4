using System.Text.Json.Serialization;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using AgentFlow.Host.RateLimiting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Engine;

public sealed record PlanLimitsResponse(
    long MaxAgents,
    long MaxUsers,
    long MaxKnowledgeBases,
    [property: JsonPropertyName("maxDocumentsPerKB")] long MaxDocumentsPerKnowledgeBase,
    long MaxStorageMb,
    long TokenBudgetMonthly,
    int ApiCallsPerMinute)
{
    internal static PlanLimitsResponse From(PlanQuota q) =>
        new(q.MaxAgents, q.MaxUsers, q.MaxKnowledgeBases, q.MaxDocumentsPerKnowledgeBase, q.MaxStorageMb, q.TokenBudgetMonthly, q.ApiCallsPerMinute);
}

public sealed record PlanResponse(string Name, PlanLimitsResponse Limits, IReadOnlyList<string> DeploymentTargets, IReadOnlyList<string> Features, int AuditRetentionDays)
{
    internal static PlanResponse From(Plan p) => new(p.Name, PlanLimitsResponse.From(p.Limits), p.DeploymentTargets, p.Features, p.AuditRetentionDays);
}

public sealed record OrganizationResponse(Guid Id, string Name, string Slug, string Plan, string? AdminEmail, OrganizationSettings Settings,
    PlanLimitsResponse Limits, IReadOnlyList<string> DeploymentTargets, IReadOnlyList<string> Features, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    internal static OrganizationResponse From(Organization o)
    {
        var plan = PlanCatalog.ForStored(o.Plan);
        return new(o.Id, o.Name, o.Slug, o.Plan, o.AdminEmail, OrganizationSettings.Parse(o.Settings), PlanLimitsResponse.From(plan.Limits),
            plan.DeploymentTargets, plan.Features, o.CreatedAt, o.UpdatedAt);
    }
}

public sealed record LimitCheckResponse(string Resource, bool Allowed, long Limit, long Current, long Remaining)
{
    internal static LimitCheckResponse From(LimitCheck c) => new(c.Resource, c.Allowed, c.Limit, c.Current, c.Remaining);
}

public sealed record UsageResponse(Guid OrgId, string Plan, LimitCheckResponse Agents, LimitCheckResponse Users, int ApiCallsPerMinute);

public sealed record FeatureCheckResponse(string Feature, bool Allowed, string Plan);

public sealed record OrganizationSettingsRequest(string? DefaultModel, string? DefaultPermissionProfile, bool? RequireApprovalForDeploy,
    int? AuditRetentionDays, string? DataRegion, IReadOnlyList<string>? AllowedDomains)
{
    internal OrganizationSettingsPatch ToPatch() =>
        new(DefaultModel, DefaultPermissionProfile, RequireApprovalForDeploy, AuditRetentionDays, DataRegion, AllowedDomains);
}

public sealed record CreateOrganizationRequest(string? Name, string? Slug, string? Plan, string? AdminEmail, OrganizationSettingsRequest? Settings);

public sealed record UpdateOrganizationRequest(string? Name, string? AdminEmail, OrganizationSettingsRequest? Settings);

public sealed record ChangePlanRequest(string? Plan);

public sealed record CheckLimitRequest(string? Resource, long? CurrentCount);

public sealed record CheckFeatureRequest(string? Feature);

/// <summary>
/// <c>/api/engine/orgs</c>: organisations, their plans and usage. Reads are open to every member of the
/// organisation; settings need its owner; creating organisations and changing plans need the platform
/// administrator (<see cref="OrgCaller.IsPlatformAdmin"/>). Another organisation is always a 404.
/// </summary>
internal static class OrganizationsApi
{
    public static IEndpointRouteBuilder MapOrganizationsApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/api/engine/plans", ListPlans).WithTags("Organizations").WithName("ListPlans")
            .WithSummary("The plans with their limits, deployment targets and features").RequireRole(UserRole.Viewer);

        var group = routes.MapGroup("/api/engine/orgs").WithTags("Organizations");
        group.MapPost("/", CreateOrganization).WithName("CreateOrganization")
            .WithSummary("Create an organisation with a plan (default free) and a unique slug (platform administrator)").RequireRole(UserRole.Owner).Audited("org.create");
        group.MapGet("/", ListOrganizations).WithName("ListOrganizations")
            .WithSummary("Every organisation for the platform administrator, otherwise the caller's own").RequireRole(UserRole.Viewer);
        group.MapGet("/{id:guid}", GetOrganization).WithName("GetOrganization").WithSummary("One organisation with its plan's limits").RequireRole(UserRole.Viewer);
        group.MapGet("/slug/{slug}", GetOrganizationBySlug).WithName("GetOrganizationBySlug").WithSummary("One organisation by its slug").RequireRole(UserRole.Viewer);
        group.MapPatch("/{id:guid}", UpdateOrganization).WithName("UpdateOrganization")
            .WithSummary("Change the name, contact email or settings (owner)").RequireRole(UserRole.Owner).Audited("org.update");
        group.MapPost("/{id:guid}/change-plan", ChangePlan).WithName("ChangeOrganizationPlan")
            .WithSummary("Change the plan (platform administrator)").RequireRole(UserRole.Owner).Audited("org.change_plan");
        group.MapGet("/{id:guid}/usage", GetUsage).WithName("GetOrganizationUsage").WithSummary("Agents and users against the plan's limits").RequireRole(UserRole.Viewer);
        group.MapPost("/{id:guid}/check-limit", CheckLimit).WithName("CheckOrganizationLimit")
            .WithSummary("Check one plan limit (resource, optional currentCount)").RequireRole(UserRole.Viewer).Audited("org.check_limit");
        group.MapPost("/{id:guid}/check-feature", CheckFeature).WithName("CheckOrganizationFeature").WithSummary("Check a feature gate").RequireRole(UserRole.Viewer).Audited("org.check_feature");
        return routes;
    }

    private static Ok<ListResponse<PlanResponse>> ListPlans() =>
        TypedResults.Ok(new ListResponse<PlanResponse>([.. PlanCatalog.All.Select(PlanResponse.From)], new ListMeta(PlanCatalog.All.Count, PlanCatalog.All.Count, 0)));

    private static async Task<Created<DataResponse<OrganizationResponse>>> CreateOrganization(CreateOrganizationRequest request, OrganizationService orgs,
        AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var org = await orgs.CreateAsync(new CreateOrganizationCommand(request.Name, request.Slug, request.Plan, request.AdminEmail, request.Settings?.ToPatch()),
            Caller(http), cancellationToken);
        audit.Resource = $"org:{org.Id}";
        audit.Details["slug"] = org.Slug;
        audit.Details["plan"] = org.Plan;
        return TypedResults.Created($"/api/engine/orgs/{org.Id}", Envelope.Of(OrganizationResponse.From(org)));
    }

    private static async Task<Ok<ListResponse<OrganizationResponse>>> ListOrganizations(OrganizationService orgs, string? limit, string? offset,
        HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.List(await orgs.ListAsync(Caller(http), Paging.Parse(limit, offset, 50, 200), cancellationToken), OrganizationResponse.From));

    private static async Task<Ok<DataResponse<OrganizationResponse>>> GetOrganization(Guid id, OrganizationService orgs, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(OrganizationResponse.From(await orgs.GetAsync(id, Caller(http), cancellationToken))));

    private static async Task<Ok<DataResponse<OrganizationResponse>>> GetOrganizationBySlug(string slug, OrganizationService orgs, HttpContext http, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(OrganizationResponse.From(await orgs.GetBySlugAsync(slug, Caller(http), cancellationToken))));

    private static async Task<Ok<DataResponse<OrganizationResponse>>> UpdateOrganization(Guid id, UpdateOrganizationRequest request, OrganizationService orgs,
        HttpContext http, CancellationToken cancellationToken)
    {
        var org = await orgs.UpdateAsync(id, new UpdateOrganizationCommand(request.Name, request.AdminEmail, request.Settings?.ToPatch()), Caller(http), cancellationToken);
        return TypedResults.Ok(Envelope.Of(OrganizationResponse.From(org)));
    }

    private static async Task<Ok<DataResponse<OrganizationResponse>>> ChangePlan(Guid id, ChangePlanRequest request, OrganizationService orgs,
        OrganizationRateLimiter rateLimiter, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var org = await orgs.ChangePlanAsync(id, request.Plan, Caller(http), cancellationToken);
        // The per-organisation request limit follows the new plan at once, not when the cached plan expires.
        rateLimiter.Forget(org.Id);
        audit.Details["plan"] = org.Plan;
        return TypedResults.Ok(Envelope.Of(OrganizationResponse.From(org)));
    }

    private static async Task<Ok<DataResponse<UsageResponse>>> GetUsage(Guid id, OrganizationService orgs, UsageService usage, HttpContext http, CancellationToken cancellationToken)
    {
        await orgs.GetAsync(id, Caller(http), cancellationToken);
        var current = await usage.GetUsageAsync(id, cancellationToken);
        var plan = current.Plan;
        return TypedResults.Ok(Envelope.Of(new UsageResponse(id, plan.Name,
            LimitCheckResponse.From(LimitCheck.Of(PlanResources.MaxAgents, plan.Limits.MaxAgents, current.Agents)),
            LimitCheckResponse.From(LimitCheck.Of(PlanResources.MaxUsers, plan.Limits.MaxUsers, current.Users)),
            plan.Limits.ApiCallsPerMinute)));
    }

    private static async Task<Ok<DataResponse<LimitCheckResponse>>> CheckLimit(Guid id, CheckLimitRequest request, OrganizationService orgs, UsageService usage,
        HttpContext http, CancellationToken cancellationToken)
    {
        await orgs.GetAsync(id, Caller(http), cancellationToken);
        return TypedResults.Ok(Envelope.Of(LimitCheckResponse.From(await usage.CheckAsync(id, request.Resource, request.CurrentCount, cancellationToken))));
    }

    private static async Task<Ok<DataResponse<FeatureCheckResponse>>> CheckFeature(Guid id, CheckFeatureRequest request, OrganizationService orgs,
        HttpContext http, CancellationToken cancellationToken)
    {
        var org = await orgs.GetAsync(id, Caller(http), cancellationToken);
        if (request.Feature is null || !OrgFeatures.All.Contains(request.Feature, StringComparer.Ordinal))
        {
            throw InputValidationException.For("feature", $"The feature must be one of: {string.Join(", ", OrgFeatures.All)}.");
        }

        var plan = PlanCatalog.ForStored(org.Plan);
        return TypedResults.Ok(Envelope.Of(new FeatureCheckResponse(request.Feature, plan.HasFeature(request.Feature), plan.Name)));
    }

    private static OrgCaller Caller(HttpContext http) => new(http.User.OrgId(), http.User.Role());
}
