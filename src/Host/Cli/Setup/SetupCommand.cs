using System.CommandLine;
using Spectre.Console;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>
/// <c>setup</c>: asks for (or takes from options) the company, the owner and the database, proves the database works,
/// migrates it, creates the owner and writes <c>agentflow.json</c> plus the files of the chosen deployment target.
/// </summary>
internal static class SetupCommand
{
    public static Command Create(CliEnvironment environment)
    {
        var company = new Option<string?>("--company") { Description = "Company name (names the organisation).", HelpName = "name" };
        var adminEmail = new Option<string?>("--admin-email") { Description = "Email of the owner account to create.", HelpName = "email" };
        var adminPassword = new Option<string?>("--admin-password")
        {
            Description = $"Owner password, 8-128 characters. Prefer the {SetupValidator.PasswordVariable} environment variable: arguments show up in process lists and shell history.",
            HelpName = "password",
        };
        var adminName = new Option<string?>("--admin-name") { Description = "Owner display name (optional; default: the part of the email before @).", HelpName = "name" };
        var database = new Option<string?>("--database") { Description = "Database: sqlite (default) or postgres.", HelpName = "sqlite|postgres" };
        database.CompletionSources.Add(SetupValidator.Databases);
        var sqlitePath = new Option<string?>("--sqlite-path")
        {
            Description = $"SQLite file, relative to the output folder (default: {SetupAnswers.DefaultSqlitePath}).",
            HelpName = "file",
        };
        var connectionString = new Option<string?>("--connection-string")
        {
            Description = "PostgreSQL connection string, e.g. \"Host=localhost;Database=agentflow;Username=agentflow;Password=...\" (implies --database postgres).",
            HelpName = "string",
        };
        var target = new Option<string?>("--target") { Description = "Where it will run: local (default), docker, fly or railway.", HelpName = "local|docker|fly|railway" };
        target.CompletionSources.Add(SetupValidator.Targets);
        var region = new Option<string?>("--region") { Description = $"Fly.io primary region for --target fly (default: {SetupAnswers.DefaultFlyRegion}).", HelpName = "code" };
        var domain = new Option<string?>("--domain") { Description = "Public host name, e.g. agentflow.example.com (optional).", HelpName = "host" };
        var output = new Option<string?>("--output", "-o")
        {
            Description = "Folder for agentflow.json and the deployment files, where the Host will run (default: the current directory; " +
                          "for docker, fly and railway the repository root above it, the Docker build context).",
            HelpName = "folder",
        };
        var nonInteractive = new Option<bool>("--non-interactive") { Description = "Never prompt: fail and list the missing values instead (for CI and Docker)." };
        var force = new Option<bool>("--force", "-f") { Description = "Overwrite agentflow.json and deployment files that already exist." };

        var command = new Command("setup", "Set up AgentFlow: database, owner account, agentflow.json and deployment files. Asks for missing values when run in a terminal.")
        {
            company, adminEmail, adminPassword, adminName, database, sqlitePath, connectionString, target, region, domain, output, nonInteractive, force,
        };
        command.SetAction((parseResult, cancellationToken) =>
        {
            var input = new SetupInput
            {
                Company = parseResult.GetValue(company),
                AdminEmail = parseResult.GetValue(adminEmail),
                AdminPassword = parseResult.GetValue(adminPassword) ?? NullIfEmpty(environment.GetVariable(SetupValidator.PasswordVariable)),
                AdminName = parseResult.GetValue(adminName),
                Database = parseResult.GetValue(database),
                SqlitePath = parseResult.GetValue(sqlitePath),
                ConnectionString = parseResult.GetValue(connectionString),
                Target = parseResult.GetValue(target),
                Region = parseResult.GetValue(region),
                Domain = parseResult.GetValue(domain),
                Output = parseResult.GetValue(output),
                Force = parseResult.GetValue(force),
            };
            return new SetupRun(environment, parseResult.GetValue(nonInteractive)).RunAsync(input, cancellationToken);
        });
        return command;
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}

/// <summary>One run of setup: the steps in order, each reported as it finishes; stops at the first failure.</summary>
/// <param name="environment">The console, environment variables and working directory.</param>
/// <param name="nonInteractive"><c>--non-interactive</c>: never prompt, even in a terminal.</param>
internal sealed class SetupRun(CliEnvironment environment, bool nonInteractive)
{
    private static readonly TimeSpan ConnectionTimeout = TimeSpan.FromSeconds(5);

    private readonly IAnsiConsole _console = environment.Console;
    private readonly bool _interactive = !nonInteractive && environment.CanPrompt;

