using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgentFlow.Workflows.Persistence;

// Used by `dotnet ef migrations add` only (eng/add-migration.sh); the Host configures the real contexts.
internal sealed class SqliteWorkflowDesignTimeFactory : IDesignTimeDbContextFactory<SqliteWorkflowDbContext>
{
    public SqliteWorkflowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteWorkflowDbContext>()
            .UseSqlite("Data Source=design-time.db", s => s.MigrationsHistoryTable(WorkflowDbContext.MigrationsHistoryTable)).Options);
}

internal sealed class PostgresWorkflowDesignTimeFactory : IDesignTimeDbContextFactory<PostgresWorkflowDbContext>
{
    public PostgresWorkflowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresWorkflowDbContext>()
            .UseNpgsql("Host=localhost;Database=agentflow_design", n => n.MigrationsHistoryTable(WorkflowDbContext.MigrationsHistoryTable)).Options);
}
