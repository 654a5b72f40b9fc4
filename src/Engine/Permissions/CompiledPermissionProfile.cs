using System.Collections.Frozen;
using System.Net;
using AgentFlow.Engine.Skills;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Engine.Permissions;

/// <summary>
/// One version of an agent's profile turned into what a decision needs: the context-free part of every catalog
/// tool's decision (rules 4–10) precomputed in a frozen table, working hours as minutes in a resolved time zone,
/// parsed IP networks, and the denial decisions of the limits. Immutable; replaced as a whole when the profile changes.
/// </summary>
public sealed class CompiledPermissionProfile
{
    private readonly FrozenDictionary<string, ToolEntry> _tools;
    private readonly SkillCatalog _catalog;

    internal CompiledPermissionProfile(Guid agentId, Guid orgId, int version, PermissionProfile profile, SkillCatalog catalog)
    {
        AgentId = agentId;
        OrgId = orgId;
        Version = version;
        Profile = profile;
        _catalog = catalog;
        Sandbox = profile.Constraints.SandboxMode;

        if (profile.Constraints.AllowedWorkingHours is { } hours)
        {
            HoursStart = ParseMinutes(hours.Start);
            HoursEnd = ParseMinutes(hours.End);
            TimeZone = TimeZoneInfo.FindSystemTimeZoneById(hours.Timezone);
            OutsideHours = PermissionDecision.Deny(PermissionReasons.OutsideWorkingHours(hours));
        }

        Networks = [.. profile.Constraints.AllowedIPs.Select(ParseNetwork)];

        var limits = profile.RateLimits;
        PerMinute = PermissionDecision.Deny(PermissionReasons.RateLimit(limits.ToolCallsPerMinute, "minute"));
        PerHour = PermissionDecision.Deny(PermissionReasons.RateLimit(limits.ToolCallsPerHour, "hour"));
        PerDay = PermissionDecision.Deny(PermissionReasons.RateLimit(limits.ToolCallsPerDay, "day"));
        ExternalPerHour = PermissionDecision.Deny(PermissionReasons.ExternalActionLimit(limits.ExternalActionsPerHour));
        Concurrency = PermissionDecision.Deny(PermissionReasons.ConcurrencyLimit(profile.Constraints.MaxConcurrentTasks));

        _tools = catalog.Tools.ToFrozenDictionary(t => t.Id, t => new ToolEntry(StaticDecision(t.Id, t), IsExternal(t)), StringComparer.Ordinal);
    }

    public Guid AgentId { get; }
    public Guid OrgId { get; }

    /// <summary>The catalog the profile was compiled against.</summary>
    public SkillCatalog Catalog => _catalog;
    public int Version { get; }
    public PermissionProfile Profile { get; }
    public bool Sandbox { get; }

    internal int HoursStart { get; } = -1;
    internal int HoursEnd { get; } = -1;
    internal TimeZoneInfo? TimeZone { get; }
    internal PermissionDecision? OutsideHours { get; }
    internal IPNetwork[] Networks { get; }
    internal PermissionDecision PerMinute { get; }
    internal PermissionDecision PerHour { get; }
    internal PermissionDecision PerDay { get; }
    internal PermissionDecision ExternalPerHour { get; }
    internal PermissionDecision Concurrency { get; }

    /// <summary>Rules 4–10 for a tool, without context. Unknown ids are decided (and allocate) on the slow path.</summary>
    internal ToolEntry Lookup(string toolId) =>
        _tools.TryGetValue(toolId, out var entry) ? entry : new ToolEntry(StaticDecision(toolId, null), false);

    /// <summary>The context-free decision for every catalog tool, in catalog order.</summary>
    public IEnumerable<(ToolDefinition Tool, PermissionDecision Decision)> CatalogDecisions() =>
        _catalog.Tools.Select(t => (t, Sandbox ? PermissionDecision.SandboxAllowed : _tools[t.Id].Decision));

