using System.Text;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using Microsoft.Data.Sqlite;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>Where the installation will run; decides which deployment files are written.</summary>
internal enum DeploymentTarget
{
    Local,
    Docker,
    Fly,
    Railway,
}

/// <summary>
/// What the user gave so far, from options, the environment or prompts; any value may still be missing or wrong.
/// <see cref="SetupValidator"/> turns it into <see cref="SetupAnswers"/>.
/// </summary>
internal sealed record SetupInput
{
    public string? Company { get; init; }
    public string? AdminEmail { get; init; }
    public string? AdminPassword { get; init; }
    public string? AdminName { get; init; }
    public string? Database { get; init; }
    public string? SqlitePath { get; init; }
    public string? ConnectionString { get; init; }
    public string? Target { get; init; }
    public string? Region { get; init; }
    public string? Domain { get; init; }
    public string? Output { get; init; }
    public bool Force { get; init; }

    /// <summary>The database the input points at: the explicit choice, else implied by the connection string.</summary>
    public string? EffectiveDatabase => Database ?? (ConnectionString is not null ? SetupValidator.Postgres : null);

    // The generated ToString of a record prints every property; the password must never reach a log or an exception.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Company = {Company}, AdminEmail = {AdminEmail}, Database = {Database}, Target = {Target}, Output = {Output}");
        return true;
    }
}

/// <summary>Validated answers: everything setup needs, with paths made absolute and defaults applied.</summary>
internal sealed record SetupAnswers
{
    public const string DefaultSqlitePath = "./data/agentflow.db";
    public const string DefaultFlyRegion = "iad";

    public required string Company { get; init; }
    public required string AdminEmail { get; init; }
    public required string AdminPassword { get; init; }
    public string? AdminName { get; init; }
    public required DatabaseProvider Database { get; init; }

    /// <summary>The SQLite file as given (relative to <see cref="OutputDirectory"/>), or <see langword="null"/> for PostgreSQL.</summary>
    public string? SqlitePath { get; init; }

    /// <summary>The PostgreSQL connection string as given, or <see langword="null"/> for SQLite.</summary>
    public string? PostgresConnectionString { get; init; }

    public required DeploymentTarget Target { get; init; }

    /// <summary>Fly.io primary region; only used for <see cref="DeploymentTarget.Fly"/>.</summary>
    public string Region { get; init; } = DefaultFlyRegion;

    public string? Domain { get; init; }

    /// <summary>Absolute folder the configuration and deployment files go to, and where the Host is meant to run.</summary>
    public required string OutputDirectory { get; init; }

    public bool Force { get; init; }

    /// <summary>The company name as a DNS label, the same rule the Engine uses for the organisation's subdomain.</summary>
    public string CompanySlug => OrganizationProvisioner.Slugify(Company);

    /// <summary>The SQLite file resolved against the output folder, where the Host will run.</summary>
    public string? SqliteFullPath => SqlitePath is null ? null : Path.GetFullPath(SqlitePath, OutputDirectory);

    /// <summary>
    /// The connection string written to <c>agentflow.json</c>. A relative SQLite path stays relative: the Host
    /// resolves it against its working directory, which is the output folder (locally and as <c>/app</c> in a container).
    /// </summary>
    public string ConfiguredConnectionString => Database == DatabaseProvider.Postgres
        ? PostgresConnectionString!
        : new SqliteConnectionStringBuilder { DataSource = SqlitePath }.ToString();

    /// <summary>The connection string setup itself uses: absolute, since setup may run from another folder.</summary>
    public string SetupConnectionString => Database == DatabaseProvider.Postgres
        ? PostgresConnectionString!
        : new SqliteConnectionStringBuilder { DataSource = SqliteFullPath }.ToString();

    /// <summary>
    /// <c>AgentFlow:DataDirectory</c> as written: the SQLite file's folder, so the database and the generated JWT
    /// secret live together (and in the same volume in a container); <c>data</c> for PostgreSQL.
    /// </summary>
    public string DataDirectory
    {
        get
        {
            if (SqlitePath is null)
            {
                return "data";
            }

            var folder = Path.GetDirectoryName(SqlitePath);
            return string.IsNullOrEmpty(folder) ? "." : folder;
        }
    }

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Company = {Company}, AdminEmail = {AdminEmail}, Database = {Database}, Target = {Target}, OutputDirectory = {OutputDirectory}");
        return true;
    }
}
