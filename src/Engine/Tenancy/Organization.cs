namespace AgentFlow.Engine.Tenancy;

/// <summary>A tenant: every org-owned row carries its id.</summary>
public sealed class Organization
{
    /// <summary>The organisation that exists in single-tenant mode, before and after bootstrap.</summary>
    public static readonly Guid DefaultId = new("00000000-0000-0000-0000-000000000001");

    public Guid Id { get; set; }
    public required string Name { get; set; }

    /// <summary>Unique across the platform; a DNS label.</summary>
    public required string Slug { get; set; }

    /// <summary>One of <see cref="PlanNames"/>; the limits come from <see cref="PlanCatalog"/>, never from the row.</summary>
    public string Plan { get; set; } = PlanNames.SelfHosted;

    /// <summary>Who to contact about the organisation (billing, plan), not a login.</summary>
    public string? AdminEmail { get; set; }

    /// <summary>An <see cref="OrganizationSettings"/> JSON document.</summary>
    public string Settings { get; set; } = "{}";

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
