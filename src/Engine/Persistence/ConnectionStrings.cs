using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;

namespace AgentFlow.Engine.Persistence;

public static class ConnectionStrings
{
    /// <summary>The configured connection string, or for SQLite the default file in the data directory.</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is selected but no connection string is configured.</exception>
    public static string Resolve(IConfiguration configuration, DatabaseProvider provider)
    {
        var configured = configuration.GetConnectionString(DatabaseOptions.ConnectionStringName);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured;
        }

        if (provider == DatabaseProvider.Postgres)
        {
            throw new InvalidOperationException(
                "AgentFlow__Database__Provider is Postgres but ConnectionStrings__AgentFlow is not set, e.g. " +
                "\"Host=localhost;Database=agentflow;Username=agentflow;Password=...\".");
        }

        var dataDirectory = configuration["AgentFlow:DataDirectory"] ?? "data";
        return new SqliteConnectionStringBuilder { DataSource = Path.Combine(Path.GetFullPath(dataDirectory), "agentflow.db") }.ToString();
    }
}
