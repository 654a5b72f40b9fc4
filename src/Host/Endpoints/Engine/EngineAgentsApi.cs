using System.Text.Json;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Engine;

/// <summary>Health as the lifecycle will report it; until deployments exist nothing is checked, so it is "unknown".</summary>
public sealed record AgentHealthResponse(string Status, DateTimeOffset? LastCheckAt)
{
    internal static readonly AgentHealthResponse Unknown = new("unknown", null);
}

public sealed record EngineAgentResponse(
    Guid Id,
    Guid OrgId,
    string Name,
    string? DisplayName,
    string Email,
    string Role,
    string Status,
    string State,
    int Version,
    AgentConfigView Config,
    bool ConfigComplete,
    IReadOnlyList<string> MissingConfig,
    JsonElement Metadata,
    AgentHealthResponse Health,
    UsagePeriods? Usage,
    Guid? CreatedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    internal static EngineAgentResponse From(Agent a) => From(a, usage: null);

    internal static EngineAgentResponse From(Agent a, UsagePeriods? usage)
    {
        var config = AgentConfigView.Of(a);
        return new(a.Id, a.OrgId, a.Name, a.DisplayName, a.Email, a.Role, AgentStatusNames.ToName(a.Status), a.State, a.ConfigVersion, config,
            config.IsComplete, config.Missing, JsonDocument.Parse(a.Metadata).RootElement.Clone(), AgentHealthResponse.Unknown, usage,
            a.CreatedBy, a.CreatedAt, a.UpdatedAt);
    }
}

/// <summary>
/// The reference's body. <c>orgId</c> may be left out (the caller's organisation); <c>createdBy</c> is accepted for
/// compatibility and ignored: the creator is the authenticated caller.
/// </summary>
public sealed record CreateEngineAgentRequest(Guid? OrgId, AgentConfigInput? Config, string? CreatedBy);

/// <summary>The reference's body; <c>updatedBy</c> is accepted and ignored like <c>createdBy</c>.</summary>
public sealed record UpdateEngineAgentConfigRequest(AgentConfigInput? Updates, string? UpdatedBy);

public sealed record AgentUsageResponse(Guid AgentId, string State, AgentHealthResponse Health, UsagePeriods Usage, AgentBudgetUse Budgets)
{
    internal static AgentUsageResponse From(AgentUsage u) => new(u.AgentId, u.State, AgentHealthResponse.Unknown, u.Periods, u.Budgets);
}

public sealed record OrganizationAgentUsageResponse(Guid OrgId, string Plan, UsagePeriods Usage, LimitCheckResponse Agents, LimitCheckResponse TokenBudgetMonthly,
    IReadOnlyList<AgentUsageLine> ByAgent)
{
    internal static OrganizationAgentUsageResponse From(OrganizationAgentUsage u) =>
        new(u.OrgId, u.Plan, u.Periods, LimitCheckResponse.From(u.Agents), LimitCheckResponse.From(u.TokenBudgetMonthly), u.ByAgent);
}

public sealed record StatsOrganizationResponse(Guid Id, string Name, string Slug, string Plan);

public sealed record StatsAgentsResponse(int Total, IReadOnlyDictionary<string, int> ByState, IReadOnlyDictionary<string, int> ByStatus);

public sealed record StatsUsageResponse(UsageTotals Today, UsageTotals ThisMonth, UsageTotals Total, LimitCheckResponse Agents, LimitCheckResponse TokenBudgetMonthly);

/// <summary>The reference's <c>{org, agents{total, byState}, usage, realTime}</c>.</summary>
public sealed record OrganizationStatsResponse(StatsOrganizationResponse Org, StatsAgentsResponse Agents, StatsUsageResponse Usage, RealTimeActivity RealTime)
{
    internal static OrganizationStatsResponse From(OrganizationStats s) => new(
        new StatsOrganizationResponse(s.Org.Id, s.Org.Name, s.Org.Slug, s.Org.Plan),
        new StatsAgentsResponse(s.TotalAgents, s.ByState, s.ByStatus),
        new StatsUsageResponse(s.Usage.Today, s.Usage.ThisMonth, s.Usage.Total, LimitCheckResponse.From(s.Agents), LimitCheckResponse.From(s.TokenBudgetMonthly)),
        s.RealTime);
}