    public async Task<int> RunAsync(SetupInput input, CancellationToken cancellationToken)
    {
        try
        {
            return await RunStepsAsync(input, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C: a prompt or a step stopped; the steps before it stay done (each is safe to repeat).
            _console.WriteLine();
            _console.MarkupLine("[yellow]Cancelled.[/]");
            return ExitCodes.Cancelled;
        }
    }

    private async Task<int> RunStepsAsync(SetupInput input, CancellationToken cancellationToken)
    {
        if (_interactive)
        {
            input = await new SetupPrompter(_console, environment.WorkingDirectory).CompleteAsync(input, cancellationToken);
        }

        // Missing and invalid values are reported together, so one corrected command line is enough.
        var (answers, errors) = SetupValidator.Validate(input, environment.WorkingDirectory);
        if (answers is null)
        {
            _console.MarkupLine("[red]✗[/] Setup cannot start; nothing was changed:");
            foreach (var error in errors)
            {
                _console.MarkupLineInterpolated($"    {error}");
            }

            if (SetupValidator.Missing(input).Count > 0)
            {
                _console.MarkupLine(nonInteractive
                    ? "  With --non-interactive setup does not ask: pass the missing values as options (see [aqua]setup --help[/])."
                    : "  There is no terminal to ask in: pass the missing values as options (see [aqua]setup --help[/]), or run setup in a terminal.");
            }

            return ExitCodes.InvalidInput;
        }

        var plan = SetupFilePlan.For(answers);
        if (plan.Refused.Any())
        {
            if (!_interactive || !await ConfirmOverwriteAsync(plan, cancellationToken))
            {
                _console.MarkupLine("[red]✗[/] These files already exist; pass --force to replace them (nothing was changed):");
                foreach (var file in plan.Refused)
                {
                    _console.MarkupLineInterpolated($"    {file.Path}");
                }

                return ExitCodes.InvalidInput;
            }

            answers = answers with { Force = true };
            plan = SetupFilePlan.For(answers);
        }

        if (_interactive && !await new SetupPrompter(_console, environment.WorkingDirectory).ConfirmAsync(answers, plan, cancellationToken))
        {
            _console.MarkupLine("Cancelled; nothing was changed.");
            return ExitCodes.Failed;
        }

        return await ExecuteAsync(answers, plan, cancellationToken);
    }

    private async Task<int> ExecuteAsync(SetupAnswers answers, SetupFilePlan plan, CancellationToken cancellationToken)
    {
        var database = SetupReport.DescribeDatabase(answers);
        var check = await StepAsync("Testing the database connection…", () => new DatabaseConnectionTester(ConnectionTimeout).TestAsync(answers, cancellationToken));
        if (!check.Succeeded)
        {
            Failed($"Cannot connect to {database}", check.Error);
            _console.MarkupLine("  Nothing was saved. Check the host, port, database name and credentials, then run setup again.");
            return ExitCodes.Failed;
        }

        Done($"Database reachable: {database}" + (check.Note is null ? "" : $" ({check.Note})"));

        // Checked before the database changes, so an unwritable folder does not leave an owner without configuration.
        if (SetupFilePlan.CheckWritable(answers.OutputDirectory) is { } notWritable)
        {
            Failed($"Cannot write to {answers.OutputDirectory}", notWritable);
            return ExitCodes.Failed;
        }

        await using var engine = new SetupEngine(answers);
        try
        {
            var applied = await StepAsync("Applying migrations…", () => engine.MigrateAsync(cancellationToken));
            Done(applied switch
            {
                0 => "Database schema is up to date",
                1 => "Applied 1 migration",
                _ => $"Applied {applied} migrations",
            });
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Failed("Migrations failed", exception.Message);
            return ExitCodes.Failed;
        }

        OwnerOutcome owner;
        try
        {
            owner = await StepAsync("Creating the owner account…", () => engine.CreateOwnerAsync(answers, cancellationToken));
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            Failed("Could not create the owner", exception.Message);
            return ExitCodes.Failed;
        }

        if (owner == OwnerOutcome.Created)
        {
            Done($"Owner {answers.AdminEmail} created; organisation named \"{answers.Company}\"");
        }
        else
        {
            _console.MarkupLine("[yellow]–[/] The database already has users: kept them, no new owner created");
        }

        try
        {
            await StepAsync("Writing files…", () => plan.WriteAsync(cancellationToken));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            Failed("Could not write the files", exception.Message);
            return ExitCodes.Failed;
        }

        foreach (var file in plan.Files)
        {
            if (file.Action == PlannedFileAction.Keep)
            {
                _console.MarkupLineInterpolated($"[yellow]–[/] {Path.GetFileName(file.Path)} exists: kept it");
            }
            else
            {
                Done($"Wrote {file.Path}");
            }
        }

        SetupReport.WriteSummary(_console, answers, owner, plan, environment.WorkingDirectory);
        return ExitCodes.Success;
    }

    /// <summary>Runs a step under a spinner (shown only on an interactive terminal).</summary>
    private Task<T> StepAsync<T>(string status, Func<Task<T>> step) =>
        _console.Profile.Capabilities.Interactive ? _console.Status().StartAsync(status, _ => step()) : step();

    private async Task<bool> ConfirmOverwriteAsync(SetupFilePlan plan, CancellationToken cancellationToken)
    {
        _console.MarkupLine("[yellow]![/] These files already exist:");
        foreach (var file in plan.Refused)
        {
            _console.MarkupLineInterpolated($"    {file.Path}");
        }

        return await _console.PromptAsync(new ConfirmationPrompt("Replace them?") { DefaultValue = false }, cancellationToken);
    }

    private void Done(string message) => _console.MarkupLineInterpolated($"[green]✓[/] {message}");

    private void Failed(string message, string? detail)
    {
        _console.MarkupLineInterpolated($"[red]✗[/] {message}");
        if (!string.IsNullOrWhiteSpace(detail))
        {
            _console.MarkupLineInterpolated($"    {detail}");
        }
    }
}
