using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Settings;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Settings;

public sealed class SettingsServiceTests(SqliteEngineFixture engine) : IClassFixture<SqliteEngineFixture>
{
    [Fact]
    public async Task UpdateAsync_SecretMask_KeepsStoredSecrets()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await UpdateAsync(orgId, SettingsCommands.Nothing with { SmtpPass = " p@ss word ", DkimPrivateKey = "-----BEGIN PRIVATE KEY-----" });

        await UpdateAsync(orgId, SettingsCommands.Nothing with { SmtpPass = SettingsService.SecretMask, DkimPrivateKey = SettingsService.SecretMask, Name = "Renamed" });

        var settings = await GetAsync(orgId);
        Assert.Equal(" p@ss word ", settings.SmtpPass);
        Assert.Equal("-----BEGIN PRIVATE KEY-----", settings.DkimPrivateKey);
        Assert.Equal("Renamed", settings.Name);
    }

    [Fact]
    public async Task UpdateAsync_NewSecret_ReplacesStoredSecret()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await UpdateAsync(orgId, SettingsCommands.Nothing with { SmtpPass = "old" });

        await UpdateAsync(orgId, SettingsCommands.Nothing with { SmtpPass = "new" });

        Assert.Equal("new", (await GetAsync(orgId)).SmtpPass);
    }

    [Fact]
    public async Task UpdateAsync_EmptyStrings_ClearOptionalFields()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await UpdateAsync(orgId, SettingsCommands.Nothing with
        {
            Domain = "agents.example.com",
            SmtpHost = "smtp.example.com",
            SmtpUser = "mailer",
            SmtpPass = "secret",
            DkimPrivateKey = "key",
            LogoUrl = "https://cdn.example.com/logo.png",
        });

        await UpdateAsync(orgId, SettingsCommands.Nothing with { Domain = "", SmtpHost = "", SmtpUser = "", SmtpPass = "", DkimPrivateKey = "", LogoUrl = "" });

        var settings = await GetAsync(orgId);
        Assert.Null(settings.Domain);
        Assert.Null(settings.SmtpHost);
        Assert.Null(settings.SmtpUser);
        Assert.Null(settings.SmtpPass);
        Assert.Null(settings.DkimPrivateKey);
        Assert.Null(settings.LogoUrl);
    }

    [Fact]
    public async Task UpdateAsync_NullFields_LeaveEverythingUnchanged()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var full = SettingsCommands.Nothing with
        {
            Domain = "mail.example.org",
            SmtpHost = "smtp.example.org",
            SmtpPort = 587,
            SmtpUser = "user",
            SmtpPass = "pass",
            LogoUrl = "http://example.org/l.svg",
            PrimaryColor = "#112233",
        };
        var before = await UpdateAsync(orgId, full);

        var after = await UpdateAsync(orgId, SettingsCommands.Nothing);

        Assert.Equal(
            (before.Name, before.Domain, before.Subdomain, before.SmtpHost, before.SmtpPort, before.SmtpUser, before.SmtpPass, before.LogoUrl, before.PrimaryColor),
            (after.Name, after.Domain, after.Subdomain, after.SmtpHost, after.SmtpPort, after.SmtpUser, after.SmtpPass, after.LogoUrl, after.PrimaryColor));
    }

    [Fact]
    public async Task UpdateAsync_ValidValues_AreStoredAndColourLowerCased()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var subdomain = "sub-" + Guid.NewGuid().ToString("N")[..8];
        engine.Time.Advance(TimeSpan.FromHours(1));

        var settings = await UpdateAsync(orgId, SettingsCommands.Nothing with { Subdomain = subdomain, SmtpPort = 65535, PrimaryColor = "#ABCDEF", Domain = "Agents.Example.COM" });

        Assert.Equal(subdomain, settings.Subdomain);
        Assert.Equal(65535, settings.SmtpPort);
        Assert.Equal("#abcdef", settings.PrimaryColor);
        Assert.Equal("Agents.Example.COM", settings.Domain);
        Assert.Equal(engine.Time.GetUtcNow(), settings.UpdatedAt);
    }

    [Theory]
    [InlineData("red")]
    [InlineData("#12345")]
    [InlineData("#1234567")]
    [InlineData("#GGGGGG")]
    [InlineData("123456")]
    [InlineData("")]
    public async Task UpdateAsync_InvalidColour_ThrowsValidationOnPrimaryColor(string colour)
    {
        await AssertInvalidAsync(SettingsCommands.Nothing with { PrimaryColor = colour }, "primaryColor");
    }

    [Theory]
    [InlineData("not a host")]
    [InlineData("localhost")]
    [InlineData("-bad.example.com")]
    [InlineData("bad-.example.com")]
    [InlineData("example.c0m")]
    [InlineData("https://example.com")]
    [InlineData("example..com")]
    public async Task UpdateAsync_InvalidDomain_ThrowsValidationOnDomain(string domain)
    {
        await AssertInvalidAsync(SettingsCommands.Nothing with { Domain = domain }, "domain");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public async Task UpdateAsync_PortOutOfRange_ThrowsValidationOnSmtpPort(int port)
    {
        await AssertInvalidAsync(SettingsCommands.Nothing with { SmtpPort = port }, "smtpPort");
    }

    [Theory]
    [InlineData("ftp://example.com/logo.png")]
    [InlineData("/relative/logo.png")]
    [InlineData("javascript:alert(1)")]
    [InlineData("data:image/png;base64,AAAA")]
    [InlineData("logo.png")]
    public async Task UpdateAsync_InvalidLogoUrl_ThrowsValidationOnLogoUrl(string url)
    {
        await AssertInvalidAsync(SettingsCommands.Nothing with { LogoUrl = url }, "logoUrl");
    }

    [Theory]
    [InlineData("-bad")]
    [InlineData("bad-")]
    [InlineData("Upper")]
    [InlineData("under_score")]
    [InlineData("dot.ted")]
    [InlineData("")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task UpdateAsync_InvalidSubdomain_ThrowsValidationOnSubdomain(string subdomain)
    {
        await AssertInvalidAsync(SettingsCommands.Nothing with { Subdomain = subdomain }, "subdomain");
    }

    [Fact]
    public async Task UpdateAsync_SeveralInvalidFields_ReportsEveryField()
    {
        var orgId = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() =>
            UpdateAsync(orgId, SettingsCommands.Nothing with { PrimaryColor = "blue", SmtpPort = 0, LogoUrl = "nope", Domain = "nope", Subdomain = "No" }));

        Assert.Equal(["domain", "logoUrl", "primaryColor", "smtpPort", "subdomain"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task UpdateAsync_SubdomainOfAnotherOrganisation_ThrowsConflictOnSubdomain()
    {
        var taken = "taken-" + Guid.NewGuid().ToString("N")[..8];
        var first = await engine.CreateOrganizationAsync();
        await UpdateAsync(first, SettingsCommands.Nothing with { Subdomain = taken });
        var second = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() => UpdateAsync(second, SettingsCommands.Nothing with { Subdomain = taken }));

        Assert.Equal("subdomain", error.Field);
    }

    [Fact]
    public async Task UpdateAsync_OwnSubdomainAgain_Succeeds()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var current = (await GetAsync(orgId)).Subdomain;

        var settings = await UpdateAsync(orgId, SettingsCommands.Nothing with { Subdomain = current });

        Assert.Equal(current, settings.Subdomain);
    }

    [Fact]
    public async Task UpdateAsync_SecretTooLong_ThrowsValidationOnSecret()
    {
        await AssertInvalidAsync(SettingsCommands.Nothing with { SmtpPass = new string('p', 1025) }, "smtpPass");
    }

    [Fact]
    public async Task GetAsync_NoTenantInScope_ThrowsNotFound()
    {
        await using var scope = engine.CreateScope();

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => scope.ServiceProvider.GetRequiredService<SettingsService>().GetAsync());
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("secret", "***")]
    [InlineData("***", "***")]
    [InlineData(" ", "***")]
    public void Mask_Secret_HidesAnyValue(string? secret, string? expected)
    {
        Assert.Equal(expected, SettingsService.Mask(secret));
    }

    private async Task AssertInvalidAsync(UpdateSettingsCommand command, string field)
    {
        var orgId = await engine.CreateOrganizationAsync();
        var before = await GetAsync(orgId);

        var error = await Assert.ThrowsAsync<InputValidationException>(() => UpdateAsync(orgId, command));

        Assert.Equal([field], error.Errors.Keys);
        var after = await GetAsync(orgId);
        Assert.Equal(before.UpdatedAt, after.UpdatedAt);
    }

    private async Task<CompanySettings> UpdateAsync(Guid orgId, UpdateSettingsCommand command)
    {
        await using var scope = engine.CreateScope(orgId);
        return await scope.ServiceProvider.GetRequiredService<SettingsService>().UpdateAsync(command);
    }

    private async Task<CompanySettings> GetAsync(Guid orgId)
    {
        await using var scope = engine.CreateScope(orgId);
        return await scope.ServiceProvider.GetRequiredService<SettingsService>().GetAsync();
    }
}
