using System.Text.RegularExpressions;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Settings;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Tenancy;

/// <summary>Creates organisations with their company settings.</summary>
public sealed partial class OrganizationProvisioner(AgentFlowDbContext db, TimeProvider time)
{
    /// <summary>
    /// A new organisation. Without a plan it is self-hosted (single-tenant installs and tests); without a slug the
    /// slug comes from the name; without settings it gets its plan's defaults.
    /// </summary>
    public async Task<Organization> CreateAsync(string name, string? slug = null, Plan? plan = null, string? adminEmail = null,
        OrganizationSettings? settings = null, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var cleanName = errors.Text("name", name, 200, required: true)!;
        var givenSlug = errors.Matches("slug", errors.Text("slug", slug, 63, required: false), SlugPattern(),
            "must be lower-case letters, digits and single dashes, starting and ending with a letter or digit (at most 63)");
        errors.ThrowIfAny();
        var cleanSlug = givenSlug ?? Slugify(cleanName);
        plan ??= PlanCatalog.SelfHosted;
        // The slug also becomes the new organisation's subdomain, which another organisation may have moved to.
        if (await db.Organizations.AnyAsync(o => o.Slug == cleanSlug, cancellationToken)
            || await db.CompanySettings.IgnoreQueryFilters().AnyAsync(s => s.Subdomain == cleanSlug, cancellationToken))
        {
            throw SlugTaken(cleanSlug);
        }

        var now = time.GetUtcNow();
        var org = new Organization
        {
            Id = Guid.CreateVersion7(now),
            Name = cleanName,
            Slug = cleanSlug,
            Plan = plan.Name,
            AdminEmail = adminEmail,
            Settings = (settings ?? OrganizationSettings.For(plan)).ToJson(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Organizations.Add(org);
        // CompanySettings.Plan mirrors the organisation's plan for /api/settings; Organization.Plan is the one enforced.
        db.CompanySettings.Add(new CompanySettings { OrgId = org.Id, Name = cleanName, Subdomain = cleanSlug, Plan = plan.Name, CreatedAt = now, UpdatedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            // Another request took the slug between our check and our insert.
            throw SlugTaken(cleanSlug);
        }

        return org;
    }

    private static ResourceConflictException SlugTaken(string slug) =>
        new($"An organisation with the slug '{slug}' already exists.", "slug");

    /// <summary>Lower-case letters, digits and single dashes, at most 63 characters (a DNS label).</summary>
    public static string Slugify(string name)
    {
        var slug = NonSlug().Replace(name.Trim().ToLowerInvariant(), "-").Trim('-');
        if (slug.Length > 63)
        {
            slug = slug[..63].TrimEnd('-');
        }

        return slug.Length == 0 ? "org" : slug;
    }

    [GeneratedRegex("[^a-z0-9]+", RegexOptions.CultureInvariant)]
    private static partial Regex NonSlug();

    [GeneratedRegex("^[a-z0-9](?:-?[a-z0-9])*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
