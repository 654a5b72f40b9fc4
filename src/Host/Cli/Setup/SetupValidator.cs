using System.Text.RegularExpressions;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using Npgsql;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>
/// Checks every answer before anything is touched, so a typo costs a message and not a half-made installation.
/// The per-field checks are also what the interactive prompts validate with, so both paths accept the same values.
/// The rules mirror <see cref="BootstrapService"/>'s, which would otherwise reject them only after migrating.
/// </summary>
internal static partial class SetupValidator
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";
    public const string PasswordVariable = "AGENTFLOW_SETUP_ADMIN_PASSWORD";

    public static readonly string[] Databases = [Sqlite, Postgres];
    public static readonly string[] Targets = ["local", "docker", "fly", "railway"];

    /// <summary>The required values nobody gave, as the options that would give them.</summary>
    public static IReadOnlyList<string> Missing(SetupInput input)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(input.Company))
        {
            missing.Add("--company (company name)");
        }

        if (string.IsNullOrWhiteSpace(input.AdminEmail))
        {
            missing.Add("--admin-email (the owner's email)");
        }

        if (string.IsNullOrEmpty(input.AdminPassword))
        {
            missing.Add($"--admin-password or {PasswordVariable} (the owner's password)");
        }

        if (string.Equals(input.EffectiveDatabase, Postgres, StringComparison.OrdinalIgnoreCase) && string.IsNullOrWhiteSpace(input.ConnectionString))
        {
            missing.Add("--connection-string (PostgreSQL connection string)");
        }

        return missing;
    }

    /// <summary>Validates everything at once, so the user hears about all problems in one run.</summary>
    public static (SetupAnswers? Answers, IReadOnlyList<string> Errors) Validate(SetupInput input, string workingDirectory)
    {
        var errors = new List<string>();
        void Check(string? error)
        {
            if (error is not null)
            {
                errors.Add(error);
            }
        }

        errors.AddRange(Missing(input).Select(m => $"Missing {m}."));
        if (!string.IsNullOrWhiteSpace(input.Company))
        {
            Check(CompanyError(input.Company));
        }

        if (!string.IsNullOrWhiteSpace(input.AdminEmail))
        {
            Check(EmailError(input.AdminEmail));
        }

        if (!string.IsNullOrEmpty(input.AdminPassword))
        {
            Check(PasswordError(input.AdminPassword));
        }

        Check(AdminNameError(input.AdminName));

        var database = ParseDatabase(input.EffectiveDatabase ?? Sqlite);
        if (database is null)
        {
            errors.Add($"--database must be one of: {string.Join(", ", Databases)} (got '{input.Database}').");
        }
        else if (database == DatabaseProvider.Sqlite)
        {
            if (input.ConnectionString is not null)
            {
                errors.Add("--connection-string is for --database postgres; for SQLite give --sqlite-path.");
            }

            Check(SqlitePathError(input.SqlitePath ?? SetupAnswers.DefaultSqlitePath));
        }
        else
        {
            if (input.SqlitePath is not null)
            {
                errors.Add("--sqlite-path is for --database sqlite; for PostgreSQL give --connection-string.");
            }

            if (!string.IsNullOrWhiteSpace(input.ConnectionString))
            {
                Check(ConnectionStringError(input.ConnectionString));
            }
        }

        var target = ParseTarget(input.Target ?? "local");
        if (target is null)
        {
            errors.Add($"--target must be one of: {string.Join(", ", Targets)} (got '{input.Target}').");
        }
        else if (input.Region is not null && target != DeploymentTarget.Fly)
        {
            errors.Add("--region is only used with --target fly.");
        }

        if (input.Region is not null)
        {
            Check(RegionError(input.Region));
        }

        Check(DomainError(input.Domain));

        string? output = null;
        try
        {
            output = string.IsNullOrWhiteSpace(input.Output)
                ? SourceTree.DefaultOutput(target, workingDirectory)
                : Path.GetFullPath(input.Output.Trim(), workingDirectory);
            if (File.Exists(output))
            {
                errors.Add($"--output '{output}' is a file, not a folder.");
            }
        }
        catch (Exception exception) when (exception is ArgumentException or NotSupportedException or PathTooLongException)
        {
            errors.Add($"--output '{input.Output}' is not a valid folder path: {exception.Message}");
        }

        if (errors.Count > 0)
        {
            return (null, errors);
        }

        return (new SetupAnswers
        {
            Company = input.Company!.Trim(),
            AdminEmail = input.AdminEmail!.Trim().ToLowerInvariant(),
            AdminPassword = input.AdminPassword!,
            AdminName = string.IsNullOrWhiteSpace(input.AdminName) ? null : input.AdminName.Trim(),
            Database = database!.Value,
            SqlitePath = database == DatabaseProvider.Sqlite ? (input.SqlitePath ?? SetupAnswers.DefaultSqlitePath).Trim() : null,
            PostgresConnectionString = database == DatabaseProvider.Postgres ? input.ConnectionString!.Trim() : null,
            Target = target!.Value,
            Region = input.Region?.Trim().ToLowerInvariant() ?? SetupAnswers.DefaultFlyRegion,
            Domain = string.IsNullOrWhiteSpace(input.Domain) ? null : input.Domain.Trim().ToLowerInvariant(),
            OutputDirectory = output!,
            Force = input.Force,
        }, errors);
    }

    public static DatabaseProvider? ParseDatabase(string value) => value.Trim().ToLowerInvariant() switch
    {
        Sqlite => DatabaseProvider.Sqlite,
        Postgres or "postgresql" => DatabaseProvider.Postgres,
        _ => null,
    };

    public static DeploymentTarget? ParseTarget(string value) =>
        Targets.Contains(value.Trim(), StringComparer.OrdinalIgnoreCase) && Enum.TryParse<DeploymentTarget>(value.Trim(), ignoreCase: true, out var target)
            ? target
            : null;

    public static string? CompanyError(string value)
    {
        var errors = new FieldErrors();
        errors.Text("company", value, 200, required: true);
        return errors.HasErrors ? "--company must be 1 to 200 characters, without control characters." : null;
    }

    public static string? EmailError(string value)
    {
        var errors = new FieldErrors();
        errors.Email("email", value, required: true);
        return errors.HasErrors ? $"--admin-email '{value}' is not a valid email address." : null;
    }

    public static string? PasswordError(string value) =>
        value.Length is < PasswordPolicy.MinLength or > PasswordPolicy.MaxLength
            ? $"--admin-password must be {PasswordPolicy.MinLength} to {PasswordPolicy.MaxLength} characters long (got {value.Length})."
            : null;

    public static string? AdminNameError(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var errors = new FieldErrors();
        errors.Text("name", value, 128, required: false);
        return errors.HasErrors ? "--admin-name must be at most 128 characters, without control characters." : null;
    }

    public static string? SqlitePathError(string value)
    {
        var path = value.Trim();
        if (path.Length == 0)
        {
            return "--sqlite-path must not be empty.";
        }

        if (path.IndexOfAny(Path.GetInvalidPathChars()) >= 0 || path.Any(char.IsControl))
        {
            return $"--sqlite-path '{value}' contains characters that are not allowed in a path.";
        }

        if (Path.EndsInDirectorySeparator(path) || string.IsNullOrEmpty(Path.GetFileName(path)))
        {
            return $"--sqlite-path '{value}' names a folder; give the database file, e.g. {SetupAnswers.DefaultSqlitePath}.";
        }

        return null;
    }

    public static string? ConnectionStringError(string value)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(value.Trim());
            if (string.IsNullOrWhiteSpace(builder.Host))
            {
                return "--connection-string has no Host, e.g. \"Host=localhost;Database=agentflow;Username=agentflow;Password=...\".";
            }

            return null;
        }
        catch (Exception exception) when (exception is ArgumentException or FormatException or InvalidCastException)
        {
            return $"--connection-string is not a valid PostgreSQL connection string: {exception.Message}";
        }
    }

    public static string? RegionError(string value) =>
        RegionPattern().IsMatch(value.Trim()) ? null : $"--region '{value}' is not a Fly.io region code (e.g. iad, fra, syd).";

    public static string? DomainError(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var domain = value.Trim();
        if (domain.Contains("://", StringComparison.Ordinal) || domain.Contains('/', StringComparison.Ordinal))
        {
            return $"--domain '{value}' must be a host name only, e.g. agentflow.example.com (no scheme or path).";
        }

        return Uri.CheckHostName(domain) == UriHostNameType.Dns && domain.Contains('.', StringComparison.Ordinal) && domain.Length <= 253
            ? null
            : $"--domain '{value}' is not a valid host name, e.g. agentflow.example.com.";
    }

    [GeneratedRegex("^[a-z]{3}$", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex RegionPattern();
}
