using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Identity;

/// <summary>Bootstrap works once per installation, so every test here gets a database of its own.</summary>
public sealed class BootstrapServiceTests
{
    private const string OwnerPassword = "first-owner-password";

    [Fact]
    public async Task BootstrapAsync_FreshDatabase_CreatesOwnerAndRenamesDefaultOrganisation()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();

        var owner = await BootstrapAsync(engine, new BootstrapCommand("Acme Robotics", "Founder@Acme.Example", OwnerPassword, "Ada Founder"));

        Assert.Equal(Organization.DefaultId, owner.OrgId);
        Assert.Equal(UserRole.Owner, owner.Role);
        Assert.Equal("founder@acme.example", owner.Email);
        Assert.Equal("Ada Founder", owner.Name);
        Assert.Equal(engine.Time.GetUtcNow(), owner.CreatedAt);
        Assert.Equal(PasswordVerification.Success, new Argon2PasswordHasher().Verify(OwnerPassword, owner.PasswordHash));

        await using var scope = engine.CreateScope(Organization.DefaultId);
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        var org = await db.Organizations.SingleAsync();
        Assert.Equal("Acme Robotics", org.Name);
        Assert.Equal("my-company", org.Slug);
        var settings = await db.CompanySettings.SingleAsync();
        Assert.Equal("Acme Robotics", settings.Name);
        Assert.Equal("acme-robotics", settings.Subdomain);
        var marker = await db.BootstrapMarkers.SingleAsync();
        Assert.Equal(owner.Id, marker.OwnerId);
        Assert.True(await scope.ServiceProvider.GetRequiredService<BootstrapService>().IsBootstrappedAsync());
    }

    [Fact]
    public async Task BootstrapAsync_NoName_UsesEmailLocalPart()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();

        var owner = await BootstrapAsync(engine, new BootstrapCommand("Acme", "ada@acme.example", OwnerPassword, null));

        Assert.Equal("ada", owner.Name);
    }

    [Fact]
    public async Task BootstrapAsync_SecondCall_ThrowsAlreadyBootstrapped()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();
        await BootstrapAsync(engine, new BootstrapCommand("Acme", "first@acme.example", OwnerPassword, null));

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() =>
            BootstrapAsync(engine, new BootstrapCommand("Evil Corp", "second@evil.example", OwnerPassword, null)));

        Assert.Equal("ALREADY_BOOTSTRAPPED", error.Code);
        await using var scope = engine.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        Assert.Equal(["first@acme.example"], await db.Users.IgnoreQueryFilters().Select(u => u.Email).ToListAsync());
        Assert.Equal("Acme", await db.Organizations.Where(o => o.Id == Organization.DefaultId).Select(o => o.Name).SingleAsync());
    }

    [Fact]
    public async Task BootstrapAsync_UserAlreadyExistsInAnotherOrganisation_ThrowsAlreadyBootstrapped()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();
        await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() =>
            BootstrapAsync(engine, new BootstrapCommand("Acme", "late@acme.example", OwnerPassword, null)));

        Assert.Equal("ALREADY_BOOTSTRAPPED", error.Code);
    }

    [Fact]
    public async Task BootstrapAsync_InvalidInput_ThrowsValidationAndCreatesNothing()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() =>
            BootstrapAsync(engine, new BootstrapCommand(" ", "not-an-email", "short", null)));

        Assert.Equal(["companyName", "email", "password"], error.Errors.Keys.Order(StringComparer.Ordinal));
        await using var scope = engine.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<BootstrapService>().IsBootstrappedAsync());
    }

    [Fact]
    public async Task BootstrapAsync_CompanySlugTakenByAnotherOrganisation_KeepsDefaultSubdomain()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();
        await engine.CreateOrganizationAsync("Acme");

        await BootstrapAsync(engine, new BootstrapCommand("Acme", "owner@acme.example", OwnerPassword, null));

        await using var scope = engine.CreateScope(Organization.DefaultId);
        var settings = await scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>().CompanySettings.SingleAsync();
        Assert.Equal("Acme", settings.Name);
        Assert.Equal("my-company", settings.Subdomain);
    }

    [Fact]
    public async Task IsBootstrappedAsync_FreshDatabase_ReturnsFalse()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();

        await using var scope = engine.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<BootstrapService>().IsBootstrappedAsync());
    }

    private static async Task<User> BootstrapAsync(EngineFixture engine, BootstrapCommand command)
    {
        // No tenant in scope: bootstrap runs before anyone has signed in.
        await using var scope = engine.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<BootstrapService>().BootstrapAsync(command);
    }
}
