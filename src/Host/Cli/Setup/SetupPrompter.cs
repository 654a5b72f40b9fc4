using Spectre.Console;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>
/// Asks for what the options did not give, one question at a time, validating each answer with the same rules as
/// <see cref="SetupValidator"/> so a wrong value is re-asked on the spot. Values given as options are never asked again.
/// </summary>
internal sealed class SetupPrompter(IAnsiConsole console, string workingDirectory)
{
    public async Task<SetupInput> CompleteAsync(SetupInput input, CancellationToken cancellationToken)
    {
        console.Write(new Rule("[bold]AgentFlow setup[/]").LeftJustified());
        console.MarkupLine("[grey]Creates the database, the owner account and the configuration. Nothing changes until you confirm; Ctrl+C cancels.[/]");
        console.WriteLine();

        if (string.IsNullOrWhiteSpace(input.Company))
        {
            input = input with { Company = await AskAsync("Company name:", SetupValidator.CompanyError, cancellationToken) };
        }

        if (string.IsNullOrWhiteSpace(input.AdminEmail))
        {
            input = input with { AdminEmail = await AskAsync("Admin email:", SetupValidator.EmailError, cancellationToken) };
        }

        if (string.IsNullOrEmpty(input.AdminPassword))
        {
            input = input with { AdminPassword = await AskPasswordAsync(cancellationToken) };
        }

        if (input.AdminName is null)
        {
            var name = await console.PromptAsync(
                new TextPrompt<string>("Admin name [grey](optional)[/]:").AllowEmpty().Validate(v => Result(SetupValidator.AdminNameError(v))),
                cancellationToken);
            input = input with { AdminName = string.IsNullOrWhiteSpace(name) ? null : name };
        }

        if (input.EffectiveDatabase is null)
        {
            var database = await console.PromptAsync(
                new SelectionPrompt<string>()
                    .Title("Database:")
                    .AddChoices(SetupValidator.Sqlite, SetupValidator.Postgres)
                    .UseConverter(d => d == SetupValidator.Sqlite ? "sqlite   (a file, nothing to install)" : "postgres (an existing PostgreSQL server)"),
                cancellationToken);
            console.MarkupLineInterpolated($"Database: [blue]{database}[/]");
            input = input with { Database = database };
        }

        if (SetupValidator.ParseDatabase(input.EffectiveDatabase!) == Engine.Persistence.DatabaseProvider.Postgres)
        {
            if (string.IsNullOrWhiteSpace(input.ConnectionString))
            {
                input = input with
                {
                    ConnectionString = await AskAsync("PostgreSQL connection string [grey](Host=...;Database=...;Username=...;Password=...)[/]:", SetupValidator.ConnectionStringError, cancellationToken),
                };
            }
        }
        else if (input.SqlitePath is null)
        {
            input = input with
            {
                SqlitePath = await console.PromptAsync(
                    new TextPrompt<string>("SQLite file:").DefaultValue(SetupAnswers.DefaultSqlitePath).Validate(v => Result(SetupValidator.SqlitePathError(v))),
                    cancellationToken),
            };
        }

        if (input.Target is null)
        {
            var target = await console.PromptAsync(
                new SelectionPrompt<string>()
                    .Title("Deploy to:")
                    .AddChoices(SetupValidator.Targets)
                    .UseConverter(t => t switch
                    {
                        "local" => "local    (run here with dotnet run)",
                        "docker" => "docker   (docker-compose.yml + Dockerfile)",
                        "fly" => "fly      (fly.toml for Fly.io)",
                        _ => "railway  (railway.json for Railway)",
                    }),
                cancellationToken);
            console.MarkupLineInterpolated($"Deploy to: [blue]{target}[/]");
            input = input with { Target = target };
        }

        if (string.Equals(input.Target, "fly", StringComparison.OrdinalIgnoreCase) && input.Region is null)
        {
            input = input with
            {
                Region = await console.PromptAsync(
                    new TextPrompt<string>("Fly.io primary region:").DefaultValue(SetupAnswers.DefaultFlyRegion).Validate(v => Result(SetupValidator.RegionError(v))),
                    cancellationToken),
            };
        }

        if (input.Domain is null && !string.Equals(input.Target, "local", StringComparison.OrdinalIgnoreCase))
        {
            var domain = await console.PromptAsync(
                new TextPrompt<string>("Public domain [grey](optional, e.g. agentflow.example.com)[/]:").AllowEmpty().Validate(v => Result(SetupValidator.DomainError(v))),
                cancellationToken);
            input = input with { Domain = string.IsNullOrWhiteSpace(domain) ? null : domain };
        }

        if (input.Output is null)
        {
            input = input with
            {
                Output = await console.PromptAsync(
                    new TextPrompt<string>("Output folder:").DefaultValue(SourceTree.DefaultOutput(SetupValidator.ParseTarget(input.Target ?? "local"), workingDirectory)),
                    cancellationToken),
            };
        }

        return input;
    }

    /// <summary>Shows what will happen and asks to go on; answering no leaves everything untouched.</summary>
    public async Task<bool> ConfirmAsync(SetupAnswers answers, SetupFilePlan plan, CancellationToken cancellationToken)
    {
        console.WriteLine();
        console.Write(SetupReport.AnswersTable(answers, plan));
        return await console.PromptAsync(new ConfirmationPrompt("Go ahead?") { DefaultValue = true }, cancellationToken);
    }

    private async Task<string> AskAsync(string question, Func<string, string?> error, CancellationToken cancellationToken) =>
        (await console.PromptAsync(new TextPrompt<string>(question).Validate(v => Result(error(v))), cancellationToken)).Trim();

    private async Task<string> AskPasswordAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var password = await console.PromptAsync(
                new TextPrompt<string>("Admin password [grey](8-128 characters)[/]:").Secret().Validate(v => Result(SetupValidator.PasswordError(v))),
                cancellationToken);
            var again = await console.PromptAsync(new TextPrompt<string>("Confirm password:").Secret(), cancellationToken);
            if (string.Equals(password, again, StringComparison.Ordinal))
            {
                return password;
            }

            console.MarkupLine("[red]The passwords do not match; try again.[/]");
        }
    }

    private static ValidationResult Result(string? error) =>
        error is null ? ValidationResult.Success() : ValidationResult.Error($"[red]{Markup.Escape(error)}[/]");
}
