namespace AgentFlow.Plugins.Skills;

/// <summary>How much harm a skill or tool can do. The order is meaningful: <c>Low &lt; Medium &lt; High &lt; Critical</c>.</summary>
public enum RiskLevel
{
    /// <summary>Reads or harmless local changes.</summary>
    Low = 0,

    /// <summary>Changes data or reaches outside in a limited way.</summary>
    Medium = 1,

    /// <summary>Acts on the outside world (sends, controls devices, runs code).</summary>
    High = 2,

    /// <summary>Can compromise the host, secrets or the platform itself.</summary>
    Critical = 3,
}

/// <summary>What kind of action a tool performs.</summary>
public enum ToolCategory
{
    /// <summary>Reads only.</summary>
    Read = 0,

    /// <summary>Creates or modifies data.</summary>
    Write = 1,

    /// <summary>Runs code, commands or controls something.</summary>
    Execute = 2,

    /// <summary>Sends something to people or systems outside.</summary>
    Communicate = 3,

    /// <summary>Deletes data.</summary>
    Destroy = 4,
}

/// <summary>Whether a permission profile's skill list names what is allowed or what is blocked.</summary>
public enum SkillAccessMode
{
    /// <summary>Only the listed skills are allowed.</summary>
    Allowlist = 0,

    /// <summary>Every skill except the listed ones is allowed.</summary>
    Blocklist = 1,
}

/// <summary>The kind of value a skill configuration field holds.</summary>
public enum ConfigFieldKind
{
    /// <summary>Plain text, shown as it is (wire name <c>string</c>).</summary>
    Text = 0,

    /// <summary>A number.</summary>
    Number = 1,

    /// <summary>One of <see cref="SkillConfigField.Options"/>.</summary>
    Select = 2,

    /// <summary>A credential: stored encrypted, never returned in clear.</summary>
    Secret = 3,

    /// <summary>A yes/no switch; the value is <c>true</c> or <c>false</c>.</summary>
    Boolean = 4,
}
