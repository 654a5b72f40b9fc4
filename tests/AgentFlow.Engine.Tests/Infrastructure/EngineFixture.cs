using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Audit;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Rules;
using AgentFlow.Engine.Tenancy;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace AgentFlow.Engine.Tests.Infrastructure;

/// <summary>
/// The Engine's real services (<c>AddAgentFlowEngine</c>) over one real, migrated database, with a fake clock.
/// Used as a class fixture, or created per test (<see cref="SqliteEngineFixture.StartAsync"/>) when a test needs
/// a database nobody else has touched. Tests isolate their data by creating their own organisation.
/// </summary>
public abstract class EngineFixture : IAsyncLifetime
{
    /// <summary>Where the fake clock starts; tests only ever reason relative to <see cref="Time"/>.</summary>
    public static readonly DateTimeOffset Epoch = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    public const string Password = "correct-horse-battery";

    private ServiceProvider? _services;

    public FakeTimeProvider Time { get; } = new(Epoch);

    public abstract DatabaseProvider Provider { get; }

    /// <summary>Why this fixture cannot run (no database server), or <see langword="null"/>.</summary>
    public string? SkipReason { get; private set; }

    /// <summary>The root provider. Marks the calling test skipped when the database server is missing.</summary>
    public IServiceProvider Services
    {
        get
        {
            SkipIfUnavailable();
            return _services ?? throw new InvalidOperationException("The fixture has not been initialised.");
        }
    }

    public async ValueTask InitializeAsync()
    {
        string connectionString;
        try
        {
            connectionString = await CreateDatabaseAsync();
        }
        catch (DatabaseUnavailableException exception)
        {
            SkipReason = exception.Message;
            return;
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:AgentFlow"] = connectionString,
                ["AgentFlow:Database:Provider"] = Provider.ToString(),
                ["AgentFlow:Retention:Enabled"] = "false",
            })
            .Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddAgentFlowEngine(configuration);
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Time));
        _services = services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = true });

        try
        {
            await using var scope = _services.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();
        }
        catch
        {
            // A fixture that failed to start is never disposed by its user: leave no file or database behind.
            await DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await DropDatabaseAsync();
        GC.SuppressFinalize(this);
    }

    public void SkipIfUnavailable()
    {
        if (SkipReason is not null)
        {
            Assert.Skip(SkipReason);
        }
    }

    /// <summary>A unit of work, acting for <paramref name="orgId"/> when given, else with no tenant (system work).</summary>
    public AsyncServiceScope CreateScope(Guid? orgId = null)
    {
        var scope = Services.CreateAsyncScope();
        if (orgId is { } id)
        {
            scope.ServiceProvider.GetRequiredService<ScopedTenantContext>().Use(id);
        }

        return scope;
    }

    /// <summary>A new organisation (with its company settings) that no other test uses.</summary>
    public async Task<Guid> CreateOrganizationAsync(string? name = null)
    {
        await using var scope = CreateScope();
        var org = await scope.ServiceProvider.GetRequiredService<OrganizationProvisioner>()
            .CreateAsync(name ?? "Org " + Guid.NewGuid().ToString("N")[..12]);
        return org.Id;
    }

    /// <summary>Adds a user straight to the database, hashed with the service's hasher (or <paramref name="hasher"/>).</summary>
    public async Task<User> AddUserAsync(Guid orgId, UserRole role, string? email = null, string password = Password, IPasswordHasher? hasher = null)
    {
        await using var scope = CreateScope(orgId);
        var now = Time.GetUtcNow();
        var user = new User
        {
            Id = Guid.CreateVersion7(now),
            OrgId = orgId,
            Email = email ?? NewEmail(role.ToName()),
            Name = role.ToName() + " user",
            Role = role,
            PasswordHash = (hasher ?? scope.ServiceProvider.GetRequiredService<IPasswordHasher>()).Hash(password),
            CreatedAt = now,
            UpdatedAt = now,
        };
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        db.Users.Add(user);
        await db.SaveChangesAsync();
        return user;
    }

    /// <summary>One row of every org-owned kind for the organisation (its settings exist already), written from its own scope (OrgId left empty to be stamped).</summary>
    public async Task SeedTenantRowsAsync(Guid orgId)
    {
        var owner = await AddUserAsync(orgId, UserRole.Owner);
        await using var scope = CreateScope(orgId);
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        var now = Time.GetUtcNow();
        var suffix = Guid.NewGuid().ToString("N")[..8];
        db.Agents.Add(new Agent { Id = Guid.CreateVersion7(now), Name = "agent-" + suffix, Email = $"agent-{suffix}@localhost", CreatedAt = now, UpdatedAt = now });
        var plaintext = SecretTokens.NewApiKey();
        db.ApiKeys.Add(new ApiKey
        {
            Id = Guid.CreateVersion7(now),
            Name = "key",
            KeyHash = SecretTokens.Sha256Hex(plaintext),
            KeyPrefix = plaintext[..SecretTokens.ApiKeyVisiblePrefixLength],
            Scopes = [ApiKeyScopes.Read],
            CreatedBy = owner.Id,
            CreatedAt = now,
        });
        db.AuditEntries.Add(new AuditEntry { Id = Guid.CreateVersion7(now), Timestamp = now, Actor = owner.Id.ToString(), ActorType = ActorTypes.User, Action = "agent.create", Resource = "agents" });
        db.EmailRules.Add(new EmailRule { Id = Guid.CreateVersion7(now), Name = "rule", CreatedAt = now, UpdatedAt = now });
        db.RefreshTokens.Add(new RefreshToken
        {
            Id = Guid.CreateVersion7(now),
            UserId = owner.Id,
            FamilyId = Guid.CreateVersion7(now),
            TokenHash = SecretTokens.Sha256Hex(SecretTokens.NewOpaqueToken()),
            CreatedAt = now,
            ExpiresAt = now + RefreshTokenService.Lifetime,
        });
        await db.SaveChangesAsync();
    }

    public static string NewEmail(string prefix = "user") => $"{prefix}-{Guid.NewGuid():N}@example.com";

    protected abstract Task<string> CreateDatabaseAsync();

    protected abstract Task DropDatabaseAsync();
}

/// <summary>The database server a fixture needs is not there; its tests are reported as skipped.</summary>
public sealed class DatabaseUnavailableException(string message) : Exception(message);
