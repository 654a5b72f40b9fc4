using System.ComponentModel.DataAnnotations;

namespace AgentFlow.Engine.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Bound from <c>AgentFlow:Database</c>; the connection string comes from <c>ConnectionStrings:AgentFlow</c>.</summary>
public sealed class DatabaseOptions
{
    public const string SectionName = "AgentFlow:Database";
    public const string ConnectionStringName = "AgentFlow";

    /// <value>Default <see cref="DatabaseProvider.Sqlite"/> (an embedded file, nothing to install).</value>
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <value>Apply pending migrations when the Host starts. Default <see langword="true"/>.</value>
    public bool MigrateOnStart { get; set; } = true;

    /// <value>Seconds a command may run. Default 30.</value>
    [Range(1, 600)]
    public int CommandTimeoutSeconds { get; set; } = 30;
}

/// <summary>Where AgentFlow keeps local state (the SQLite file, the generated JWT secret). Bound from <c>AgentFlow</c>.</summary>
public sealed class DataDirectoryOptions
{
    /// <value>Default <c>data</c>, relative to the working directory.</value>
    [Required]
    public string DataDirectory { get; set; } = "data";

    public string ResolvedPath => Path.GetFullPath(DataDirectory);
}
