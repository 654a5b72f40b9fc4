using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentFlow.Host.Tests.Auth;

public abstract class AuthApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task Login_ValidCredentials_ReturnsTokensCsrfAndUser()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/login", new { email = admin.Email, password = TestTenant.Password });

        var body = await response.AssertSuccessAsync();
        Assert.False(string.IsNullOrEmpty(body.GetProperty("token").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refreshToken").GetString()));
        Assert.False(string.IsNullOrEmpty(body.GetProperty("csrf").GetString()));
        Assert.NotEqual(body.GetProperty("token").GetString(), body.GetProperty("refreshToken").GetString());
        var user = body.GetProperty("user");
        Assert.Equal(admin.Id, user.GetProperty("id").GetGuid());
        Assert.Equal(admin.Email, user.GetProperty("email").GetString());
        Assert.Equal("admin user", user.GetProperty("name").GetString());
        Assert.Equal("admin", user.GetProperty("role").GetString());
        Assert.Equal(tenant.OrgId, user.GetProperty("orgId").GetGuid());
    }

    [Fact]
    public async Task Login_ValidCredentials_SetsSessionRefreshAndCsrfCookies()
    {
        var tenant = await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/login", new { email = tenant.Owner.Email, password = TestTenant.Password });

        var body = await response.AssertSuccessAsync();
        var session = response.SetCookie("em_session");
        var refresh = response.SetCookie("em_refresh");
        var csrf = response.SetCookie("em_csrf");
        Assert.NotNull(session);
        Assert.NotNull(refresh);
        Assert.NotNull(csrf);
        Assert.Equal(body.GetProperty("token").GetString(), AuthHelpers.CookieValue(session));
        Assert.Equal(body.GetProperty("refreshToken").GetString(), AuthHelpers.CookieValue(refresh));
        Assert.Equal(body.GetProperty("csrf").GetString(), AuthHelpers.CookieValue(csrf));
        Assert.Contains("httponly", AuthHelpers.CookieAttributes(session));
        Assert.Contains("httponly", AuthHelpers.CookieAttributes(refresh));
        // The page's script must read em_csrf to echo it in X-CSRF-Token.
        Assert.DoesNotContain("httponly", AuthHelpers.CookieAttributes(csrf));
        foreach (var cookie in new[] { session, refresh, csrf })
        {
            Assert.Contains("path=/", AuthHelpers.CookieAttributes(cookie));
            Assert.Contains("samesite=lax", AuthHelpers.CookieAttributes(cookie));
        }
    }

    [Fact]
    public async Task Login_EmailInOtherCase_Succeeds()
    {
        var tenant = await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/login", new { email = tenant.Owner.Email.ToUpperInvariant(), password = TestTenant.Password });

        var body = await response.AssertSuccessAsync();
        Assert.Equal(tenant.Owner.Id, body.GetProperty("user").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Login_WrongPasswordOrUnknownEmail_Return401WithIdenticalBodies()
    {
        var tenant = await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var wrongPassword = await client.PostAsJsonAsync("/auth/login", new { email = tenant.Owner.Email, password = "not-the-password" });
        var unknownEmail = await client.PostAsJsonAsync("/auth/login", new { email = $"nobody-{Guid.NewGuid():N}@example.com", password = TestTenant.Password });

        var first = await wrongPassword.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        var second = await unknownEmail.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
        // Everything but the per-request ids must match, or the answer tells which emails have accounts.
        Assert.Equal(WithoutRequestIds(first), WithoutRequestIds(second));
        Assert.Null(wrongPassword.SetCookie("em_session"));
    }

    [Fact]
    public async Task Login_MissingFields_Returns400NamingEachField()
    {
        await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/login", new { });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(problem.GetProperty("details").TryGetProperty("email", out _), problem.ToString());
        Assert.True(problem.GetProperty("details").TryGetProperty("password", out _), problem.ToString());
    }

    [Fact]
    public async Task Login_MissingPasswordOnly_Returns400NamingOnlyPassword()
    {
        var tenant = await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/login", new { email = tenant.Owner.Email });

        var problem = await response.AssertProblemAsync(HttpStatusCode.BadRequest, "VALIDATION_ERROR");
        Assert.True(problem.GetProperty("details").TryGetProperty("password", out _), problem.ToString());
        Assert.False(problem.GetProperty("details").TryGetProperty("email", out _), problem.ToString());
    }

    [Fact]
    public async Task Login_HugePassword_Returns401()
    {
        var tenant = await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/login", new { email = tenant.Owner.Email, password = new string('x', 10_000) });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_CREDENTIALS");
    }

    [Fact]
    public async Task Me_WithBearerToken_ReturnsTheUser()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);

        var body = await (await member.Client.GetAsync("/auth/me")).AssertSuccessAsync();

        Assert.Equal(member.Id, body.GetProperty("id").GetGuid());
        Assert.Equal(member.Email, body.GetProperty("email").GetString());
        Assert.Equal("member", body.GetProperty("role").GetString());
        Assert.Equal(tenant.OrgId, body.GetProperty("orgId").GetGuid());
    }

    [Fact]
    public async Task Me_WithoutCredentials_Returns401AuthenticationRequiredWithChallenge()
    {
        await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.GetAsync("/auth/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "AUTHENTICATION_REQUIRED");
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl")]
    public async Task Me_WithGarbageToken_Returns401InvalidToken(string token)
    {
        await host.CreateTenantAsync();
        using var client = host.CreateBareClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

        var response = await client.GetAsync("/auth/me");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
    }

    [Fact]
    public async Task RefreshToken_SentAsBearer_IsNotAnAccessToken()
    {
        var tenant = await host.CreateTenantAsync();
        using var client = host.CreateBareClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Owner.RefreshToken);

        var response = await client.GetAsync("/api/agents");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
    }

    [Fact]
    public async Task Refresh_WithRefreshToken_ReturnsNewWorkingTokens()
    {
        var tenant = await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = tenant.Owner.RefreshToken });

        var body = await response.AssertSuccessAsync();
        var token = body.GetProperty("token").GetString();
        var refreshToken = body.GetProperty("refreshToken").GetString();
        Assert.NotEqual(tenant.Owner.RefreshToken, refreshToken);
        Assert.Equal(tenant.Owner.Id, body.GetProperty("user").GetProperty("id").GetGuid());
        using var next = host.CreateBareClient();
        next.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var me = await (await next.GetAsync("/auth/me")).AssertSuccessAsync();
        Assert.Equal(tenant.Owner.Id, me.GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task Refresh_ReusedRefreshToken_Returns401AndRevokesTheWholeSession()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        using var client = host.CreateBareClient();
        var rotated = await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = admin.RefreshToken })).AssertSuccessAsync();
        // Use the original access token once so its session state is cached, as it would be in real use.
        await (await admin.Client.GetAsync("/auth/me")).AssertSuccessAsync();

        var reuse = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = admin.RefreshToken });

        await reuse.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        var rotatedRefresh = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = rotated.GetProperty("refreshToken").GetString() });
        await rotatedRefresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        var originalAccess = await admin.Client.GetAsync("/auth/me");
        await originalAccess.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        using var rotatedClient = host.CreateBareClient();
        rotatedClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", rotated.GetProperty("token").GetString());
        await (await rotatedClient.GetAsync("/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
    }

    [Fact]
    public async Task Refresh_ReuseInOneSession_LeavesOtherSessionsOfTheUserAlone()
    {
        var tenant = await host.CreateTenantAsync();
        var secondSession = await host.LoginAsync(tenant.Owner.Email);
        using var client = host.CreateBareClient();
        await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = tenant.Owner.RefreshToken })).AssertSuccessAsync();

        await (await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = tenant.Owner.RefreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");

        var other = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = secondSession.GetProperty("refreshToken").GetString() });
        await other.AssertSuccessAsync();
    }

    [Fact]
    public async Task Refresh_UnknownToken_Returns401()
    {
        await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.PostAsJsonAsync("/auth/refresh", new { refreshToken = "not-a-real-refresh-token" });

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
    }

    [Fact]
    public async Task Logout_WithBearerToken_RevokesAccessAndRefreshToken()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);
        await (await member.Client.GetAsync("/auth/me")).AssertSuccessAsync();
        using var bearer = host.CreateBareClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", member.AccessToken);

        var logout = await bearer.PostAsync("/auth/logout", null);

        await logout.AssertSuccessAsync();
        await (await bearer.GetAsync("/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        using var anonymous = host.CreateBareClient();
        var refresh = await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = member.RefreshToken });
        await refresh.AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
    }

    [Fact]
    public async Task Logout_OneSession_LeavesOtherSessionsWorking()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.LoginAsync(tenant.Owner.Email);
        using var bearer = host.CreateBareClient();
        bearer.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Owner.AccessToken);

        await (await bearer.PostAsync("/auth/logout", null)).AssertSuccessAsync();

        using var otherClient = host.CreateBareClient();
        otherClient.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", other.GetProperty("token").GetString());
        await (await otherClient.GetAsync("/auth/me")).AssertSuccessAsync();
    }

    [Fact]
    public async Task SessionCookie_Alone_AuthenticatesReads()
    {
        var tenant = await host.CreateTenantAsync();
        await (await tenant.Owner.Client.PostAsJsonAsync("/api/agents", new { name = "cookie-visible" })).AssertSuccessAsync(HttpStatusCode.Created);
        using var client = host.CreateCookieClient(("em_session", tenant.Owner.AccessToken));

        var body = await (await client.GetAsync("/api/agents")).AssertSuccessAsync();

        Assert.Equal(1, body.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task SessionCookie_PostWithoutCsrfHeader_Returns403CsrfTokenInvalid()
    {
        var tenant = await host.CreateTenantAsync();
        var session = await host.LoginAsync(tenant.Owner.Email);
        using var client = host.CreateCookieClient(("em_session", session.GetProperty("token").GetString()!), ("em_csrf", session.GetProperty("csrf").GetString()!));

        var response = await client.PostAsJsonAsync("/api/agents", new { name = "csrf-victim" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        var list = await (await tenant.Owner.Client.GetAsync("/api/agents")).AssertSuccessAsync();
        Assert.Equal(0, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task SessionCookie_PostWithWrongCsrfHeader_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var session = await host.LoginAsync(tenant.Owner.Email);
        var otherSession = await host.LoginAsync(tenant.Owner.Email);
        using var client = host.CreateCookieClient(("em_session", session.GetProperty("token").GetString()!));
        // The CSRF value of another session of the same user must not do.
        client.DefaultRequestHeaders.Add("X-CSRF-Token", otherSession.GetProperty("csrf").GetString());

        var response = await client.PostAsJsonAsync("/api/agents", new { name = "csrf-victim" });

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
    }

    [Fact]
    public async Task SessionCookie_PostWithCsrfHeader_Returns201()
    {
        var tenant = await host.CreateTenantAsync();
        var session = await host.LoginAsync(tenant.Owner.Email);
        using var client = host.CreateCookieClient(("em_session", session.GetProperty("token").GetString()!), ("em_csrf", session.GetProperty("csrf").GetString()!));
        client.DefaultRequestHeaders.Add("X-CSRF-Token", session.GetProperty("csrf").GetString());

        var response = await client.PostAsJsonAsync("/api/agents", new { name = "cookie-made" });

        await response.AssertSuccessAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task CookieContainerClient_AfterLogin_ReadsWithCookiesAndWritesWithCsrfEcho()
    {
        var tenant = await host.CreateTenantAsync();
        using var browser = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
        var login = await (await browser.PostAsJsonAsync("/auth/login", new { email = tenant.Owner.Email, password = TestTenant.Password })).AssertSuccessAsync();

        var read = await browser.GetAsync("/api/agents");
        var writeWithoutCsrf = await browser.PostAsJsonAsync("/api/agents", new { name = "no-echo" });
        using var withCsrf = new HttpRequestMessage(HttpMethod.Post, "/api/agents") { Content = JsonContent.Create(new { name = "with-echo" }) };
        withCsrf.Headers.Add("X-CSRF-Token", login.GetProperty("csrf").GetString());
        var writeWithCsrf = await browser.SendAsync(withCsrf);

        await read.AssertSuccessAsync();
        await writeWithoutCsrf.AssertProblemAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        await writeWithCsrf.AssertSuccessAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Bearer_PostWithoutCsrfHeader_Returns201()
    {
        var tenant = await host.CreateTenantAsync();
        using var client = host.CreateBareClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.Owner.AccessToken);

        var response = await client.PostAsJsonAsync("/api/agents", new { name = "bearer-made" });

        await response.AssertSuccessAsync(HttpStatusCode.Created);
    }

    [Fact]
    public async Task Refresh_WithCookieButNoCsrfHeader_Returns403AndKeepsTheTokenUsable()
    {
        var tenant = await host.CreateTenantAsync();
        var session = await host.LoginAsync(tenant.Owner.Email);
        var refreshToken = session.GetProperty("refreshToken").GetString()!;
        using var client = host.CreateCookieClient(("em_refresh", refreshToken), ("em_csrf", session.GetProperty("csrf").GetString()!));

        var response = await client.PostAsync("/auth/refresh", null);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
        using var anonymous = host.CreateBareClient();
        await (await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken })).AssertSuccessAsync();
    }

    [Fact]
    public async Task Refresh_WithCookieAndWrongCsrfHeader_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        var session = await host.LoginAsync(tenant.Owner.Email);
        using var client = host.CreateCookieClient(("em_refresh", session.GetProperty("refreshToken").GetString()!), ("em_csrf", session.GetProperty("csrf").GetString()!));
        client.DefaultRequestHeaders.Add("X-CSRF-Token", "0123456789abcdef0123456789abcdef");

        var response = await client.PostAsync("/auth/refresh", null);

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "CSRF_TOKEN_INVALID");
    }

    [Fact]
    public async Task Refresh_WithCookieAndMatchingCsrfHeader_RotatesAndSetsNewCookies()
    {
        var tenant = await host.CreateTenantAsync();
        var session = await host.LoginAsync(tenant.Owner.Email);
        var csrf = session.GetProperty("csrf").GetString()!;
        using var client = host.CreateCookieClient(("em_refresh", session.GetProperty("refreshToken").GetString()!), ("em_csrf", csrf));
        client.DefaultRequestHeaders.Add("X-CSRF-Token", csrf);

        var response = await client.PostAsync("/auth/refresh", null);

        var body = await response.AssertSuccessAsync();
        Assert.NotEqual(session.GetProperty("refreshToken").GetString(), body.GetProperty("refreshToken").GetString());
        var newRefresh = response.SetCookie("em_refresh");
        Assert.NotNull(newRefresh);
        Assert.Equal(body.GetProperty("refreshToken").GetString(), AuthHelpers.CookieValue(newRefresh));
    }

    [Theory]
    [InlineData("POST", "/auth/saml/callback")]
    [InlineData("GET", "/auth/saml/metadata")]
    [InlineData("GET", "/auth/oidc/authorize")]
    [InlineData("GET", "/auth/oidc/callback")]
    public async Task SsoRoutes_Return501NotImplemented(string method, string path)
    {
        await host.CreateTenantAsync();
        using var client = host.CreateBareClient();

        var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        await response.AssertProblemAsync(HttpStatusCode.NotImplemented, "NOT_IMPLEMENTED");
    }

    [Fact]
    public async Task DeletedUser_TokenIssuedBefore_Returns401()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        await (await admin.Client.GetAsync("/auth/me")).AssertSuccessAsync();

        await (await tenant.Owner.Client.DeleteAsync($"/api/users/{admin.Id}")).AssertSuccessAsync(HttpStatusCode.NoContent);

        await (await admin.Client.GetAsync("/auth/me")).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        await (await admin.Client.GetAsync("/api/agents")).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
        using var anonymous = host.CreateBareClient();
        await (await anonymous.PostAsJsonAsync("/auth/refresh", new { refreshToken = admin.RefreshToken })).AssertProblemAsync(HttpStatusCode.Unauthorized, "INVALID_TOKEN");
    }

    [Fact]
    public async Task RoleChange_DemotedAdmin_ExistingTokenLosesAdminRightsAtOnce()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        await (await admin.Client.GetAsync("/api/users")).AssertSuccessAsync();

        await tenant.Owner.ChangeRoleAsync(admin.Id, "viewer");

        var response = await admin.Client.GetAsync("/api/users");
        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("viewer", problem.GetProperty("details").GetProperty("current").GetString());
        var me = await (await admin.Client.GetAsync("/auth/me")).AssertSuccessAsync();
        Assert.Equal("viewer", me.GetProperty("role").GetString());
    }

    [Fact]
    public async Task RoleChange_PromotedMember_ExistingTokenGainsRightsAtOnce()
    {
        var tenant = await host.CreateTenantAsync();
        var member = await tenant.AddUserAsync(UserRole.Member);
        await (await member.Client.GetAsync("/api/users")).AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");

        await tenant.Owner.ChangeRoleAsync(member.Id, "admin");

        await (await member.Client.GetAsync("/api/users")).AssertSuccessAsync();
    }

    private static Dictionary<string, string> WithoutRequestIds(JsonElement problem) =>
        problem.EnumerateObject().Where(p => p.Name is not ("requestId" or "traceId")).ToDictionary(p => p.Name, p => p.Value.GetRawText());
}

public sealed class SqliteAuthApiTests(SqliteHostFixture host) : AuthApiTests<SqliteHostFixture>(host);

public sealed class PostgresAuthApiTests(PostgresHostFixture host) : AuthApiTests<PostgresHostFixture>(host);
