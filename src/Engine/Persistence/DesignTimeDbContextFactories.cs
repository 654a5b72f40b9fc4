using AgentFlow.Engine.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace AgentFlow.Engine.Persistence;

// Used by `dotnet ef migrations add` only (eng/add-migration.sh); the Host configures the real contexts.
internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteAgentFlowDbContext>
{
    public SqliteAgentFlowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteAgentFlowDbContext>().UseSqlite("Data Source=design-time.db").Options, new ScopedTenantContext());
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresAgentFlowDbContext>
{
    public PostgresAgentFlowDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresAgentFlowDbContext>().UseNpgsql("Host=localhost;Database=agentflow_design").Options, new ScopedTenantContext());
}
