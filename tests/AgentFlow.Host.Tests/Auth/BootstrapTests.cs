using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Auth;

/// <summary>
/// Bootstrap works once per installation, so every test here starts its own Host over a new, empty database
/// instead of sharing a class fixture (any user anywhere, even in another test's organisation, ends bootstrap).
/// </summary>
public abstract class BootstrapTests<TFixture>
    where TFixture : AgentFlowHostFixture, new()
{
    private const string Password = "first-owner-password";

    [Fact]
    public async Task Bootstrap_FreshDatabase_Returns201WithOwnerSessionAndRenamesDefaultOrganisation()
    {
        await using var host = await StartFreshAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/bootstrap", new { companyName = "Acme Robotics", email = "Founder@Acme.example", password = Password, name = "Fay Founder" });

        var body = await response.AssertSuccessAsync(HttpStatusCode.Created);
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refreshToken").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("csrf").GetString()));
        Assert.NotNull(response.SetCookie("em_session"));
        var user = body.GetProperty("user");
        Assert.Equal("owner", user.GetProperty("role").GetString());
        Assert.Equal("founder@acme.example", user.GetProperty("email").GetString());
        Assert.Equal("Fay Founder", user.GetProperty("name").GetString());
        Assert.Equal(Organization.DefaultId, user.GetProperty("orgId").GetGuid());

        using var owner = host.CreateBareClient();
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("token").GetString());
        var me = await (await owner.GetAsync("/auth/me")).AssertSuccessAsync();
        Assert.Equal("owner", me.GetProperty("role").GetString());
        var settings = await (await owner.GetAsync("/api/settings")).AssertSuccessAsync();
        Assert.Equal("Acme Robotics", settings.GetProperty("data").GetProperty("name").GetString());
        var users = await (await owner.GetAsync("/api/users")).AssertSuccessAsync();
        Assert.Equal(1, users.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task Bootstrap_OwnerCanSignInWithThePassword()
    {
        await using var host = await StartFreshAsync();
        using var client = host.CreateBareClient();
        await (await client.PostAsJsonAsync("/auth/bootstrap", new { companyName = "Acme", email = "owner@acme.example", password = Password }))
            .AssertSuccessAsync(HttpStatusCode.Created);

        var session = await host.LoginAsync("owner@acme.example", Password);

        Assert.Equal("owner", session.GetProperty("user").GetProperty("role").GetString());
    }

    [Fact]
    public async Task Bootstrap_Twice_Returns409AlreadyBootstrapped()
    {
        await using var host = await StartFreshAsync();
        using var client = host.CreateBareClient();
        await (await client.PostAsJsonAsync("/auth/bootstrap", new { companyName = "First", email = "first@acme.example", password = Password }))
            .AssertSuccessAsync(HttpStatusCode.Created);

        var second = await client.PostAsJsonAsync("/auth/bootstrap", new { companyName = "Second", email = "second@acme.example", password = Password });

        await second.AssertProblemAsync(HttpStatusCode.Conflict, "ALREADY_BOOTSTRAPPED");
        Assert.Null(second.SetCookie("em_session"));
        using var login = host.CreateBareClient();
        await (await login.PostAsJsonAsync("/auth/login", new { email = "second@acme.example", password = Password }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        var owner = await host.LoginAsync("first@acme.example", Password);
        using var ownerClient = host.CreateBareClient();
        ownerClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", owner.GetProperty("token").GetString());
        var settings = await (await ownerClient.GetAsync("/api/settings")).AssertSuccessAsync();
        Assert.Equal("First", settings.GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Bootstrap_ConcurrentAttempts_ExactlyOneWins()
    {
        await using var host = await StartFreshAsync();
        var attempts = Enumerable.Range(0, 5).Select(async i =>
        {
            using var client = host.CreateBareClient();
            return await client.PostAsJsonAsync("/auth/bootstrap", new { companyName = $"Company {i}", email = $"owner{i}@race.example", password = Password });
        });

        var responses = await Task.WhenAll(attempts);

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.Created);
        foreach (var loser in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await loser.AssertProblemAsync(HttpStatusCode.Conflict, "ALREADY_BOOTSTRAPPED");
        }

        var winner = await responses.Single(r => r.StatusCode == HttpStatusCode.Created).AssertSuccessAsync(HttpStatusCode.Created);
        using var owner = host.CreateBareClient();
        owner.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", winner.GetProperty("token").GetString());
        var users = await (await owner.GetAsync("/api/users")).AssertSuccessAsync();
        var only = Assert.Single(users.GetProperty("data").EnumerateArray());
        Assert.Equal("owner", only.GetProperty("role").GetString());
    }

    [Theory]
    [InlineData("{\"email\":\"a@acme.example\",\"password\":\"first-owner-password\"}", "companyName")]
    [InlineData("{\"companyName\":\"\",\"email\":\"a@acme.example\",\"password\":\"first-owner-password\"}", "companyName")]
    [InlineData("{\"companyName\":\"Acme\",\"password\":\"first-owner-password\"}", "email")]
    [InlineData("{\"companyName\":\"Acme\",\"email\":\"not-an-email\",\"password\":\"first-owner-password\"}", "email")]
    [InlineData("{\"companyName\":\"Acme\",\"email\":\"a@acme.example\"}", "password")]
    [InlineData("{\"companyName\":\"Acme\",\"email\":\"a@acme.example\",\"password\":\"short\"}", "password")]
    public async Task Bootstrap_InvalidBody_Returns400AndLeavesInstallationFresh(string json, string field)
    {
        await using var host = await StartFreshAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsync("/auth/bootstrap", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await response.AssertValidationErrorForAsync(field);
        await (await client.PostAsJsonAsync("/auth/bootstrap", new { companyName = "Acme", email = "a@acme.example", password = Password }))
            .AssertSuccessAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Bootstrap_AfterAnyUserExistsInAnotherOrganisation_Returns409()
    {
        await using var host = await StartFreshAsync();
        await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/bootstrap", new { companyName = "Late", email = "late@acme.example", password = Password });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "ALREADY_BOOTSTRAPPED");
    }

    private static async Task<TFixture> StartFreshAsync()
    {
        var host = new TFixture();
        try
        {
            await host.InitializeAsync();
            host.SkipIfUnavailable();
            return host;
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }
    }
}

public sealed class SqliteBootstrapTests : BootstrapTests<SqliteHostFixture>;

public sealed class PostgresBootstrapTests : BootstrapTests<PostgresHostFixture>;

/// <summary>The <c>AgentFlow:Bootstrap</c> settings of <see cref="ConfiguredBootstrapTests{TFixture}"/>.</summary>
public static class ConfiguredBootstrap
{
    public const string AdminEmail = "configured-owner@acme.example";
    public const string AdminPassword = "configured-owner-password";
    public const string CompanyName = "Configured Company";

    public static IReadOnlyDictionary<string, string?> Settings { get; } = new Dictionary<string, string?>
    {
        ["AgentFlow:Bootstrap:AdminEmail"] = AdminEmail,
        ["AgentFlow:Bootstrap:AdminPassword"] = AdminPassword,
        ["AgentFlow:Bootstrap:AdminName"] = "Configured Owner",
        ["AgentFlow:Bootstrap:CompanyName"] = CompanyName,
    };
}

/// <summary>An installation whose first owner comes from <c>AgentFlow:Bootstrap</c> settings at start.</summary>
public abstract class ConfiguredBootstrapTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task ConfiguredOwner_CanSignInRightAfterStart()
    {
        host.SkipIfUnavailable();

        var session = await host.LoginAsync(ConfiguredBootstrap.AdminEmail, ConfiguredBootstrap.AdminPassword);

        var user = session.GetProperty("user");
        Assert.Equal("owner", user.GetProperty("role").GetString());
        Assert.Equal("Configured Owner", user.GetProperty("name").GetString());
        Assert.Equal(Organization.DefaultId, user.GetProperty("orgId").GetGuid());
        using var client = host.CreateBareClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.GetProperty("token").GetString());
        var settings = await (await client.GetAsync("/api/settings")).AssertSuccessAsync();
        Assert.Equal(ConfiguredBootstrap.CompanyName, settings.GetProperty("data").GetProperty("name").GetString());
    }

    [Fact]
    public async Task Bootstrap_AfterConfiguredOwner_Returns409()
    {
        host.SkipIfUnavailable();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/bootstrap", new { companyName = "Hijack", email = "hijack@acme.example", password = "hijack-password" });

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "ALREADY_BOOTSTRAPPED");
        using var login = host.CreateBareClient();
        await (await login.PostAsJsonAsync("/auth/login", new { email = "hijack@acme.example", password = "hijack-password" }))
            .AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
    }
}

public sealed class ConfiguredBootstrapSqliteFixture : SqliteHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ConfiguredBootstrap.Settings;
}

public sealed class ConfiguredBootstrapPostgresFixture : PostgresHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => ConfiguredBootstrap.Settings;
}

public sealed class SqliteConfiguredBootstrapTests(ConfiguredBootstrapSqliteFixture host) : ConfiguredBootstrapTests<ConfiguredBootstrapSqliteFixture>(host);

public sealed class PostgresConfiguredBootstrapTests(ConfiguredBootstrapPostgresFixture host) : ConfiguredBootstrapTests<ConfiguredBootstrapPostgresFixture>(host);
