using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tenancy;

/// <summary>
/// Who asks about organisations. The platform administrator is the owner of the default organisation (the person
/// who bootstrapped the installation): in single-tenant mode that is the only owner there is, and in a hosted
/// installation it is the operator. Everybody else sees only their own organisation.
/// </summary>
public sealed record OrgCaller(Guid OrgId, UserRole Role)
{
    public bool IsPlatformAdmin => OrgId == Organization.DefaultId && Role == UserRole.Owner;

    /// <summary>Another organisation is invisible (404, not 403), so its existence is not disclosed either.</summary>
    public bool CanSee(Guid orgId) => IsPlatformAdmin || orgId == OrgId;
}

/// <summary>Only the fields present change; <see cref="AllowedDomains"/> replaces the list.</summary>
public sealed record OrganizationSettingsPatch(
    string? DefaultModel = null,
    string? DefaultPermissionProfile = null,
    bool? RequireApprovalForDeploy = null,
    int? AuditRetentionDays = null,
    string? DataRegion = null,
    IReadOnlyList<string>? AllowedDomains = null);

public sealed record CreateOrganizationCommand(string? Name, string? Slug, string? Plan, string? AdminEmail, OrganizationSettingsPatch? Settings);

public sealed record UpdateOrganizationCommand(string? Name, string? AdminEmail, OrganizationSettingsPatch? Settings);

/// <summary>The organisation routes: create (platform administrator), read, change settings, change plan.</summary>
public sealed class OrganizationService(AgentFlowDbContext db, IServiceScopeFactory scopes, TimeProvider time)
{
    public async Task<Organization> CreateAsync(CreateOrganizationCommand command, OrgCaller caller, CancellationToken cancellationToken = default)
    {
        EnsurePlatformAdmin(caller, "create organisations");
        var errors = new FieldErrors();
        var name = errors.Text("name", command.Name, 200, required: true);
        var adminEmail = errors.Email("adminEmail", command.AdminEmail, required: false);
        Plan? plan = null;
        if (command.Plan is null)
        {
            plan = PlanCatalog.Free;
        }
        else if (!PlanCatalog.TryGet(command.Plan, out plan))
        {
            errors.Add("plan", UnknownPlan(command.Plan));
        }

        var settings = Apply(errors, OrganizationSettings.For(plan ?? PlanCatalog.Free), command.Settings);
        errors.ThrowIfAny();
        // The new organisation's rows belong to another tenant than the caller's scope, which refuses to write them:
        // provisioning is system work, in a scope of its own with no tenant.
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<OrganizationProvisioner>()
            .CreateAsync(name!, command.Slug, plan, adminEmail, settings, cancellationToken);
    }

    /// <summary>The platform administrator lists every organisation; anybody else gets a list of their own.</summary>
    public async Task<Page<Organization>> ListAsync(OrgCaller caller, PageRequest page, CancellationToken cancellationToken = default)
    {
        var query = db.Organizations.AsNoTracking();
        if (!caller.IsPlatformAdmin)
        {
            query = query.Where(o => o.Id == caller.OrgId);
        }

        return await query.OrderBy(o => o.CreatedAt).ThenBy(o => o.Id).ToPageAsync(page, cancellationToken);
    }

    public async Task<Organization> GetAsync(Guid id, OrgCaller caller, CancellationToken cancellationToken = default) =>
        caller.CanSee(id)
            ? await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw NotFound(id.ToString())
            : throw NotFound(id.ToString());

