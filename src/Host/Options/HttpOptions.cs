using System.ComponentModel.DataAnnotations;

namespace AgentFlow.Host.Options;

/// <summary>Bound from <c>AgentFlow:Http</c>.</summary>
public sealed class HttpOptions
{
    public const string SectionName = "AgentFlow:Http";

    /// <value>Origins allowed by CORS (with credentials). Default: none, the Studio is served from the same origin.</value>
    public string[] CorsOrigins { get; set; } = [];

    /// <value>Proxies (IP addresses or CIDR ranges) whose <c>X-Forwarded-For</c> is believed. Default: loopback only.</value>
    public string[] TrustedProxies { get; set; } = [];

    /// <value>Largest request body accepted, in bytes. Default 1 MiB.</value>
    [Range(1024, 1L << 30)]
    public long MaxRequestBodyBytes { get; set; } = 1 << 20;
}

/// <summary>Bound from <c>AgentFlow:RateLimit</c>.</summary>
public sealed class RateLimitOptions
{
    public const string SectionName = "AgentFlow:RateLimit";

    /// <value>Requests per client per minute on the API. Default 120.</value>
    [Range(1, 1_000_000)]
    public int PermitsPerMinute { get; set; } = 120;

    /// <value>Sign-in, refresh and bootstrap attempts per client per minute. Default 10.</value>
    [Range(1, 1_000_000)]
    public int AuthPermitsPerMinute { get; set; } = 10;

    /// <value>Also limit each organisation's authenticated requests to its plan's apiCallsPerMinute. Default true.</value>
    public bool PerOrganization { get; set; } = true;
}

/// <summary>Bound from <c>AgentFlow:Jwt</c>.</summary>
public sealed class JwtOptions
{
    public const string SectionName = "AgentFlow:Jwt";

    /// <value>HS256 signing secret, at least 32 characters. Default: generated once and kept in the data folder.</value>
    [MinLength(32)]
    public string? Secret { get; set; }

    /// <value>Access token lifetime. Default 24 hours.</value>
    public TimeSpan AccessTokenLifetime { get; set; } = TimeSpan.FromHours(24);

    public string Issuer { get; set; } = "agentflow";

    public string Audience { get; set; } = "agentflow-api";
}

/// <summary>Bound from <c>AgentFlow:Auth</c>.</summary>
public sealed class CookieOptions
{
    public const string SectionName = "AgentFlow:Auth";

    /// <value>Mark cookies <c>Secure</c> even on plain HTTP (behind a TLS-terminating proxy). Default <see langword="false"/>; HTTPS requests always get <c>Secure</c>.</value>
    public bool SecureCookies { get; set; }
}

/// <summary>Bound from <c>AgentFlow:Bootstrap</c>: creates the first owner at start when no user exists yet.</summary>
public sealed class BootstrapOptions
{
    public const string SectionName = "AgentFlow:Bootstrap";

    public string? AdminEmail { get; set; }

    public string? AdminPassword { get; set; }

    public string? AdminName { get; set; }

    public string? CompanyName { get; set; }

    public bool IsConfigured => !string.IsNullOrWhiteSpace(AdminEmail) && !string.IsNullOrWhiteSpace(AdminPassword);
}
