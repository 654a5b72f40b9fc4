namespace AgentFlow.Engine.Tenancy;

/// <summary>A tenant: every org-owned row carries its id.</summary>
public sealed class Organization
{
    /// <summary>The organisation that exists in single-tenant mode, before and after bootstrap.</summary>
    public static readonly Guid DefaultId = new("00000000-0000-0000-0000-000000000001");

    public Guid Id { get; set; }
    public required string Name { get; set; }
    public required string Slug { get; set; }
    public string Plan { get; set; } = "self-hosted";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