    public async Task<Organization> GetBySlugAsync(string slug, OrgCaller caller, CancellationToken cancellationToken = default)
    {
        var org = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Slug == slug, cancellationToken);
        return org is not null && caller.CanSee(org.Id) ? org : throw NotFound(slug);
    }

    /// <summary>Name, contact and settings; the route allows owners, and an owner reaches only their own organisation.</summary>
    public async Task<Organization> UpdateAsync(Guid id, UpdateOrganizationCommand command, OrgCaller caller, CancellationToken cancellationToken = default)
    {
        var org = await FindTrackedAsync(id, caller, cancellationToken);
        var errors = new FieldErrors();
        var name = errors.Text("name", command.Name, 200, required: false);
        var adminEmail = errors.Email("adminEmail", command.AdminEmail, required: false);
        var settings = Apply(errors, OrganizationSettings.Parse(org.Settings), command.Settings);
        errors.ThrowIfAny();

        org.Name = name ?? org.Name;
        org.AdminEmail = adminEmail ?? org.AdminEmail;
        org.Settings = settings.ToJson();
        org.UpdatedAt = time.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return org;
    }

    /// <summary>
    /// A plan is what the organisation pays for, so only the platform administrator changes it. The audit retention
    /// resets to the new plan's (as in the reference). Existing agents and users stay when the new plan allows
    /// fewer; creating more is refused until the organisation is back under the limit.
    /// </summary>
    public async Task<Organization> ChangePlanAsync(Guid id, string? planName, OrgCaller caller, CancellationToken cancellationToken = default)
    {
        var org = await FindTrackedAsync(id, caller, cancellationToken);
        EnsurePlatformAdmin(caller, "change an organisation's plan");
        if (planName is null)
        {
            throw InputValidationException.For("plan", "The plan field is required.");
        }

        if (!PlanCatalog.TryGet(planName, out var plan))
        {
            throw InputValidationException.For("plan", UnknownPlan(planName));
        }

        var now = time.GetUtcNow();
        org.Plan = plan.Name;
        org.Settings = (OrganizationSettings.Parse(org.Settings) with { AuditRetentionDays = plan.AuditRetentionDays }).ToJson();
        org.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        // The mirror on the company settings belongs to that organisation, so it is updated in SQL, not through
        // the caller's tenant-checked change tracker.
        await db.CompanySettings.IgnoreQueryFilters().Where(s => s.OrgId == id)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.Plan, plan.Name).SetProperty(s => s.UpdatedAt, now), cancellationToken);
        return org;
    }

    private async Task<Organization> FindTrackedAsync(Guid id, OrgCaller caller, CancellationToken cancellationToken) =>
        caller.CanSee(id)
            ? await db.Organizations.FirstOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw NotFound(id.ToString())
            : throw NotFound(id.ToString());

    private static void EnsurePlatformAdmin(OrgCaller caller, string what)
    {
        if (!caller.IsPlatformAdmin)
        {
            throw new OperationNotAllowedException("PLATFORM_ADMIN_REQUIRED",
                $"Only the platform administrator (an owner of the default organisation) may {what}.");
        }
    }

    private static string UnknownPlan(string name) =>
        $"Unknown plan '{name}'. Plans are: {string.Join(", ", PlanCatalog.All.Select(p => p.Name))}.";

    private static ResourceNotFoundException NotFound(string id) => new("Organization", id);

    private static OrganizationSettings Apply(FieldErrors errors, OrganizationSettings current, OrganizationSettingsPatch? patch)
    {
        if (patch is null)
        {
            return current;
        }

        var model = errors.Text("settings.defaultModel", patch.DefaultModel, 200, required: false);
        var profile = errors.Text("settings.defaultPermissionProfile", patch.DefaultPermissionProfile, 100, required: false);
        var region = errors.Text("settings.dataRegion", patch.DataRegion, 64, required: false);
        var retention = errors.Range("settings.auditRetentionDays", patch.AuditRetentionDays, 1, 3650);
        IReadOnlyList<string>? domains = null;
        if (patch.AllowedDomains is { } list)
        {
            if (list.Count > 100)
            {
                errors.Add("settings.allowedDomains", "At most 100 allowed domains.");
            }
            else
            {
                domains = [.. list.Select(d => errors.Text("settings.allowedDomains", d, 253, required: true)?.ToLowerInvariant() ?? string.Empty).Distinct(StringComparer.Ordinal)];
            }
        }

        return current with
        {
            DefaultModel = model ?? current.DefaultModel,
            DefaultPermissionProfile = profile ?? current.DefaultPermissionProfile,
            RequireApprovalForDeploy = patch.RequireApprovalForDeploy ?? current.RequireApprovalForDeploy,
            AuditRetentionDays = retention ?? current.AuditRetentionDays,
            DataRegion = region ?? current.DataRegion,
            AllowedDomains = domains ?? current.AllowedDomains,
        };
    }
}
