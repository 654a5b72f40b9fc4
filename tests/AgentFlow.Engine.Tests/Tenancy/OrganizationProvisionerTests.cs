using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Settings;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Tenancy;

public sealed class OrganizationProvisionerTests(SqliteEngineFixture engine) : IClassFixture<SqliteEngineFixture>
{
    [Theory]
    [InlineData("Acme", "acme")]
    [InlineData("Acme Corp", "acme-corp")]
    [InlineData("  Hello,   World!  ", "hello-world")]
    [InlineData("ACME--Corp__2026", "acme-corp-2026")]
    [InlineData("Café 42", "caf-42")]
    [InlineData("---leading and trailing---", "leading-and-trailing")]
    [InlineData("already-a-slug", "already-a-slug")]
    [InlineData("!!!", "org")]
    [InlineData("", "org")]
    [InlineData("日本語", "org")]
    public void Slugify_Name_GivesDnsLabel(string name, string expected)
    {
        Assert.Equal(expected, OrganizationProvisioner.Slugify(name));
    }

    [Fact]
    public void Slugify_VeryLongName_CutsTo63WithoutTrailingDash()
    {
        var slug = OrganizationProvisioner.Slugify(new string('a', 62) + " bbbbbbbb");

        Assert.Equal(new string('a', 62), slug);
        Assert.True(OrganizationProvisioner.Slugify(new string('x', 200)).Length == 63);
    }

    [Fact]
    public async Task CreateAsync_NewName_CreatesOrganisationWithSettings()
    {
        var name = "Provisioned " + Guid.NewGuid().ToString("N")[..8];

        Organization org;
        await using (var scope = engine.CreateScope())
        {
            org = await scope.ServiceProvider.GetRequiredService<OrganizationProvisioner>().CreateAsync(name);
        }

        Assert.Equal(OrganizationProvisioner.Slugify(name), org.Slug);
        Assert.Equal(engine.Time.GetUtcNow(), org.CreatedAt);
        await using var check = engine.CreateScope(org.Id);
        var settings = await check.ServiceProvider.GetRequiredService<SettingsService>().GetAsync();
        Assert.Equal(name, settings.Name);
        Assert.Equal(org.Slug, settings.Subdomain);
    }

    [Fact]
    public async Task CreateAsync_DuplicateSlug_ThrowsConflictOnSlug()
    {
        var name = "Twin " + Guid.NewGuid().ToString("N")[..8];
        await engine.CreateOrganizationAsync(name);

        // Another spelling of the same name gives the same slug.
        var error = await Assert.ThrowsAsync<ResourceConflictException>(() => engine.CreateOrganizationAsync(name.ToUpperInvariant() + "!"));

        Assert.Equal("slug", error.Field);
        Assert.Equal("CONFLICT", error.Code);
    }

    [Fact]
    public async Task CreateAsync_SlugUsedAsAnotherOrganisationsSubdomain_ThrowsConflict()
    {
        // An organisation may move its subdomain to a label that is not any organisation's slug.
        var taken = "moved-" + Guid.NewGuid().ToString("N")[..8];
        var first = await engine.CreateOrganizationAsync();
        await using (var scope = engine.CreateScope(first))
        {
            await scope.ServiceProvider.GetRequiredService<SettingsService>().UpdateAsync(SettingsCommands.Nothing with { Subdomain = taken });
        }

        await Assert.ThrowsAsync<ResourceConflictException>(() => engine.CreateOrganizationAsync(taken));

        await using var check = engine.CreateScope();
        Assert.False(await check.ServiceProvider.GetRequiredService<AgentFlowDbContext>().Organizations.AnyAsync(o => o.Slug == taken));
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task CreateAsync_BlankName_ThrowsValidationOnName(string name)
    {
        var error = await Assert.ThrowsAsync<InputValidationException>(() => engine.CreateOrganizationAsync(name));

        Assert.Contains("name", error.Errors.Keys);
    }
}
