using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Identity;

public sealed class UserAuthenticatorTests(SqliteEngineFixture engine) : IClassFixture<SqliteEngineFixture>
{
    [Fact]
    public async Task AuthenticateAsync_RightPassword_ReturnsUserAndRecordsLastLogin()
    {
        var user = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Member);
        engine.Time.Advance(TimeSpan.FromMinutes(5));
        var now = engine.Time.GetUtcNow();

        var result = await AuthenticateAsync(user.Email, EngineFixture.Password);

        Assert.NotNull(result);
        Assert.Equal(user.Id, result.Id);
        Assert.Equal(now, result.LastLoginAt);
        var stored = await LoadAsync(user.Id);
        Assert.Equal(now, stored.LastLoginAt);
    }

    [Fact]
    public async Task AuthenticateAsync_WrongPassword_ReturnsNullAndRecordsNothing()
    {
        var user = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Member);

        var result = await AuthenticateAsync(user.Email, "wrong-password");

        Assert.Null(result);
        Assert.Null((await LoadAsync(user.Id)).LastLoginAt);
    }

    [Fact]
    public async Task AuthenticateAsync_UnknownEmail_ReturnsNull()
    {
        var result = await AuthenticateAsync(EngineFixture.NewEmail("nobody"), EngineFixture.Password);

        Assert.Null(result);
    }

    [Fact]
    public async Task AuthenticateAsync_DecoyPasswordForUnknownEmail_ReturnsNull()
    {
        // Unknown emails are checked against a decoy hash; its password must not open anything.
        var result = await AuthenticateAsync(EngineFixture.NewEmail("nobody"), "decoy-password-for-unknown-users");

        Assert.Null(result);
    }

    [Fact]
    public async Task AuthenticateAsync_UserWithoutPassword_ReturnsNull()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var email = EngineFixture.NewEmail("sso");
        await using (var scope = engine.CreateScope(orgId))
        {
            var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
            db.Users.Add(new User { Id = Guid.NewGuid(), Email = email, Name = "SSO user", SsoProvider = "oidc", SsoSubject = "abc" });
            await db.SaveChangesAsync();
        }

        var result = await AuthenticateAsync(email, "decoy-password-for-unknown-users");

        Assert.Null(result);
    }

    [Theory]
    [InlineData("UPPER")]
    [InlineData("Mixed")]
    [InlineData("padded")]
    public async Task AuthenticateAsync_EmailInOtherCaseOrPadded_FindsTheUser(string variant)
    {
        var user = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Viewer);
        var typed = variant switch
        {
            "UPPER" => user.Email.ToUpperInvariant(),
            "Mixed" => char.ToUpperInvariant(user.Email[0]) + user.Email[1..].Replace("@example.com", "@Example.COM", StringComparison.Ordinal),
            _ => "  " + user.Email + " ",
        };

        var result = await AuthenticateAsync(typed, EngineFixture.Password);

        Assert.Equal(user.Id, result?.Id);
    }

    [Fact]
    public async Task AuthenticateAsync_UsersOfSeveralOrganisations_EachSignsInWithoutTenantInScope()
    {
        var first = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);
        var second = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Viewer);

        var firstResult = await AuthenticateAsync(first.Email, EngineFixture.Password);
        var secondResult = await AuthenticateAsync(second.Email, EngineFixture.Password);

        Assert.Equal((first.Id, first.OrgId), (firstResult?.Id, firstResult?.OrgId));
        Assert.Equal((second.Id, second.OrgId), (secondResult?.Id, secondResult?.OrgId));
        Assert.NotEqual(first.OrgId, second.OrgId);
    }

    [Fact]
    public async Task AuthenticateAsync_HashWithWeakerParameters_UpgradesTheStoredHash()
    {
        var weak = new Argon2PasswordHasher(memoryKib: 8192, passes: 1);
        var user = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Member, hasher: weak);
        Assert.StartsWith("$argon2id$v=19$m=8192,t=1,p=1$", user.PasswordHash, StringComparison.Ordinal);

        var result = await AuthenticateAsync(user.Email, EngineFixture.Password);

        Assert.NotNull(result);
        var stored = await LoadAsync(user.Id);
        Assert.StartsWith("$argon2id$v=19$m=19456,t=2,p=1$", stored.PasswordHash, StringComparison.Ordinal);
        Assert.NotNull(await AuthenticateAsync(user.Email, EngineFixture.Password));
    }

    private async Task<User?> AuthenticateAsync(string email, string password)
    {
        // No tenant in scope: sign-in happens before anyone knows the caller's organisation.
        await using var scope = engine.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<UserAuthenticator>().AuthenticateAsync(email, password);
    }

    private async Task<User> LoadAsync(Guid userId)
    {
        await using var scope = engine.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>().Users.IgnoreQueryFilters().AsNoTracking().SingleAsync(u => u.Id == userId);
    }
}
