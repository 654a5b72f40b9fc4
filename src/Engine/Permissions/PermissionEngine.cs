using System.Collections.Concurrent;
using System.Net;
using AgentFlow.Engine.Skills;

namespace AgentFlow.Engine.Permissions;

/// <summary>What a decision may depend on besides the profile: when, and from where.</summary>
/// <param name="Time">The moment of the call; null means now.</param>
/// <param name="Ip">The caller's address; null skips the IP allow list (the check route without <c>context.ip</c>).</param>
public readonly record struct PermissionContext(DateTimeOffset? Time = null, IPAddress? Ip = null);

/// <summary>
/// Decides tool calls against compiled profiles, in the reference's rule order (docs/permissions.md):
/// 0 no profile, 1 sandbox, 2 working hours, 3 IP allow list, 4 blocked tools, 5 allowed tools (then approval),
/// 6 unknown tool, 7 skill, 8 max risk, 9 blocked side effects, 10 approval; then ours: 11 rate limits and
/// 12 concurrency, for a call that would otherwise be allowed.
/// </summary>
/// <remarks>
/// Rules 4–10 depend only on the profile version and the tool, so they are precomputed per version
/// (<see cref="CompiledPermissionProfile"/>); the compiled profiles are cached per agent here and replaced when a
/// profile changes (<see cref="Publish"/>), never by an older version. A decision on a known tool is a few
/// comparisons and one frozen-dictionary lookup, and allocates nothing.
/// </remarks>
public sealed class PermissionEngine(SkillCatalogSource catalogs, ToolCallCounters counters, TimeProvider time)
{
    private readonly ConcurrentDictionary<Guid, CompiledPermissionProfile> _compiled = new();

    /// <summary>The catalog in force (see <see cref="SkillCatalogSource"/>).</summary>
    public SkillCatalog Catalog => catalogs.Current;

    public ToolCallCounters Counters => counters;

    public CompiledPermissionProfile Compile(Guid agentId, Guid orgId, int version, PermissionProfile profile) =>
        new(agentId, orgId, version, profile, catalogs.Current);

    /// <summary>
    /// The cached compiled profile of the agent, or null; also null when it was compiled against an older catalog
    /// (a skill plugin was added, replaced or removed since), so the caller compiles it again.
    /// </summary>
    public CompiledPermissionProfile? Cached(Guid agentId) =>
        _compiled.TryGetValue(agentId, out var compiled) && ReferenceEquals(compiled.Catalog, catalogs.Current) ? compiled : null;

    /// <summary>Caches a compiled profile unless a newer version is already cached; answers the one kept.</summary>
    public CompiledPermissionProfile Publish(CompiledPermissionProfile profile)
    {
        ArgumentNullException.ThrowIfNull(profile);
        // A newer profile version wins; at the same version, the compilation against the newer catalog does.
        return _compiled.AddOrUpdate(profile.AgentId, profile, (_, current) =>
            current.Version > profile.Version || (current.Version == profile.Version && !ReferenceEquals(profile.Catalog, catalogs.Current)) ? current : profile);
    }

    /// <summary>Drops the agent's cached profile and counters (agent deleted).</summary>
    public void Forget(Guid agentId)
    {
        _compiled.TryRemove(agentId, out _);
        counters.Forget(agentId);
    }

    /// <summary>Rules 0–10 only: what the profile says about the tool, before any rate or concurrency limit.</summary>
    public PermissionDecision DecideRulesOnly(CompiledPermissionProfile? profile, string toolId, in PermissionContext context = default) =>
        DecideRules(profile, toolId, context, out _);

    /// <summary>Decides without counting the call (the check route): limits are read, not consumed.</summary>
    public PermissionDecision Decide(CompiledPermissionProfile? profile, string toolId, in PermissionContext context = default)
    {
        var decision = DecideRules(profile, toolId, context, out var external);
        if (!decision.Allowed)
        {
            return decision;
        }

        return counters.Find(profile!.AgentId)?.Exceeded(profile, external, counters.NowMs) ?? decision;
    }

    /// <summary>
    /// Decides a real call (the runtime hook): when it is allowed without approval, it is counted against the rate
    /// limits and marked running, atomically with the limit check; the caller must then call
    /// <see cref="ToolCallCounters.Complete"/> when it ends. A call that needs approval is not counted until it runs.
    /// </summary>
    /// <remarks>
    /// With <paramref name="approved"/> (a human approved this exact call) a call that needs approval runs; every other
    /// rule and limit still applies. The returned decision keeps its <c>RequiresApproval</c>; the caller knows it approved.
    /// </remarks>
    public PermissionDecision Admit(CompiledPermissionProfile? profile, string toolId, in PermissionContext context = default, bool approved = false)
    {
        var decision = DecideRules(profile, toolId, context, out var external);
        if (!decision.Allowed || (decision.RequiresApproval && !approved))
        {
            return decision;
        }

        return counters.GetOrAdd(profile!.AgentId).TryBegin(profile, external, counters.NowMs) ?? decision;
    }

    private PermissionDecision DecideRules(CompiledPermissionProfile? profile, string toolId, in PermissionContext context, out bool external)
    {
        ArgumentNullException.ThrowIfNull(toolId);
        external = false;
        if (profile is null)
        {
            return PermissionDecision.NoProfile;
        }

        if (profile.Sandbox)
        {
            // As the reference: sandbox first, even for unknown tools; the call is simulated. Limits still apply.
            return PermissionDecision.SandboxAllowed;
        }

        if (profile.TimeZone is { } zone)
        {
            // Hours and minutes in the profile's zone (the reference compared the hour only).
            var local = TimeZoneInfo.ConvertTime(context.Time ?? time.GetUtcNow(), zone);
            if (!profile.WithinHours((local.Hour * 60) + local.Minute))
            {
                return profile.OutsideHours!;
            }
        }

        if (context.Ip is { } ip && profile.Networks.Length > 0 && !InAllowList(profile.Networks, ip))
        {
            return PermissionDecision.Deny(PermissionReasons.IpNotAllowed(ip.ToString()));
        }

        var entry = profile.Lookup(toolId);
        external = entry.External;
        return entry.Decision;
    }

    private static bool InAllowList(IPNetwork[] networks, IPAddress ip)
    {
        var address = ip.IsIPv4MappedToIPv6 ? ip.MapToIPv4() : ip;
        foreach (var network in networks)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
