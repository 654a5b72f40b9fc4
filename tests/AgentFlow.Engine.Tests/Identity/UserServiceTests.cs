using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Identity;

public sealed class UserServiceTests(SqliteEngineFixture engine) : IClassFixture<SqliteEngineFixture>
{
    [Fact]
    public async Task CreateAsync_ValidCommand_CreatesUserInTheScopeOrganisation()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);
        var email = EngineFixture.NewEmail("New");

        var user = await InOrgAsync(orgId, s => s.CreateAsync(new CreateUserCommand(email.ToUpperInvariant(), null, "member", "long-enough-password"), ActorOf(owner)));

        Assert.Equal(orgId, user.OrgId);
        Assert.Equal(email.ToLowerInvariant(), user.Email);
        Assert.Equal(email.ToLowerInvariant().Split('@')[0], user.Name);
        Assert.Equal(UserRole.Member, user.Role);
        Assert.Equal(PasswordVerification.Success, new Argon2PasswordHasher().Verify("long-enough-password", user.PasswordHash));
    }

    [Fact]
    public async Task CreateAsync_InvalidFields_ThrowsValidationNamingEachField()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);

        var error = await Assert.ThrowsAsync<InputValidationException>(() =>
            InOrgAsync(orgId, s => s.CreateAsync(new CreateUserCommand("not-an-email", new string('n', 129), "superuser", "short"), ActorOf(owner))));

        Assert.Equal(["email", "name", "password", "role"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_MissingRequiredFields_ThrowsValidation()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);

        var error = await Assert.ThrowsAsync<InputValidationException>(() =>
            InOrgAsync(orgId, s => s.CreateAsync(new CreateUserCommand(null, null, null, null), ActorOf(owner))));

        Assert.Equal(["email", "password", "role"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_AdminGrantsOwner_ThrowsRoleEscalation()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var admin = await engine.AddUserAsync(orgId, UserRole.Admin);
        var email = EngineFixture.NewEmail();

        var error = await Assert.ThrowsAsync<OperationNotAllowedException>(() =>
            InOrgAsync(orgId, s => s.CreateAsync(new CreateUserCommand(email, null, "owner", "long-enough-password"), ActorOf(admin))));

        Assert.Equal("ROLE_ESCALATION", error.Code);
        Assert.False(await EmailExistsAsync(email));
    }

    [Theory]
    [InlineData(UserRole.Member, "admin")]
    [InlineData(UserRole.Viewer, "member")]
    public async Task CreateAsync_ActorGrantsRoleAboveOwn_ThrowsRoleEscalation(UserRole actorRole, string grantedRole)
    {
        var orgId = await engine.CreateOrganizationAsync();
        var actor = await engine.AddUserAsync(orgId, actorRole);

        var error = await Assert.ThrowsAsync<OperationNotAllowedException>(() =>
            InOrgAsync(orgId, s => s.CreateAsync(new CreateUserCommand(EngineFixture.NewEmail(), null, grantedRole, "long-enough-password"), ActorOf(actor))));

        Assert.Equal("ROLE_ESCALATION", error.Code);
    }

    [Fact]
    public async Task CreateAsync_AdminGrantsAdmin_Succeeds()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var admin = await engine.AddUserAsync(orgId, UserRole.Admin);

        var user = await InOrgAsync(orgId, s => s.CreateAsync(new CreateUserCommand(EngineFixture.NewEmail(), "Peer", "admin", "long-enough-password"), ActorOf(admin)));

        Assert.Equal(UserRole.Admin, user.Role);
    }

    [Fact]
    public async Task UpdateAsync_AdminPromotesMemberToOwner_ThrowsRoleEscalation()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var admin = await engine.AddUserAsync(orgId, UserRole.Admin);
        var member = await engine.AddUserAsync(orgId, UserRole.Member);

        var error = await Assert.ThrowsAsync<OperationNotAllowedException>(() =>
            InOrgAsync(orgId, s => s.UpdateAsync(member.Id, new UpdateUserCommand(null, null, "owner", null), ActorOf(admin))));

        Assert.Equal("ROLE_ESCALATION", error.Code);
        Assert.Equal(UserRole.Member, (await InOrgAsync(orgId, s => s.GetAsync(member.Id))).Role);
    }

    [Fact]
    public async Task UpdateAsync_AdminPromotesSelfToOwner_ThrowsRoleEscalation()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var admin = await engine.AddUserAsync(orgId, UserRole.Admin);

        var error = await Assert.ThrowsAsync<OperationNotAllowedException>(() =>
            InOrgAsync(orgId, s => s.UpdateAsync(admin.Id, new UpdateUserCommand(null, null, "owner", null), ActorOf(admin))));

        Assert.Equal("ROLE_ESCALATION", error.Code);
    }

    [Fact]
    public async Task UpdateAsync_AdminChangesAnOwner_ThrowsRoleEscalation()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);
        var admin = await engine.AddUserAsync(orgId, UserRole.Admin);

        var error = await Assert.ThrowsAsync<OperationNotAllowedException>(() =>
            InOrgAsync(orgId, s => s.UpdateAsync(owner.Id, new UpdateUserCommand(null, "Renamed", null, null), ActorOf(admin))));

        Assert.Equal("ROLE_ESCALATION", error.Code);
    }

    [Fact]
    public async Task UpdateAsync_SoleOwnerDemotesSelf_ThrowsConflictAndStaysOwner()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() =>
            InOrgAsync(orgId, s => s.UpdateAsync(owner.Id, new UpdateUserCommand(null, null, "admin", null), ActorOf(owner))));

        Assert.Equal("role", error.Field);
        Assert.Equal(UserRole.Owner, (await InOrgAsync(orgId, s => s.GetAsync(owner.Id))).Role);
    }

    [Fact]
    public async Task UpdateAsync_SoleOwnerWhileAnotherOrganisationHasOwners_ThrowsConflict()
    {
        // The "another owner" check must count owners of this organisation only.
        var otherOrg = await engine.CreateOrganizationAsync();
        await engine.AddUserAsync(otherOrg, UserRole.Owner);
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);

        await Assert.ThrowsAsync<ResourceConflictException>(() =>
            InOrgAsync(orgId, s => s.UpdateAsync(owner.Id, new UpdateUserCommand(null, null, "member", null), ActorOf(owner))));
    }

    [Fact]
    public async Task UpdateAsync_OwnerDemotedWhileAnotherOwnerRemains_Succeeds()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var first = await engine.AddUserAsync(orgId, UserRole.Owner);
        var second = await engine.AddUserAsync(orgId, UserRole.Owner);

        var updated = await InOrgAsync(orgId, s => s.UpdateAsync(second.Id, new UpdateUserCommand(null, null, "admin", null), ActorOf(first)));

        Assert.Equal(UserRole.Admin, updated.Role);
    }

    [Fact]
    public async Task DeleteAsync_Self_ThrowsCannotDeleteSelf()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);
        await engine.AddUserAsync(orgId, UserRole.Owner);

        var error = await Assert.ThrowsAsync<OperationNotAllowedException>(() =>
            InOrgAsync(orgId, async s => { await s.DeleteAsync(owner.Id, ActorOf(owner)); return true; }));

        Assert.Equal("CANNOT_DELETE_SELF", error.Code);
        Assert.True(await EmailExistsAsync(owner.Email));
    }

    [Fact]
    public async Task DeleteAsync_LastOwnerByCallerWithStaleOwnerRole_ThrowsConflict()
    {
        // A caller whose owner role was just revoked (another node's cache) still cannot remove the last owner.
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);
        var formerOwner = await engine.AddUserAsync(orgId, UserRole.Admin);

        await Assert.ThrowsAsync<ResourceConflictException>(() =>
            InOrgAsync(orgId, async s => { await s.DeleteAsync(owner.Id, new Actor(formerOwner.Id, UserRole.Owner)); return true; }));

        Assert.True(await EmailExistsAsync(owner.Email));
    }

    [Fact]
    public async Task DeleteAsync_OwnerWhileAnotherOwnerRemains_RemovesTheUser()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var first = await engine.AddUserAsync(orgId, UserRole.Owner);
        var second = await engine.AddUserAsync(orgId, UserRole.Owner);

        await InOrgAsync(orgId, async s => { await s.DeleteAsync(second.Id, ActorOf(first)); return true; });

        Assert.False(await EmailExistsAsync(second.Email));
    }

    [Fact]
    public async Task DeleteAsync_AdminDeletesOwner_ThrowsRoleEscalation()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);
        var admin = await engine.AddUserAsync(orgId, UserRole.Admin);

        var error = await Assert.ThrowsAsync<OperationNotAllowedException>(() =>
            InOrgAsync(orgId, async s => { await s.DeleteAsync(owner.Id, ActorOf(admin)); return true; }));

        Assert.Equal("ROLE_ESCALATION", error.Code);
    }

    [Fact]
    public async Task DeleteAsync_UserOfAnotherOrganisation_ThrowsNotFound()
    {
        var otherOrg = await engine.CreateOrganizationAsync();
        var stranger = await engine.AddUserAsync(otherOrg, UserRole.Member);
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);

        await Assert.ThrowsAsync<ResourceNotFoundException>(() =>
            InOrgAsync(orgId, async s => { await s.DeleteAsync(stranger.Id, ActorOf(owner)); return true; }));

        Assert.True(await EmailExistsAsync(stranger.Email));
    }

    [Fact]
    public async Task CreateAsync_EmailUsedInAnotherOrganisation_ThrowsConflictOnEmail()
    {
        var otherOrg = await engine.CreateOrganizationAsync();
        var existing = await engine.AddUserAsync(otherOrg, UserRole.Member);
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() =>
            InOrgAsync(orgId, s => s.CreateAsync(new CreateUserCommand(existing.Email.ToUpperInvariant(), null, "member", "long-enough-password"), ActorOf(owner))));

        Assert.Equal("email", error.Field);
        Assert.Equal("CONFLICT", error.Code);
    }

    [Fact]
    public async Task UpdateAsync_EmailToOneUsedInAnotherOrganisation_ThrowsConflictOnEmail()
    {
        var otherOrg = await engine.CreateOrganizationAsync();
        var existing = await engine.AddUserAsync(otherOrg, UserRole.Member);
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);
        var member = await engine.AddUserAsync(orgId, UserRole.Member);

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() =>
            InOrgAsync(orgId, s => s.UpdateAsync(member.Id, new UpdateUserCommand(existing.Email, null, null, null), ActorOf(owner))));

        Assert.Equal("email", error.Field);
    }

    [Fact]
    public async Task UpdateAsync_OwnEmailInOtherCase_Succeeds()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);

        var updated = await InOrgAsync(orgId, s => s.UpdateAsync(owner.Id, new UpdateUserCommand(owner.Email.ToUpperInvariant(), null, null, null), ActorOf(owner)));

        Assert.Equal(owner.Email, updated.Email);
    }

    [Fact]
    public async Task UpdateAsync_NewPassword_ReplacesTheHash()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);

        var updated = await InOrgAsync(orgId, s => s.UpdateAsync(owner.Id, new UpdateUserCommand(null, null, null, "a-brand-new-password"), ActorOf(owner)));

        var hasher = new Argon2PasswordHasher();
        Assert.Equal(PasswordVerification.Success, hasher.Verify("a-brand-new-password", updated.PasswordHash));
        Assert.Equal(PasswordVerification.Failed, hasher.Verify(EngineFixture.Password, updated.PasswordHash));
    }

    [Fact]
    public async Task ListAsync_TenantInScope_ListsOnlyItsUsersOldestFirst()
    {
        await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Member);
        var orgId = await engine.CreateOrganizationAsync();
        var first = await engine.AddUserAsync(orgId, UserRole.Owner);
        engine.Time.Advance(TimeSpan.FromMinutes(1));
        var second = await engine.AddUserAsync(orgId, UserRole.Viewer);

        var page = await InOrgAsync(orgId, s => s.ListAsync(new Paging.PageRequest(10, 0)));

        Assert.Equal(2, page.Total);
        Assert.Equal([first.Id, second.Id], page.Items.Select(u => u.Id));
    }

    private static Actor ActorOf(User user) => new(user.Id, user.Role);

    private async Task<T> InOrgAsync<T>(Guid orgId, Func<UserService, Task<T>> action)
    {
        await using var scope = engine.CreateScope(orgId);
        return await action(scope.ServiceProvider.GetRequiredService<UserService>());
    }

    private async Task<bool> EmailExistsAsync(string email)
    {
        await using var scope = engine.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>().Users.IgnoreQueryFilters().AnyAsync(u => u.Email == email);
    }
}