    /// <summary>Whether the minute of the day (0–1439) falls inside the working hours; an end before the start spans midnight.</summary>
    internal bool WithinHours(int minuteOfDay) =>
        HoursStart <= HoursEnd ? minuteOfDay >= HoursStart && minuteOfDay < HoursEnd : minuteOfDay >= HoursStart || minuteOfDay < HoursEnd;

    // Rules 4-10 of the reference, with our corrections: wildcards in both tool lists, and the approval rule also
    // applies to explicitly allowed tools (the reference called _checkApproval without the tool, so it never fired).
    private PermissionDecision StaticDecision(string toolId, ToolDefinition? tool)
    {
        var p = Profile;
        if (ToolPattern.AnyMatch(p.Tools.Blocked, toolId))
        {
            return PermissionDecision.Deny(PermissionReasons.ExplicitlyBlocked(toolId));
        }

        if (tool is null)
        {
            // An allow-list pattern can match an id the catalog does not know; without its risk and side effects
            // nothing can be said about it, so it is denied like any unknown tool.
            return PermissionDecision.Deny(PermissionReasons.UnknownTool(toolId));
        }

        if (ToolPattern.AnyMatch(p.Tools.Allowed, toolId))
        {
            return Approval(tool);
        }

        var listed = p.Skills.List.Contains(tool.SkillId, StringComparer.Ordinal);
        if (p.Skills.Mode == CatalogNamesAccess.Blocklist ? listed : !listed)
        {
            return PermissionDecision.Deny(PermissionReasons.SkillNotPermitted(tool.SkillId));
        }

        // A stored level that no longer parses (never written by the validator) fails closed at the lowest level.
        var max = CatalogNames.TryParseRisk(p.MaxRiskLevel, out var parsed) ? parsed : RiskLevel.Low;
        if (tool.Risk > max)
        {
            return PermissionDecision.Deny(PermissionReasons.RiskExceeds(tool.Risk.ToName(), p.MaxRiskLevel));
        }

        foreach (var effect in tool.SideEffects)
        {
            if (p.BlockedSideEffects.Contains(effect, StringComparer.Ordinal))
            {
                return PermissionDecision.Deny(PermissionReasons.SideEffectBlocked(effect));
            }
        }

        return Approval(tool);
    }

    private PermissionDecision Approval(ToolDefinition tool)
    {
        var approval = Profile.RequireApproval;
        if (!approval.Enabled)
        {
            return PermissionDecision.Permitted;
        }

        if (approval.ForRiskLevels.Contains(tool.Risk.ToName(), StringComparer.Ordinal))
        {
            return PermissionDecision.ApprovalForRisk;
        }

        foreach (var effect in tool.SideEffects)
        {
            if (approval.ForSideEffects.Contains(effect, StringComparer.Ordinal))
            {
                return new PermissionDecision(true, PermissionReasons.ApprovalForSideEffect(effect), requiresApproval: true);
            }
        }

        return PermissionDecision.Permitted;
    }

    /// <summary>Side effects that act on people or things outside: these count against <c>externalActionsPerHour</c>.</summary>
    internal static readonly string[] ExternalSideEffects =
        [SideEffects.SendsEmail, SideEffects.SendsMessage, SideEffects.SendsSms, SideEffects.PostsSocial, SideEffects.ControlsDevice, SideEffects.Financial];

    private static bool IsExternal(ToolDefinition tool) => tool.SideEffects.Any(e => ExternalSideEffects.Contains(e, StringComparer.Ordinal));

    internal static int ParseMinutes(string hhmm) => (int.Parse(hhmm.AsSpan(0, 2), System.Globalization.CultureInfo.InvariantCulture) * 60)
        + int.Parse(hhmm.AsSpan(3, 2), System.Globalization.CultureInfo.InvariantCulture);

    internal static IPNetwork ParseNetwork(string entry)
    {
        if (entry.Contains('/', StringComparison.Ordinal))
        {
            return IPNetwork.Parse(entry);
        }

        var address = IPAddress.Parse(entry);
        return new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
    }

    internal readonly record struct ToolEntry(PermissionDecision Decision, bool External);
}
