using System.Text.RegularExpressions;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Settings;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Tenancy;

/// <summary>Creates organisations with their company settings.</summary>
public sealed partial class OrganizationProvisioner(AgentFlowDbContext db, TimeProvider time)
{
    public async Task<Organization> CreateAsync(string name, string? slug = null, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var cleanName = errors.Text("name", name, 200, required: true)!;
        errors.ThrowIfAny();
        var cleanSlug = slug ?? Slugify(cleanName);
        // The slug also becomes the new organisation's subdomain, which another organisation may have moved to.
        if (await db.Organizations.AnyAsync(o => o.Slug == cleanSlug, cancellationToken)
            || await db.CompanySettings.IgnoreQueryFilters().AnyAsync(s => s.Subdomain == cleanSlug, cancellationToken))
        {
            throw SlugTaken(cleanSlug);
        }

        var now = time.GetUtcNow();
        var org = new Organization { Id = Guid.CreateVersion7(now), Name = cleanName, Slug = cleanSlug, CreatedAt = now, UpdatedAt = now };
        db.Organizations.Add(org);
        db.CompanySettings.Add(new CompanySettings { OrgId = org.Id, Name = cleanName, Subdomain = cleanSlug, CreatedAt = now, UpdatedAt = now });
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
}
