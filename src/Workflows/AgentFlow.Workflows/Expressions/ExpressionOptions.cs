namespace AgentFlow.Workflows.Expressions;

/// <summary>
/// Limits for evaluating definition expressions. Definitions are authored by tenants, so a script must not be
/// able to stall a worker, exhaust its memory or overflow its stack.
/// </summary>
public sealed record ExpressionOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "AgentFlow:Workflows:Expressions";

    /// <summary>Wall-clock limit of one JavaScript evaluation (also the regex timeout).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Maximum JavaScript statements per evaluation; null for no limit. Also caps Liquid render steps.</summary>
    public int? MaxStatements { get; init; } = 10_000;

    /// <summary>Maximum bytes a JavaScript evaluation may allocate; null for no limit.</summary>
    public long? MemoryLimitBytes { get; init; } = 4 * 1024 * 1024;

    /// <summary>Maximum JavaScript call depth (and Liquid include/nesting depth).</summary>
    public int RecursionLimit { get; init; } = 64;
}