/// <summary>
/// <c>/api/engine/agents</c>, <c>/api/engine/usage/{orgId}</c>, <c>/api/engine/stats/{orgId}</c>. Engine agents are the
/// agents of <c>/api/agents</c> seen with their engine configuration. Every role reads (viewers included), admins
/// create and configure. Agents are always the caller's organisation's (another organisation's agent is a 404, even for
/// the platform administrator); usage and stats of another organisation are a 404 unless the caller is the platform
/// administrator (<see cref="OrgCaller.IsPlatformAdmin"/>).
/// </summary>
internal static partial class EngineAgentsApi
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 200;

    public static IEndpointRouteBuilder MapEngineAgentsApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/engine/agents").WithTags("Engine agents");
        group.MapPost("/", CreateEngineAgent).WithName("CreateEngineAgent")
            .WithSummary("Create an agent from its engine configuration (orgId optional, config with name required); state draft").RequireRole(UserRole.Admin).Audited("engine_agent.create");
        group.MapGet("/", ListEngineAgents).WithName("ListEngineAgents")
            .WithSummary("The organisation's agents with their configuration (orgId optional, state, status, limit ≤ 200, offset)").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapGet("/{id:guid}", GetEngineAgent).WithName("GetEngineAgent").WithSummary("One agent with its configuration, state, health and usage").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        group.MapPatch("/{id:guid}/config", UpdateEngineAgentConfig).WithName("UpdateEngineAgentConfig")
            .WithSummary("Merge configuration changes ({updates}) in draft, configuring, ready, stopped or error; the agent becomes ready if complete, else configuring").RequireRole(UserRole.Admin).Audited("engine_agent.configure");
        group.MapGet("/{id:guid}/usage", GetEngineAgentUsage).WithName("GetEngineAgentUsage")
            .WithSummary("Tool calls, tokens and cost today, this month and in total, against the agent's budgets").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        MapLifecycle(group);

        routes.MapGet("/api/engine/usage/{orgId:guid}", GetOrganizationAgentUsage).WithTags("Engine agents").WithName("GetEngineOrganizationUsage")
            .WithSummary("The organisation's usage across its agents, per agent and against the plan").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        routes.MapGet("/api/engine/stats/{orgId:guid}", GetOrganizationStats).WithTags("Engine agents").WithName("GetEngineOrganizationStats")
            .WithSummary("Dashboard stats: agents by state, usage, the last five minutes of activity").RequireRole(UserRole.Viewer).RefuseAgentKeys();
        return routes;
    }

    private static async Task<Created<DataResponse<EngineAgentResponse>>> CreateEngineAgent(CreateEngineAgentRequest request, AgentService agents,
        AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        EnsureOwnOrganization(http, request.OrgId);
        var agent = await agents.CreateEngineAsync(request.Config, http.User.UserId(), cancellationToken);
        audit.Resource = $"agent:{agent.Id}";
        audit.Details["name"] = agent.Name;
        return TypedResults.Created($"/api/engine/agents/{agent.Id}", Envelope.Of(EngineAgentResponse.From(agent)));
    }

    private static async Task<Ok<ListResponse<EngineAgentResponse>>> ListEngineAgents(AgentService agents, string? orgId, string? state, string? status,
        string? limit, string? offset, HttpContext http, CancellationToken cancellationToken)
    {
        if (orgId is not null)
        {
            EnsureOwnOrganization(http, Guid.TryParse(orgId, out var parsed) ? parsed : throw InputValidationException.For("orgId", "The orgId must be a UUID."));
        }

        var page = await agents.ListEngineAsync(new EngineAgentFilter(state, status), Paging.Parse(limit, offset, DefaultLimit, MaxLimit), cancellationToken);
        return TypedResults.Ok(Envelope.List(page, EngineAgentResponse.From));
    }

    private static async Task<Ok<DataResponse<EngineAgentResponse>>> GetEngineAgent(Guid id, AgentService agents, AgentUsageService usage, CancellationToken cancellationToken)
    {
        var agent = await agents.GetAsync(id, cancellationToken);
        var current = await usage.ForAgentAsync(id, cancellationToken);
        return TypedResults.Ok(Envelope.Of(EngineAgentResponse.From(agent, current.Periods)));
    }

    private static async Task<Ok<DataResponse<EngineAgentResponse>>> UpdateEngineAgentConfig(Guid id, UpdateEngineAgentConfigRequest request, AgentService agents,
        AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var (agent, transition) = await agents.UpdateConfigAsync(id, request.Updates, http.User.UserId(), cancellationToken);
        audit.Resource = $"agent:{agent.Id}";
        audit.Details["version"] = agent.ConfigVersion;
        audit.Details["from"] = transition.From;
        audit.Details["to"] = transition.To;
        return TypedResults.Ok(Envelope.Of(EngineAgentResponse.From(agent)));
    }

    private static async Task<Ok<DataResponse<AgentUsageResponse>>> GetEngineAgentUsage(Guid id, AgentUsageService usage, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(AgentUsageResponse.From(await usage.ForAgentAsync(id, cancellationToken))));

    private static async Task<Ok<DataResponse<OrganizationAgentUsageResponse>>> GetOrganizationAgentUsage(Guid orgId, OrganizationService orgs, AgentUsageService usage,
        HttpContext http, CancellationToken cancellationToken)
    {
        await orgs.GetAsync(orgId, Caller(http), cancellationToken);
        return TypedResults.Ok(Envelope.Of(OrganizationAgentUsageResponse.From(await usage.ForOrganizationAsync(orgId, cancellationToken))));
    }

    private static async Task<Ok<DataResponse<OrganizationStatsResponse>>> GetOrganizationStats(Guid orgId, OrganizationService orgs, AgentUsageService usage,
        HttpContext http, CancellationToken cancellationToken)
    {
        await orgs.GetAsync(orgId, Caller(http), cancellationToken);
        return TypedResults.Ok(Envelope.Of(OrganizationStatsResponse.From(await usage.StatsAsync(orgId, cancellationToken))));
    }

    /// <summary>
    /// The reference takes the organisation from the body or query; here it is the caller's, and naming another one
    /// answers 404 like any other organisation's resource (agents are never created or listed across organisations).
    /// </summary>
    private static void EnsureOwnOrganization(HttpContext http, Guid? orgId)
    {
        if (orgId is { } requested && requested != http.User.OrgId())
        {
            throw new ResourceNotFoundException("Organization", requested.ToString());
        }
    }

    private static OrgCaller Caller(HttpContext http) => new(http.User.OrgId(), http.User.Role());
}
