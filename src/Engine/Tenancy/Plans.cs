using System.Collections.Frozen;
using AgentFlow.Engine.Errors;

namespace AgentFlow.Engine.Tenancy;

/// <summary>The plan names an organisation can have. Stored as text on <see cref="Organization.Plan"/>.</summary>
public static class PlanNames
{
    public const string Free = "free";
    public const string Team = "team";
    public const string Enterprise = "enterprise";
    public const string SelfHosted = "self-hosted";
}

/// <summary>The 14 feature gates a plan opens.</summary>
public static class OrgFeatures
{
    public const string CustomSkills = "custom-skills";
    public const string Sso = "sso";
    public const string AuditExport = "audit-export";
    public const string ApiAccess = "api-access";
    public const string Webhooks = "webhooks";
    public const string CustomDomain = "custom-domain";
    public const string PrioritySupport = "priority-support";
    public const string Sla = "sla";
    public const string DataResidency = "data-residency";
    public const string IpAllowlist = "ip-allowlist";
    public const string ApprovalWorkflows = "approval-workflows";
    public const string KnowledgeBase = "knowledge-base";
    public const string MultiDeploy = "multi-deploy";
    public const string WhiteLabel = "white-label";

    public static readonly IReadOnlyList<string> All =
    [
        CustomSkills, Sso, AuditExport, ApiAccess, Webhooks, CustomDomain, PrioritySupport,
        Sla, DataResidency, IpAllowlist, ApprovalWorkflows, KnowledgeBase, MultiDeploy, WhiteLabel,
    ];
}

/// <summary>Where an agent can be deployed; a plan lists the targets it allows.</summary>
public static class DeploymentTargets
{
    public const string Docker = "docker";
    public const string Vps = "vps";
    public const string Fly = "fly";
    public const string Railway = "railway";
    public const string Aws = "aws";
    public const string Gcp = "gcp";
    public const string Azure = "azure";
    public const string Local = "local";

    public static readonly IReadOnlyList<string> All = [Docker, Vps, Fly, Railway, Aws, Gcp, Azure, Local];
}

/// <summary>The countable limits of a plan, by the names the API uses (those of the reference system).</summary>
public static class PlanResources
{
    public const string MaxAgents = "maxAgents";
    public const string MaxUsers = "maxUsers";
    public const string MaxKnowledgeBases = "maxKnowledgeBases";
    public const string MaxDocumentsPerKnowledgeBase = "maxDocumentsPerKB";
    public const string MaxStorageMb = "maxStorageMb";
    public const string TokenBudgetMonthly = "tokenBudgetMonthly";
    public const string ApiCallsPerMinute = "apiCallsPerMinute";

    public static readonly IReadOnlyList<string> All =
        [MaxAgents, MaxUsers, MaxKnowledgeBases, MaxDocumentsPerKnowledgeBase, MaxStorageMb, TokenBudgetMonthly, ApiCallsPerMinute];
}

/// <summary>The numeric limits of a plan. <see cref="TokenBudgetMonthly"/> 0 means unlimited.</summary>
public sealed record PlanQuota(
    long MaxAgents,
    long MaxUsers,
    long MaxKnowledgeBases,
    long MaxDocumentsPerKnowledgeBase,
    long MaxStorageMb,
    long TokenBudgetMonthly,
    int ApiCallsPerMinute)
{
    /// <summary>The limit by its API name (see <see cref="PlanResources"/>), or <see langword="null"/> for an unknown name.</summary>
    public long? this[string resource] => resource switch
    {
        PlanResources.MaxAgents => MaxAgents,
        PlanResources.MaxUsers => MaxUsers,
        PlanResources.MaxKnowledgeBases => MaxKnowledgeBases,
        PlanResources.MaxDocumentsPerKnowledgeBase => MaxDocumentsPerKnowledgeBase,
        PlanResources.MaxStorageMb => MaxStorageMb,
        PlanResources.TokenBudgetMonthly => TokenBudgetMonthly,
        PlanResources.ApiCallsPerMinute => ApiCallsPerMinute,
        _ => null,
    };
}

