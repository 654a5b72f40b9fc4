using AgentFlow.Engine.Persistence;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace AgentFlow.Host.Cli.Setup;

/// <summary>What setup shows: the recap before it starts and the summary with the next commands after it is done.</summary>
internal static class SetupReport
{
    public static IRenderable AnswersTable(SetupAnswers answers, SetupFilePlan plan)
    {
        var table = new Table().Border(TableBorder.Rounded).HideHeaders().AddColumn("").AddColumn("");
        table.AddRow("Company", Markup.Escape(answers.Company));
        table.AddRow("Owner", Markup.Escape(answers.AdminName is null ? answers.AdminEmail : $"{answers.AdminName} <{answers.AdminEmail}>"));
        table.AddRow("Database", Markup.Escape(DescribeDatabase(answers)));
        table.AddRow("Deploy to", Markup.Escape(answers.Target.ToString().ToLowerInvariant() + (answers.Domain is null ? "" : $" ({answers.Domain})")));
        table.AddRow("Files", Markup.Escape(string.Join(Environment.NewLine, plan.Files.Select(f => $"{f.Path} ({ActionText(f.Action)})"))));
        return table;
    }

    public static string DescribeDatabase(SetupAnswers answers) => answers.Database == DatabaseProvider.Postgres
        ? "PostgreSQL " + DatabaseConnectionTester.DescribePostgres(answers.PostgresConnectionString!)
        : "SQLite " + answers.SqliteFullPath;

    public static void WriteSummary(IAnsiConsole console, SetupAnswers answers, OwnerOutcome owner, SetupFilePlan plan, string workingDirectory)
    {
        console.WriteLine();
        console.Write(new Rule("[green]Setup complete[/]").LeftJustified());
        foreach (var file in plan.Files)
        {
            var verb = file.Action == PlannedFileAction.Keep ? "kept" : "wrote";
            console.MarkupLineInterpolated($"  {verb,-6}{file.Path} [grey]({file.Purpose})[/]");
        }

        console.MarkupLineInterpolated($"  {"db",-6}{DescribeDatabase(answers)}");
        console.MarkupLineInterpolated(owner == OwnerOutcome.Created
            ? (FormattableString)$"  {"owner",-6}{answers.AdminEmail} [grey](sign in with the password you chose)[/]"
            : $"  {"owner",-6}unchanged: the database already had users; sign in with an existing account");

        if (answers.Target != DeploymentTarget.Local && SourceTree.FindRepositoryRoot(answers.OutputDirectory) != answers.OutputDirectory)
        {
            console.MarkupLine(
                "[yellow]![/] The Dockerfile builds from the AgentFlow source tree: the output folder should be the repository root (the folder with src/Host).");
        }

        console.WriteLine();
        console.MarkupLine("[bold]Next:[/]");
        foreach (var line in NextSteps(answers, owner, workingDirectory))
        {
            console.MarkupLine("  " + line);
        }
    }

    /// <summary>The commands to run next, as markup lines (commands highlighted).</summary>
    public static IEnumerable<string> NextSteps(SetupAnswers answers, OwnerOutcome owner, string workingDirectory)
    {
        // Only the owner this run created is worth naming; otherwise whoever already had an account signs in.
        var email = owner == OwnerOutcome.Created ? Markup.Escape(answers.AdminEmail) : "an existing account";
        switch (answers.Target)
        {
            case DeploymentTarget.Local:
                foreach (var line in LocalStart(answers.OutputDirectory, workingDirectory))
                {
                    yield return line;
                }

                yield return $"then open http://localhost:5080 and sign in as {email}";
                break;

            case DeploymentTarget.Docker:
                yield return "[grey]The containers keep their own database (volume agentflow-data" +
                             (answers.Database == DatabaseProvider.Postgres ? ", service postgres" : "") +
                             "); the first start creates the same owner there when given the password once:[/]";
                yield return Command("AGENTFLOW_ADMIN_PASSWORD='<admin password>' docker compose up -d") + " [grey](first start)[/]";
                yield return Command("docker compose up -d") + " [grey](afterwards)[/]";
                yield return answers.Domain is null
                    ? $"then open http://localhost:5080 and sign in as {email}"
                    : $"then serve https://{Markup.Escape(answers.Domain)} through a TLS proxy to port 5080 and sign in as {email}";
                break;

            case DeploymentTarget.Fly:
                yield return Command($"fly apps create {answers.CompanySlug}") + " [grey](or change `app` in fly.toml if the name is taken)[/]";
                yield return Command($"fly volumes create {FlyTomlGenerator.VolumeName} --region {answers.Region} --size 1");
                if (answers.Database == DatabaseProvider.Postgres)
                {
                    yield return Command("fly secrets set ConnectionStrings__AgentFlow='<connection string reachable from Fly>'");
                }

                yield return Command("fly secrets set AgentFlow__Bootstrap__AdminPassword='<admin password>'") + " [grey](creates the owner on the first start)[/]";
                yield return Command("fly deploy");
                if (answers.Domain is not null)
                {
                    yield return Command($"fly certs add {answers.Domain}");
                }

                yield return $"then sign in as {email}";
                break;

            case DeploymentTarget.Railway:
                yield return "[grey]In the Railway service, set these variables (railway.json cannot hold them):[/]";
                yield return "  PORT=5080";
                foreach (var (key, value) in ContainerLayout.Settings(answers))
                {
                    yield return Markup.Escape($"  {key}={value}");
                }

                yield return Markup.Escape("  AgentFlow__Auth__SecureCookies=true");
                yield return Markup.Escape("  AgentFlow__Bootstrap__AdminPassword=<admin password> (creates the owner on the first start)");
                if (answers.Database == DatabaseProvider.Postgres)
                {
                    yield return Markup.Escape("  ConnectionStrings__AgentFlow=<connection string reachable from Railway>");
                }

                yield return $"[grey]and attach a volume at {ContainerLayout.DataDirectory}[/]" +
                             (answers.Domain is null ? "" : $"[grey]; add {Markup.Escape(answers.Domain)} as a custom domain[/]");
                yield return Command("railway up");
                yield return $"then sign in as {email}";
                break;
        }
    }

    /// <summary>
    /// How to start the Host so it reads this <c>agentflow.json</c>: <c>dotnet run</c> keeps the caller's working
    /// directory, and the Host looks for the file there, so it is started from the output folder.
    /// </summary>
    private static IEnumerable<string> LocalStart(string outputDirectory, string workingDirectory)
    {
        if (Path.GetFullPath(workingDirectory) != outputDirectory)
        {
            yield return Command($"cd \"{outputDirectory}\"");
        }

        var project = SourceTree.HostProjectArgument(outputDirectory);
        yield return project is null
            ? Command("dotnet run --project <AgentFlow checkout>/src/Host") + " [grey](from this folder, where agentflow.json is)[/]"
            : Command($"dotnet run --project {project}");
    }

    private static string Command(string text) => $"[aqua]{Markup.Escape(text)}[/]";

    private static string ActionText(PlannedFileAction action) => action switch
    {
        PlannedFileAction.Create => "new",
        PlannedFileAction.Overwrite => "replace",
        PlannedFileAction.Keep => "exists, kept",
        _ => "exists",
    };
}
