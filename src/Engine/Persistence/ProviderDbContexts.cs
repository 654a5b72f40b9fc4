using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace AgentFlow.Engine.Persistence;

/// <summary>SQLite flavour of the model: its own migrations live in <c>Migrations/Sqlite</c>.</summary>
public sealed class SqliteAgentFlowDbContext(DbContextOptions<SqliteAgentFlowDbContext> options, ITenantContext tenant)
    : AgentFlowDbContext(options, tenant)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite has no date type: EF stores DateTimeOffset as text and refuses to order or compare it in SQL.
        // Binary ticks sort correctly because we only ever store UTC values.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        configurationBuilder.Properties<DateTimeOffset?>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>PostgreSQL flavour of the model: its own migrations live in <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresAgentFlowDbContext(DbContextOptions<PostgresAgentFlowDbContext> options, ITenantContext tenant)
    : AgentFlowDbContext(options, tenant)
{
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        foreach (var property in modelBuilder.Model.GetEntityTypes().SelectMany(e => e.GetProperties()))
        {
            if (property.FindAnnotation(JsonColumnAnnotation) is not null)
            {
                property.SetColumnType("jsonb");
            }
        }
    }
}