/// <summary>One plan: its limits, the deployment targets and features it allows, and its default audit retention.</summary>
public sealed record Plan(string Name, PlanQuota Limits, IReadOnlyList<string> DeploymentTargets, IReadOnlyList<string> Features, int AuditRetentionDays)
{
    public bool HasFeature(string feature) => Features.Contains(feature, StringComparer.Ordinal);

    public bool CanDeployTo(string target) => DeploymentTargets.Contains(target, StringComparer.Ordinal);
}

/// <summary>
/// The plans as data: the numbers of the reference system's <c>PLAN_LIMITS</c> (free, team, enterprise, self-hosted).
/// "Unlimited" is the reference's 999,999 (or 999): a real number, so every check is the same comparison.
/// </summary>
public static class PlanCatalog
{
    private const long Unlimited = 999_999;

    public static readonly Plan Free = new(PlanNames.Free,
        new PlanQuota(MaxAgents: 3, MaxUsers: 5, MaxKnowledgeBases: 1, MaxDocumentsPerKnowledgeBase: 10, MaxStorageMb: 100,
            TokenBudgetMonthly: 1_000_000, ApiCallsPerMinute: 30),
        [DeploymentTargets.Docker, DeploymentTargets.Local],
        [OrgFeatures.KnowledgeBase],
        AuditRetentionDays: 30);

    public static readonly Plan Team = new(PlanNames.Team,
        new PlanQuota(MaxAgents: 25, MaxUsers: 50, MaxKnowledgeBases: 10, MaxDocumentsPerKnowledgeBase: 100, MaxStorageMb: 5_000,
            TokenBudgetMonthly: 10_000_000, ApiCallsPerMinute: 120),
        [DeploymentTargets.Docker, DeploymentTargets.Vps, DeploymentTargets.Fly, DeploymentTargets.Railway, DeploymentTargets.Local],
        [OrgFeatures.KnowledgeBase, OrgFeatures.ApiAccess, OrgFeatures.Webhooks, OrgFeatures.ApprovalWorkflows, OrgFeatures.Sso,
            OrgFeatures.AuditExport, OrgFeatures.CustomSkills],
        AuditRetentionDays: 90);

    public static readonly Plan Enterprise = new(PlanNames.Enterprise,
        new PlanQuota(MaxAgents: Unlimited, MaxUsers: Unlimited, MaxKnowledgeBases: 999, MaxDocumentsPerKnowledgeBase: 10_000,
            MaxStorageMb: 100_000, TokenBudgetMonthly: 0, ApiCallsPerMinute: 600),
        DeploymentTargets.All,
        OrgFeatures.All,
        AuditRetentionDays: 365);

    public static readonly Plan SelfHosted = new(PlanNames.SelfHosted,
        new PlanQuota(MaxAgents: Unlimited, MaxUsers: Unlimited, MaxKnowledgeBases: 999, MaxDocumentsPerKnowledgeBase: 10_000,
            MaxStorageMb: Unlimited, TokenBudgetMonthly: 0, ApiCallsPerMinute: 999),
        DeploymentTargets.All,
        [.. OrgFeatures.All.Where(f => f is not (OrgFeatures.PrioritySupport or OrgFeatures.Sla))],
        AuditRetentionDays: 365);

    public static readonly IReadOnlyList<Plan> All = [Free, Team, Enterprise, SelfHosted];

    private static readonly FrozenDictionary<string, Plan> ByName = All.ToFrozenDictionary(p => p.Name, StringComparer.Ordinal);

    public static bool TryGet(string? name, out Plan plan)
    {
        plan = null!;
        return name is not null && ByName.TryGetValue(name, out plan!);
    }

    /// <summary>The plan of that name.</summary>
    /// <exception cref="InputValidationException">No plan has that name (the field is <c>plan</c>).</exception>
    public static Plan Get(string? name) =>
        TryGet(name, out var plan)
            ? plan
            : throw InputValidationException.For("plan", $"Unknown plan '{name}'. Plans are: {string.Join(", ", All.Select(p => p.Name))}.");

    /// <summary>The plan a stored organisation has; a row with a plan this version does not know gets the smallest one.</summary>
    public static Plan ForStored(string name) => TryGet(name, out var plan) ? plan : Free;
}
