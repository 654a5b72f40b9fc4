using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentFlow.Engine.Tests.Persistence;

/// <summary>
/// Guards against the model drifting from the migrations: a model change without <c>eng/add-migration.sh</c>
/// for both providers fails here.
/// </summary>
public sealed class MigrationTests
{
    [Fact]
    public async Task SqliteModel_AfterMigrations_HasNoPendingModelChanges()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();
        await using var scope = engine.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();

        Assert.IsType<SqliteAgentFlowDbContext>(db);
        Assert.False(db.Database.HasPendingModelChanges(), "The SQLite model differs from its migrations: add a migration (eng/add-migration.sh).");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
    }

    [Fact]
    public async Task SqliteConnection_WhenOpened_WaitsForBusyWritersInsideSqlite()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();
        await using var scope = engine.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();

        await db.Database.OpenConnectionAsync(TestContext.Current.CancellationToken);
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";
        var timeout = Convert.ToInt64(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture);

        // The command timeout (30 s by default): without it Microsoft.Data.Sqlite retries every 150 ms on a pool thread.
        Assert.Equal(30_000, timeout);
    }

    [Fact]
    public void PostgresModel_ComparedWithSnapshot_HasNoPendingModelChanges()
    {
        // The comparison is between the model and the migrations' snapshot: it needs no server.
        using var db = new PostgresAgentFlowDbContext(
            new DbContextOptionsBuilder<PostgresAgentFlowDbContext>().UseNpgsql("Host=127.0.0.1;Database=agentflow_model_check").Options,
            new ScopedTenantContext());

        Assert.False(db.Database.HasPendingModelChanges(), "The PostgreSQL model differs from its migrations: add a migration (eng/add-migration.sh).");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public async Task MigrateAsync_FreshSqliteFileTwice_IsIdempotent()
    {
        var directory = Path.Combine(Path.GetTempPath(), "agentflow-engine-tests", Guid.NewGuid().ToString("N"));
        var connectionString = new SqliteConnectionStringBuilder { DataSource = Path.Combine(directory, "nested", "fresh.db") }.ToString();
        try
        {
            IReadOnlyList<string> first, second;
            await using (var db = SqliteContext(connectionString))
            {
                first = await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
            }

            await using (var db = SqliteContext(connectionString))
            {
                second = await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
                Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
                Assert.Equal(1, await db.Organizations.CountAsync());
                Assert.Equal(1, await db.CompanySettings.IgnoreQueryFilters().CountAsync());
            }

            Assert.NotEmpty(first);
            Assert.Empty(second);
            Assert.True(File.Exists(Path.Combine(directory, "nested", "fresh.db")));
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task MigrateAsync_FreshSqliteFile_SwitchesToWriteAheadLog()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = engine.DatabaseFile }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode;";

        Assert.Equal("wal", (string?)await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MigrateAsync_FreshSqliteFile_SeedsDefaultOrganisationAndSettings()
    {
        await using var engine = await SqliteEngineFixture.StartAsync();

        await AssertDefaultOrganisationSeededAsync(engine);
    }

    internal static async Task AssertDefaultOrganisationSeededAsync(EngineFixture engine)
    {
        await using var scope = engine.CreateScope(Organization.DefaultId);
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();
        var org = await db.Organizations.SingleAsync(o => o.Id == Organization.DefaultId);
        Assert.Equal("My Company", org.Name);
        Assert.Equal("my-company", org.Slug);
        Assert.Equal("self-hosted", org.Plan);
        var settings = await db.CompanySettings.SingleAsync();
        Assert.Equal(Organization.DefaultId, settings.OrgId);
        Assert.Equal("My Company", settings.Name);
        Assert.Equal("my-company", settings.Subdomain);
        Assert.Equal("#6366f1", settings.PrimaryColor);
    }

    private static SqliteAgentFlowDbContext SqliteContext(string connectionString) =>
        new(new DbContextOptionsBuilder<SqliteAgentFlowDbContext>().UseSqlite(connectionString).Options, new ScopedTenantContext());
}

/// <summary>The PostgreSQL migrations applied to a real server (skipped without <c>AGENTFLOW_TEST_POSTGRES</c>).</summary>
public sealed class PostgresMigrationTests(PostgresEngineFixture engine) : IClassFixture<PostgresEngineFixture>
{
    [Fact]
    public async Task PostgresModel_AfterMigratingRealDatabase_HasNoPendingModelChanges()
    {
        await using var scope = engine.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();

        Assert.IsType<PostgresAgentFlowDbContext>(db);
        Assert.False(db.Database.HasPendingModelChanges(), "The PostgreSQL model differs from its migrations: add a migration (eng/add-migration.sh).");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
    }

    [Fact]
    public async Task MigrateAsync_AlreadyMigratedDatabase_AppliesNothing()
    {
        await using var scope = engine.CreateScope();

        var applied = await scope.ServiceProvider.GetRequiredService<DatabaseMigrator>().MigrateAsync();

        Assert.Empty(applied);
    }

    [Fact]
    public async Task MigrateAsync_FreshDatabase_SeedsDefaultOrganisationAndSettings()
    {
        await MigrationTests.AssertDefaultOrganisationSeededAsync(engine);
    }

    [Fact]
    public async Task MigrateAsync_FreshPostgresDatabaseTwice_IsIdempotent()
    {
        string server, name;
        try
        {
            (server, name) = await PostgresEngineFixture.CreateEmptyDatabaseAsync();
        }
        catch (DatabaseUnavailableException exception)
        {
            Assert.Skip(exception.Message);
            throw;
        }

        try
        {
            var connectionString = new NpgsqlConnectionStringBuilder(server) { Database = name }.ToString();
            IReadOnlyList<string> first, second;
            await using (var db = PostgresContext(connectionString))
            {
                first = await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
            }

            await using (var db = PostgresContext(connectionString))
            {
                second = await new DatabaseMigrator(db, NullLogger<DatabaseMigrator>.Instance).MigrateAsync();
                Assert.Equal(1, await db.Organizations.CountAsync());
            }

            Assert.NotEmpty(first);
            Assert.Empty(second);
        }
        finally
        {
            await PostgresEngineFixture.DropDatabaseAsync(server, name);
        }
    }

    private static PostgresAgentFlowDbContext PostgresContext(string connectionString) =>
        new(new DbContextOptionsBuilder<PostgresAgentFlowDbContext>().UseNpgsql(connectionString).Options, new ScopedTenantContext());
}
