using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Engine.Identity;

public sealed record BootstrapCommand(string? CompanyName, string? Email, string? Password, string? Name);

/// <summary>
/// Creates the first owner of a fresh installation and names the default organisation. Works once: after
/// any user exists it refuses, and the marker row's fixed key makes a concurrent second attempt fail.
/// </summary>
public sealed class BootstrapService(AgentFlowDbContext db, IPasswordHasher hasher, TimeProvider time)
{
    public Task<bool> IsBootstrappedAsync(CancellationToken cancellationToken = default) =>
        db.Users.IgnoreQueryFilters().AnyAsync(cancellationToken);

    public async Task<User> BootstrapAsync(BootstrapCommand command, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var company = errors.Text("companyName", command.CompanyName, 200, required: true);
        var email = errors.Email("email", command.Email, required: true);
        var name = errors.Text("name", command.Name, 128, required: false);
        PasswordPolicy.Check(errors, "password", command.Password, required: true);
        errors.ThrowIfAny();

        if (await IsBootstrappedAsync(cancellationToken))
        {
            throw AlreadyDone();
        }

        var now = time.GetUtcNow();
        var org = await db.Organizations.FirstAsync(o => o.Id == Organization.DefaultId, cancellationToken);
        var settings = await db.CompanySettings.IgnoreQueryFilters().FirstAsync(s => s.OrgId == org.Id, cancellationToken);
        var slug = OrganizationProvisioner.Slugify(company!);
        org.Name = company!;
        org.UpdatedAt = now;
        settings.Name = company!;
        if (!await db.CompanySettings.IgnoreQueryFilters().AnyAsync(s => s.Subdomain == slug && s.OrgId != org.Id, cancellationToken))
        {
            settings.Subdomain = slug;
        }

        settings.UpdatedAt = now;
        var owner = new User
        {
            Id = Guid.CreateVersion7(now),
            OrgId = org.Id,
            Email = email!,
            Name = name ?? email!.Split('@')[0],
            Role = UserRole.Owner,
            PasswordHash = hasher.Hash(command.Password!),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(owner);
        db.BootstrapMarkers.Add(new BootstrapMarker { OwnerId = owner.Id, CompletedAt = now });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            throw AlreadyDone();
        }

        return owner;
    }

    private static ResourceConflictException AlreadyDone() =>
        new("AgentFlow already has users; sign in instead, or ask an admin for an account.", "email", "ALREADY_BOOTSTRAPPED");
}
