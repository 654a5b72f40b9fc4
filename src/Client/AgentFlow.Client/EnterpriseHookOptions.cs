namespace AgentFlow.Client;

/// <summary>The risk of a tool, as the server's tool catalog states it.</summary>
public enum ToolRisk
{
    /// <summary>Reads or harmless actions.</summary>
    Low,

    /// <summary>Actions with limited side effects.</summary>
    Medium,

    /// <summary>Actions with real side effects (sending, writing, deleting).</summary>
    High,

    /// <summary>Actions that can do lasting harm (shell, payments, deployment).</summary>
    Critical,
}

/// <summary>What the hook answers when the server cannot be reached.</summary>
public enum FailMode
{
    /// <summary>Let the call run (it is not recorded).</summary>
    Open,

    /// <summary>Refuse the call.</summary>
    Closed,
}

/// <summary>Settings of <see cref="EnterpriseHook"/>.</summary>
public sealed class EnterpriseHookOptions
{
    /// <summary>The server's address; null uses the <see cref="HttpClient.BaseAddress"/> of the client given.</summary>
    public Uri? BaseAddress { get; set; }

    /// <summary>An API key bound to the agent (<c>ek_…</c>), sent as <c>X-API-Key</c>.</summary>
    public required string ApiKey { get; set; }

    /// <summary>How long one request may take before the server counts as unreachable.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>For low and medium risk tools when the server is unreachable (default: open).</summary>
    public FailMode LowRiskFailMode { get; set; } = FailMode.Open;

    /// <summary>For high and critical risk tools when the server is unreachable (default: closed).</summary>
    public FailMode HighRiskFailMode { get; set; } = FailMode.Closed;

    /// <summary>For tools of unknown risk (no hint, not in the cached catalog) when the server is unreachable (default: closed).</summary>
    public FailMode UnknownRiskFailMode { get; set; } = FailMode.Closed;

    /// <summary>
    /// Whether to learn tool risks from <c>GET /api/engine/tools</c> (once, while the server is reachable), so a
    /// caller that passes no risk hint still fails closed for high and critical tools.
    /// </summary>
    public bool UseToolCatalog { get; set; } = true;
}

/// <summary>The answer of <see cref="EnterpriseHook.BeforeToolCallAsync"/>.</summary>
/// <param name="Allowed">Whether the tool may run now.</param>
/// <param name="RequiresApproval">The call needs a human approval first (it must not run now).</param>
/// <param name="Reason">The server's reason, or why the local fallback decided.</param>
/// <param name="ToolCallId">The server's record of the call: pass it to <see cref="EnterpriseHook.AfterToolCallAsync"/>.</param>
/// <param name="ServerUnreachable">The decision is the local fail mode's, not the server's.</param>
public sealed record HookDecision(bool Allowed, bool RequiresApproval, string Reason, Guid? ToolCallId, bool ServerUnreachable = false)
{
    /// <summary>
    /// The approval the server opened when <see cref="RequiresApproval"/> is true: wait for it with
    /// <see cref="EnterpriseHook.WaitForApprovalAsync"/>, then, once approved, ask again passing it to
    /// <see cref="EnterpriseHook.BeforeToolCallAsync"/>.
    /// </summary>
    public Guid? ApprovalId { get; init; }
}

/// <summary>Where an approval stands.</summary>
public enum ApprovalStatus
{
    /// <summary>Nobody has decided yet (or the wait's deadline passed first).</summary>
    Pending,

    /// <summary>Approved: ask again with the approval id, and the call may run.</summary>
    Approved,

    /// <summary>Denied by a human.</summary>
    Denied,

    /// <summary>Nobody decided before the approval's own expiry.</summary>
    Expired,
}

/// <summary>The answer of <see cref="EnterpriseHook.WaitForApprovalAsync"/>.</summary>
/// <param name="Id">The approval.</param>
/// <param name="Status">Where it stands.</param>
/// <param name="Reason">The decider's reason, or why the wait ended without a decision.</param>
/// <param name="DecidedAt">When it was decided, when it was.</param>
public sealed record ApprovalResult(Guid Id, ApprovalStatus Status, string? Reason, DateTimeOffset? DecidedAt);
