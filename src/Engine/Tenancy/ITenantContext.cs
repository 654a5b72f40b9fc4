namespace AgentFlow.Engine.Tenancy;

/// <summary>The organisation the current unit of work acts for. Every org-owned query is filtered by it.</summary>
public interface ITenantContext
{
    /// <summary>The caller's organisation, or <see langword="null"/> when no tenant is known (anonymous or system work).</summary>
    Guid? OrgId { get; }
}

/// <summary>Marks an entity that belongs to one organisation; the DbContext filters and stamps it.</summary>
public interface IOrgOwned
{
    Guid OrgId { get; set; }
}

/// <summary>A tenant context whose organisation is set once by whoever opens the scope (request pipeline, job, test).</summary>
public sealed class ScopedTenantContext : ITenantContext
{
    public Guid? OrgId { get; private set; }

    /// <summary>Sets the organisation for this scope. A scope acts for one organisation only.</summary>
    /// <exception cref="InvalidOperationException">The scope already acts for another organisation.</exception>
    public void Use(Guid orgId)
    {
        if (OrgId is { } current && current != orgId)
        {
            throw new InvalidOperationException("This scope already acts for another organisation.");
        }

        OrgId = orgId;
    }
}
