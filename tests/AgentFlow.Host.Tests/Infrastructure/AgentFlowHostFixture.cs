using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Infrastructure;

/// <summary>
/// One AgentFlow Host over one real, empty database. Tests isolate their data by creating their own
/// organisation (<see cref="CreateTenantAsync"/>), which also exercises tenant isolation on every test.
/// </summary>
public abstract class AgentFlowHostFixture : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>Header the test server turns into the connection's remote address, to act as distinct clients.</summary>
    public const string TestClientIpHeader = "X-Test-Client-Ip";

    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "agentflow-tests", Guid.NewGuid().ToString("N"));
    private string? _connectionString;

    public abstract DatabaseProvider Provider { get; }

    /// <summary>Why this fixture cannot run (no database server), or <see langword="null"/>.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>Settings a derived fixture changes (e.g. a low rate limit).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    public async ValueTask InitializeAsync()
    {
        try
        {
            _connectionString = await CreateDatabaseAsync();
        }
        catch (DatabaseUnavailableException exception)
        {
            SkipReason = exception.Message;
            return;
        }

        // Start the Host (and migrate) before the first test runs.
        StartHost();
    }

    /// <summary>Starts the Host: the in-memory test server, unless a fixture serves over real sockets.</summary>
    protected virtual void StartHost() => _ = Server;

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await DropDatabaseAsync();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
            // Nothing was written.
        }

        GC.SuppressFinalize(this);
    }

    /// <summary>Marks the calling test skipped when the database server is missing.</summary>
    public void SkipIfUnavailable()
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }
    }

    /// <summary>A new organisation with an owner signed in through the real login route.</summary>
    public async Task<TestTenant> CreateTenantAsync(string? name = null)
    {
        SkipIfUnavailable();
        var orgName = name ?? "Org " + Guid.NewGuid().ToString("N")[..10];
        Guid orgId;
        await using (var scope = Services.CreateAsyncScope())
        {
            var org = await scope.ServiceProvider.GetRequiredService<OrganizationProvisioner>().CreateAsync(orgName);
            orgId = org.Id;
        }

        var tenant = new TestTenant(this, orgId, orgName);
        tenant.Owner = await tenant.AddUserAsync(UserRole.Owner);
        return tenant;
    }

    /// <summary>A client that speaks from the given address (see <see cref="TestClientIpHeader"/>).</summary>
    public HttpClient CreateClientFrom(string ip)
    {
        var client = CreateClient();
        client.DefaultRequestHeaders.Add(TestClientIpHeader, ip);
        return client;
    }

    protected abstract Task<string> CreateDatabaseAsync();

    protected virtual Task DropDatabaseAsync() => Task.CompletedTask;

    protected string DataDirectory => _dataDirectory;

    /// <summary>Replaces or adds services of the Host under test (a fake clock, test activities, fault injection).</summary>
    protected virtual void ConfigureTestServices(IServiceCollection services)
    {
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("AgentFlow:DataDirectory", _dataDirectory);
        builder.UseSetting("AgentFlow:Database:Provider", Provider.ToString());
        builder.UseSetting("ConnectionStrings:AgentFlow", _connectionString);
        builder.UseSetting("AgentFlow:RateLimit:PermitsPerMinute", "1000000");
        builder.UseSetting("AgentFlow:RateLimit:AuthPermitsPerMinute", "1000000");
        builder.UseSetting("AgentFlow:Retention:Enabled", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Error");
        // The built-in plugins are copied next to the tests (eng/BundledPlugins.targets). Every host reads that one folder,
        // so none watches it: a test that swaps plugins gives its host a folder of its own (PluginTestHost).
        builder.UseSetting("AgentFlow:Plugins:Directory", Path.Combine(AppContext.BaseDirectory, "plugins"));
        builder.UseSetting("AgentFlow:Plugins:Watch", "false");
        // The repository's workflows/ folder is copied next to the tests: tests seed only what they choose.
        builder.UseSetting("AgentFlow:Workflows:SeedDirectory", Path.Combine(_dataDirectory, "no-seed-workflows"));
        foreach (var (key, value) in ExtraSettings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IStartupFilter, TestClientAddressStartupFilter>();
            ConfigureTestServices(services);
        });
    }

    /// <summary>Sets the remote address of each request, as a real connection would have one.</summary>
    private sealed class TestClientAddressStartupFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                var header = context.Request.Headers[TestClientIpHeader].ToString();
                context.Connection.RemoteIpAddress = IPAddress.TryParse(header, out var ip) ? ip : IPAddress.Loopback;
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>The database server a fixture needs is not there; its tests are reported as skipped.</summary>
public sealed class DatabaseUnavailableException(string message) : Exception(message);

/// <summary>An organisation of its own for one test, with helpers to add users and sign them in.</summary>
public sealed class TestTenant(AgentFlowHostFixture host, Guid orgId, string name)
{
    public Guid OrgId { get; } = orgId;

    public string Name { get; } = name;

    public TestUser Owner { get; internal set; } = null!;

    public const string Password = "correct-horse-battery";

    /// <summary>Adds a user with the role directly in the database, then signs in through <c>POST /auth/login</c>.</summary>
    public async Task<TestUser> AddUserAsync(UserRole role, string? email = null)
    {
        var address = email ?? $"{role.ToName()}-{Guid.NewGuid():N}@example.com";
        Guid userId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
            var hasher = scope.ServiceProvider.GetRequiredService<IPasswordHasher>();
            var now = DateTimeOffset.UnixEpoch.AddYears(56);
            var user = new User
            {
                Id = Guid.CreateVersion7(),
                OrgId = OrgId,
                Email = address,
                Name = role.ToName() + " user",
                Role = role,
                PasswordHash = hasher.Hash(Password),
                CreatedAt = now,
                UpdatedAt = now,
            };
            db.Users.Add(user);
            await db.SaveChangesAsync();
            userId = user.Id;
        }

        var client = host.CreateClient();
        var login = await client.PostAsJsonAsync("/auth/login", new { email = address, password = Password });
        login.EnsureSuccessStatusCode();
        var session = (await login.Content.ReadFromJsonAsync<LoginBody>())!;
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", session.Token);
        return new TestUser(userId, address, role, client, session.Token, session.RefreshToken);
    }

    private sealed record LoginBody(string Token, string RefreshToken);
}

public sealed record TestUser(Guid Id, string Email, UserRole Role, HttpClient Client, string AccessToken, string RefreshToken);
