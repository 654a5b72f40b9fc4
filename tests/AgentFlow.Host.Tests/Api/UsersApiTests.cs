using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

public abstract class UsersApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string NewPassword = "a-fresh-password-42";

    [Fact]
    public async Task CreateUser_AsAdmin_Returns201AndListsIt()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        var email = NewEmail();

        var response = await admin.Client.PostAsJsonAsync("/api/users", new { email, name = "New Member", role = "member", password = NewPassword });

        var created = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        Assert.Equal(email, created.GetProperty("email").GetString());
        Assert.Equal("New Member", created.GetProperty("name").GetString());
        Assert.Equal("member", created.GetProperty("role").GetString());
        Assert.Equal(tenant.OrgId, created.GetProperty("orgId").GetGuid());
        Assert.Equal($"/api/users/{created.GetProperty("id").GetString()}", response.Headers.Location?.ToString());
        var list = await (await admin.Client.GetAsync("/api/users")).AssertSuccessAsync();
        Assert.Equal(3, list.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Contains(list.GetProperty("data").EnumerateArray(), u => u.GetProperty("email").GetString() == email);
    }

    [Fact]
    public async Task CreateUser_EmailIsStoredLowerCase()
    {
        var tenant = await host.CreateTenantAsync();
        var email = NewEmail();

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { email = email.ToUpperInvariant(), role = "viewer", password = NewPassword });

        var created = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        Assert.Equal(email, created.GetProperty("email").GetString());
    }

    [Fact]
    public async Task ListUsers_OnlyOwnOrganisation()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var list = await (await tenant.Owner.Client.GetAsync("/api/users")).AssertSuccessAsync();

        Assert.Equal(2, list.GetProperty("meta").GetProperty("total").GetInt32());
        var ids = list.GetProperty("data").EnumerateArray().Select(u => u.GetProperty("id").GetGuid()).ToHashSet();
        Assert.True(ids.SetEquals([tenant.Owner.Id, member.Id]), list.ToString());
    }

    [Fact]
    public async Task ListUsers_AsMember_Returns403WithRequiredAndCurrentRole()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await member.Client.GetAsync("/api/users");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("admin", problem.GetProperty("details").GetProperty("required").GetString());
        Assert.Equal("member", problem.GetProperty("details").GetProperty("current").GetString());
    }

    [Theory]
    [InlineData("email", "not-an-email")]
    [InlineData("email", "two@at@example.com")]
    [InlineData("email", "")]
    [InlineData("role", "superuser")]
    [InlineData("role", "Owner")]
    [InlineData("role", "")]
    [InlineData("password", "short")]
    [InlineData("password", "1234567")]
    [InlineData("password", "")]
    public async Task CreateUser_InvalidField_Returns400NamingIt(string field, string value)
    {
        var tenant = await host.CreateTenantAsync();
        var body = new Dictionary<string, string> { ["email"] = NewEmail(), ["role"] = "member", ["password"] = NewPassword, [field] = value };

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/users", body);

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.Equal([field], problem.GetProperty("details").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task CreateUser_PasswordOf129Characters_Returns400()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { email = NewEmail(), role = "member", password = new string('p', 129) });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(problem.GetProperty("details").TryGetProperty("password", out _), problem.ToString());
    }

    [Theory]
    [InlineData(8)]
    [InlineData(128)]
    public async Task CreateUser_PasswordAtLengthLimit_CanLogIn(int length)
    {
        var tenant = await host.CreateTenantAsync();
        var email = NewEmail();
        var password = new string('p', length);

        await (await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { email, role = "member", password })).AssertSuccessAsync(HttpStatusCode.Created);

        var session = await host.LoginAsync(email, password);
        Assert.Equal("member", session.GetProperty("user").GetProperty("role").GetString());
    }

    [Fact]
    public async Task CreateUser_EveryFieldInvalid_Returns400ListingEachField()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { email = "nope", role = "emperor", password = "short" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        var fields = problem.GetProperty("details").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["email", "password", "role"], fields);
    }

    [Fact]
    public async Task CreateUser_MissingFields_Returns400ListingEachField()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { name = "No One" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        var fields = problem.GetProperty("details").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["email", "password", "role"], fields);
    }

    [Fact]
    public async Task CreateUser_DuplicateEmailInSameOrganisation_Returns409()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { email = member.Email.ToUpperInvariant(), role = "member", password = NewPassword });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("email", problem.GetProperty("details").GetProperty("field").GetString());
    }

    [Fact]
    public async Task CreateUser_EmailUsedInAnotherOrganisation_Returns409()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { email = other.Owner.Email, role = "member", password = NewPassword });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("email", problem.GetProperty("details").GetProperty("field").GetString());
        // The other organisation's owner still logs in with their own password.
        await host.LoginAsync(other.Owner.Email);
    }

    [Fact]
    public async Task UpdateUser_EmailTakenByAnotherUser_Returns409()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var response = await tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{viewer.Id}", new { email = member.Email });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task CreateUser_AdminCreatingOwner_Returns403RoleEscalation()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        var email = NewEmail();

        var response = await admin.Client.PostAsJsonAsync("/api/users", new { email, role = "owner", password = NewPassword });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "ROLE_ESCALATION");
        var list = await (await tenant.Owner.Client.GetAsync("/api/users")).AssertSuccessAsync();
        Assert.DoesNotContain(list.GetProperty("data").EnumerateArray(), u => u.GetProperty("email").GetString() == email);
    }

    [Fact]
    public async Task UpdateUser_AdminPromotingToOwner_Returns403RoleEscalation()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var promoteOther = await admin.Client.PatchAsJsonAsync($"/api/users/{member.Id}", new { role = "owner" });
        var promoteSelf = await admin.Client.PatchAsJsonAsync($"/api/users/{admin.Id}", new { role = "owner" });

        await promoteOther.AssertProblemAsync(HttpStatusCode.Forbidden, "ROLE_ESCALATION");
        await promoteSelf.AssertProblemAsync(HttpStatusCode.Forbidden, "ROLE_ESCALATION");
        var stored = await (await tenant.Owner.Client.GetAsync($"/api/users/{member.Id}")).AssertSuccessAsync();
        Assert.Equal("member", stored.GetProperty("data").GetProperty("role").GetString());
    }

    [Fact]
    public async Task UpdateUser_AdminChangingAnOwner_Returns403RoleEscalation()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);

        var response = await admin.Client.PatchAsJsonAsync($"/api/users/{tenant.Owner.Id}", new { password = "hijacked-password" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "ROLE_ESCALATION");
        await host.LoginAsync(tenant.Owner.Email);
    }

    [Fact]
    public async Task OwnerCreatesAndPromotesOwners()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var created = await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { email = NewEmail(), role = "owner", password = NewPassword });
        var promoted = await tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{member.Id}", new { role = "owner" });

        Assert.Equal("owner", (await created.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("role").GetString());
        Assert.Equal("owner", (await promoted.AssertSuccessAsync()).GetProperty("data").GetProperty("role").GetString());
        // The promotion shows on the member's existing session.
        await (await member.Client.PutAsJsonAsync("/api/retention", new { enabled = false, retainDays = 30 })).AssertSuccessAsync();
    }

    [Fact]
    public async Task DeleteUser_AsAdmin_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await admin.Client.DeleteAsync($"/api/users/{member.Id}");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("owner", problem.GetProperty("details").GetProperty("required").GetString());
        await (await tenant.Owner.Client.GetAsync($"/api/users/{member.Id}")).AssertSuccessAsync();
    }

    [Fact]
    public async Task DeleteUser_AsOwner_Returns204AndUserIsGone()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await tenant.Owner.Client.DeleteAsync($"/api/users/{member.Id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await tenant.Owner.Client.GetAsync($"/api/users/{member.Id}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        using var client = host.CreateBareClient();
        await (await client.PostAsJsonAsync("/auth/login", new { email = member.Email, password = TestTenant.Password })).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
    }

    [Fact]
    public async Task DeleteUser_Self_Returns403CannotDeleteSelf()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.AddUserAsync(UserRole.Owner);

        var response = await tenant.Owner.Client.DeleteAsync($"/api/users/{tenant.Owner.Id}");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "CANNOT_DELETE_SELF");
        await (await tenant.Owner.Client.GetAsync("/auth/me")).AssertSuccessAsync();
    }

    [Fact]
    public async Task UpdateUser_DemotingTheLastOwner_Returns409()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{tenant.Owner.Id}", new { role = "admin" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
        Assert.Equal("role", problem.GetProperty("details").GetProperty("field").GetString());
        var me = await (await tenant.Owner.Client.GetAsync("/auth/me")).AssertSuccessAsync();
        Assert.Equal("owner", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task UpdateUser_DemotingAnOwnerWhileAnotherRemains_Succeeds()
    {
        var tenant = await host.CreateTenantAsync();
        var second = await tenant.AddUserAsync(UserRole.Owner);

        var demoteOther = await tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{second.Id}", new { role = "admin" });
        var demoteSelf = await tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{tenant.Owner.Id}", new { role = "admin" });

        Assert.Equal("admin", (await demoteOther.AssertSuccessAsync()).GetProperty("data").GetProperty("role").GetString());
        await demoteSelf.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task OwnersDeletingEachOtherAtOnce_LeaveExactlyOneOwner()
    {
        // Each delete alone is allowed (the other owner remains); run at once they must not leave the organisation
        // without an owner. A few rounds, because a lost race only shows when both requests overlap.
        for (var round = 0; round < 3; round++)
        {
            var tenant = await host.CreateTenantAsync();
            var second = await tenant.AddUserAsync(UserRole.Owner);

            var responses = await Task.WhenAll(
                tenant.Owner.Client.DeleteAsync($"/api/users/{second.Id}"),
                second.Client.DeleteAsync($"/api/users/{tenant.Owner.Id}"));

            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.NoContent);
            Assert.Equal(1, await CountOwnersWhoCanSignInAsync(tenant.Owner, second));
        }
    }

    [Fact]
    public async Task OwnersDemotingEachOtherAtOnce_LeaveExactlyOneOwner()
    {
        for (var round = 0; round < 3; round++)
        {
            var tenant = await host.CreateTenantAsync();
            var second = await tenant.AddUserAsync(UserRole.Owner);

            var responses = await Task.WhenAll(
                tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{second.Id}", new { role = "admin" }),
                second.Client.PatchAsJsonAsync($"/api/users/{tenant.Owner.Id}", new { role = "admin" }));

            Assert.Contains(responses, r => r.StatusCode == HttpStatusCode.OK);
            var roles = new List<string?>();
            foreach (var user in new[] { tenant.Owner, second })
            {
                roles.Add((await host.LoginAsync(user.Email)).GetProperty("user").GetProperty("role").GetString());
            }

            Assert.Equal(1, roles.Count(r => r == "owner"));
        }
    }

    [Fact]
    public async Task UsersOfAnotherOrganisation_CannotBeReadChangedOrDeleted()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var foreign = await other.AddUserAsync(UserRole.Member);

        var get = await tenant.Owner.Client.GetAsync($"/api/users/{foreign.Id}");
        var patch = await tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{foreign.Id}", new { role = "viewer" });
        var delete = await tenant.Owner.Client.DeleteAsync($"/api/users/{foreign.Id}");

        await get.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await patch.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await delete.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var me = await (await foreign.Client.GetAsync("/auth/me")).AssertSuccessAsync();
        Assert.Equal("member", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task CreatedUser_CanLogInWithTheGivenPassword()
    {
        var tenant = await host.CreateTenantAsync();
        var email = NewEmail();
        var created = (await (await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { email, role = "viewer", password = NewPassword }))
            .AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");

        var session = await host.LoginAsync(email, NewPassword);

        var user = session.GetProperty("user");
        Assert.Equal(created.GetProperty("id").GetGuid(), user.GetProperty("id").GetGuid());
        Assert.Equal("viewer", user.GetProperty("role").GetString());
        Assert.Equal(tenant.OrgId, user.GetProperty("orgId").GetGuid());
    }

    [Fact]
    public async Task UpdateUser_Password_OldOneStopsWorking()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        await (await tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{member.Id}", new { password = NewPassword })).AssertSuccessAsync();

        using var client = host.CreateBareClient();
        var old = await client.PostAsJsonAsync("/auth/login", new { email = member.Email, password = TestTenant.Password });
        await old.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        await host.LoginAsync(member.Email, NewPassword);
    }

    [Fact]
    public async Task UpdateUser_TooShortPassword_Returns400AndKeepsTheOldOne()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{member.Id}", new { password = "short" });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(problem.GetProperty("details").TryGetProperty("password", out _), problem.ToString());
        await host.LoginAsync(member.Email);
    }

    [Fact]
    public async Task UserObjects_NeverContainPasswordHash()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var bodies = new List<JsonElement>
        {
            await (await tenant.Owner.Client.PostAsJsonAsync("/api/users", new { email = NewEmail(), role = "member", password = NewPassword })).AssertSuccessAsync(HttpStatusCode.Created),
            await (await tenant.Owner.Client.GetAsync("/api/users")).AssertSuccessAsync(),
            await (await tenant.Owner.Client.GetAsync($"/api/users/{member.Id}")).AssertSuccessAsync(),
            await (await tenant.Owner.Client.PatchAsJsonAsync($"/api/users/{member.Id}", new { name = "Renamed", password = NewPassword })).AssertSuccessAsync(),
            await (await member.Client.GetAsync("/auth/me")).AssertSuccessAsync(),
            await host.LoginAsync(member.Email, NewPassword),
        };

        foreach (var body in bodies)
        {
            Assert.DoesNotContain(AuthHelpers.AllPropertyNames(body), n => n.Contains("password", StringComparison.OrdinalIgnoreCase) || n.Contains("hash", StringComparison.OrdinalIgnoreCase));
            Assert.DoesNotContain("$argon2", body.GetRawText(), StringComparison.Ordinal);
        }
    }

    private async Task<int> CountOwnersWhoCanSignInAsync(params TestUser[] owners)
    {
        var count = 0;
        using var client = host.CreateBareClient();
        foreach (var owner in owners)
        {
            var login = await client.PostAsJsonAsync("/auth/login", new { email = owner.Email, password = TestTenant.Password });
            count += login.StatusCode == HttpStatusCode.OK ? 1 : 0;
        }

        return count;
    }

    private static string NewEmail() => $"user-{Guid.NewGuid():N}@example.com";
}

public sealed class SqliteUsersApiTests(SqliteHostFixture host) : UsersApiTests<SqliteHostFixture>(host);

public sealed class PostgresUsersApiTests(PostgresHostFixture host) : UsersApiTests<PostgresHostFixture>(host);
