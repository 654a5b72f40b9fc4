namespace AgentFlow.Engine.Permissions;

/// <summary>
/// The answer to "may this agent call this tool now?" (the reference's <c>{allowed, reason, requiresApproval,
/// sandbox}</c>). Instances are immutable and shared: the common ones are precomputed per profile version, so a
/// decision on the hot path allocates nothing.
/// </summary>
public sealed class PermissionDecision
{
    internal PermissionDecision(bool allowed, string reason, bool requiresApproval = false, bool sandbox = false)
    {
        Allowed = allowed;
        Reason = reason;
        RequiresApproval = requiresApproval;
        Sandbox = sandbox;
    }

    public bool Allowed { get; }

    /// <summary>One of the reason strings of docs/permissions.md.</summary>
    public string Reason { get; }

    /// <summary>Allowed, but only once a human approves the call.</summary>
    public bool RequiresApproval { get; }

    /// <summary>Allowed in sandbox mode: the call is simulated.</summary>
    public bool Sandbox { get; }

    internal static readonly PermissionDecision NoProfile = Deny(PermissionReasons.NoProfile);
    internal static readonly PermissionDecision Permitted = new(true, PermissionReasons.Permitted);
    internal static readonly PermissionDecision ApprovalForRisk = new(true, PermissionReasons.ApprovalForRisk, requiresApproval: true);
    internal static readonly PermissionDecision SandboxAllowed = new(true, PermissionReasons.Sandbox, sandbox: true);

    internal static PermissionDecision Deny(string reason) => new(false, reason);
}

/// <summary>The reason strings, in rule order. Those of rules 0–10 are the reference's, character for character.</summary>
public static class PermissionReasons
{
    public const string NoProfile = "No permission profile assigned";
    public const string Sandbox = "Sandbox mode — action will be simulated";
    public const string Permitted = "Permitted";
    public const string ApprovalForRisk = "Requires human approval (risk level)";

    public static string OutsideWorkingHours(WorkingHours hours) => $"Outside working hours ({hours.Start}-{hours.End} {hours.Timezone})";
    public static string IpNotAllowed(string ip) => $"IP {ip} not in allowlist";
    public static string ExplicitlyBlocked(string toolId) => $"Tool \"{toolId}\" is explicitly blocked";
    public static string UnknownTool(string toolId) => $"Unknown tool \"{toolId}\"";
    public static string SkillNotPermitted(string skillId) => $"Skill \"{skillId}\" is not permitted";
    public static string RiskExceeds(string risk, string max) => $"Tool risk \"{risk}\" exceeds max allowed \"{max}\"";
    public static string SideEffectBlocked(string effect) => $"Side effect \"{effect}\" is blocked";
    public static string ApprovalForSideEffect(string effect) => $"Requires human approval ({effect})";

    // Ours: the reference never enforced these.
    public static string RateLimit(int limit, string per) => $"Rate limit exceeded ({limit} tool calls per {per})";
    public static string ExternalActionLimit(int limit) => $"External action limit exceeded ({limit} per hour)";
    public static string ConcurrencyLimit(int limit) => $"Concurrent task limit reached ({limit})";
}
