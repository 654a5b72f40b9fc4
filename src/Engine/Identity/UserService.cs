using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace AgentFlow.Engine.Identity;

/// <summary>
/// People of the organisation. Nobody grants a role above their own, only an owner touches an owner, and the
/// last owner cannot be removed or demoted.
/// </summary>
public sealed class UserService(AgentFlowDbContext db, IPasswordHasher hasher, IIdentityChangeNotifier changes, UsageService usage, TimeProvider time)
{
    public async Task<Page<User>> ListAsync(PageRequest page, CancellationToken cancellationToken = default)
    {
        return await db.Users.AsNoTracking().OrderBy(u => u.CreatedAt).ThenBy(u => u.Id).ToPageAsync(page, cancellationToken);
    }

    public async Task<User> GetAsync(Guid id, CancellationToken cancellationToken = default) =>
        await db.Users.AsNoTracking().FirstOrDefaultAsync(u => u.Id == id, cancellationToken)
        ?? throw new ResourceNotFoundException("User", id.ToString());

    public async Task<User> CreateAsync(CreateUserCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var email = errors.Email("email", command.Email, required: true)!;
        var name = errors.Text("name", command.Name, 128, required: false);
        var role = ParseRole(errors, command.Role, required: true);
        PasswordPolicy.Check(errors, "password", command.Password, required: true);
        errors.ThrowIfAny();

        EnsureMayGrant(actor, role!.Value);
        await EnsureEmailFreeAsync(email, exceptId: null, cancellationToken);
        await usage.EnsureCanAddUserAsync(db.CurrentOrgId ?? throw new InvalidOperationException("No organisation in scope to own the new user."), cancellationToken);

        var now = time.GetUtcNow();
        var user = new User
        {
            Id = Guid.CreateVersion7(now),
            Email = email,
            Name = name ?? email.Split('@')[0],
            Role = role.Value,
            PasswordHash = hasher.Hash(command.Password!),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Users.Add(user);
        await SaveAsync(cancellationToken);
        return user;
    }

    public async Task<User> UpdateAsync(Guid id, UpdateUserCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        var errors = new FieldErrors();
        var email = errors.Email("email", command.Email, required: false);
        var name = errors.Text("name", command.Name, 128, required: false);
        var role = ParseRole(errors, command.Role, required: false);
        PasswordPolicy.Check(errors, "password", command.Password, required: false);
        errors.ThrowIfAny();

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken)
            ?? throw new ResourceNotFoundException("User", id.ToString());
        EnsureMayManage(actor, user);
        var removesOwner = role is { } changed && changed != user.Role && user.Role == UserRole.Owner;
        await using var ownersLock = removesOwner ? await LockOwnersAsync(user.OrgId, cancellationToken) : null;
        if (role is { } newRole && newRole != user.Role)
        {
            EnsureMayGrant(actor, newRole);
            if (removesOwner)
            {
                await EnsureAnotherOwnerAsync(user.Id, cancellationToken);
            }

            user.Role = newRole;
        }

        if (email is not null && email != user.Email)
        {
            await EnsureEmailFreeAsync(email, user.Id, cancellationToken);
            user.Email = email;
        }

        user.Name = name ?? user.Name;
        if (command.Password is not null)
        {
            user.PasswordHash = hasher.Hash(command.Password);
        }

        user.UpdatedAt = time.GetUtcNow();
        await SaveAsync(cancellationToken);
        if (ownersLock is not null)
        {
            await ownersLock.CommitAsync(cancellationToken);
        }

        changes.UserChanged(user.Id);
        return user;
    }

    public async Task DeleteAsync(Guid id, Actor actor, CancellationToken cancellationToken = default)
    {
        if (id == actor.UserId)
        {
            throw new OperationNotAllowedException("CANNOT_DELETE_SELF", "You cannot delete your own account.");
        }

        var user = await db.Users.FirstOrDefaultAsync(u => u.Id == id, cancellationToken)
            ?? throw new ResourceNotFoundException("User", id.ToString());
        EnsureMayManage(actor, user);
        await using var ownersLock = user.Role == UserRole.Owner ? await LockOwnersAsync(user.OrgId, cancellationToken) : null;
        if (ownersLock is not null)
        {
            await EnsureAnotherOwnerAsync(user.Id, cancellationToken);
        }

        db.Users.Remove(user);
        await db.SaveChangesAsync(cancellationToken);
        if (ownersLock is not null)
        {
            await ownersLock.CommitAsync(cancellationToken);
        }

        changes.UserChanged(user.Id);
    }

    private static UserRole? ParseRole(FieldErrors errors, string? value, bool required)
    {
        if (value is null)
        {
            if (required)
            {
                errors.Add("role", "The role field is required.");
            }

            return null;
        }

        if (UserRoleNames.TryParse(value, out var role))
        {
            return role;
        }

        errors.Add("role", $"The role field must be one of: {string.Join(", ", UserRoleNames.All)}.");
        return null;
    }

    private static void EnsureMayGrant(Actor actor, UserRole role)
    {
        if (role > actor.Role)
        {
            throw new OperationNotAllowedException("ROLE_ESCALATION", $"A {actor.Role.ToName()} cannot grant the {role.ToName()} role.");
        }
    }

    private static void EnsureMayManage(Actor actor, User target)
    {
        if (target.Role > actor.Role)
        {
            throw new OperationNotAllowedException("ROLE_ESCALATION", $"A {actor.Role.ToName()} cannot change a {target.Role.ToName()}.");
        }
    }

    /// <summary>
    /// Starts a transaction holding the organisation's row lock. Removing an owner is check-then-act: without the
    /// lock, two owners demoting or deleting each other at once both see the other remain and leave none.
    /// </summary>
    private async Task<IDbContextTransaction> LockOwnersAsync(Guid orgId, CancellationToken cancellationToken)
    {
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            // A no-op write: PostgreSQL locks the row until commit; SQLite takes its one writer lock.
            await db.Organizations.Where(o => o.Id == orgId).ExecuteUpdateAsync(s => s.SetProperty(o => o.UpdatedAt, o => o.UpdatedAt), cancellationToken);
            return transaction;
        }
        catch
        {
            await transaction.DisposeAsync();
            throw;
        }
    }

    private async Task EnsureAnotherOwnerAsync(Guid ownerId, CancellationToken cancellationToken)
    {
        if (!await db.Users.AnyAsync(u => u.Role == UserRole.Owner && u.Id != ownerId, cancellationToken))
        {
            throw new ResourceConflictException("The organisation must keep at least one owner.", "role");
        }
    }

    private async Task EnsureEmailFreeAsync(string email, Guid? exceptId, CancellationToken cancellationToken)
    {
        // Emails are login names, so they are unique across organisations, not only within this one.
        if (await db.Users.IgnoreQueryFilters().AnyAsync(u => u.Email == email && u.Id != exceptId, cancellationToken))
        {
            throw new ResourceConflictException($"A user with the email '{email}' already exists.", "email");
        }
    }

    private async Task SaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (UniqueViolation.Is(exception))
        {
            throw new ResourceConflictException("A user with this email already exists.", "email");
        }
    }
}
