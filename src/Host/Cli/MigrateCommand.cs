using AgentFlow.Host.Startup;
using System.CommandLine;
using Spectre.Console;

namespace AgentFlow.Host.Cli;

/// <summary><c>migrate</c>: applies pending migrations to the configured database and exits (for deployments that turn MigrateOnStart off).</summary>
internal static class MigrateCommand
{
    public static Command Create()
    {
        var command = new Command("migrate", "Apply pending database migrations to the configured database, then exit.");
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(parseResult.UnmatchedTokens.ToArray());
            builder.Logging.SetMinimumLevel(LogLevel.Warning);

            // The same database as the server: `setup` writes it to agentflow.json in the working directory.
            builder.Configuration.InsertSetupFile(Directory.GetCurrentDirectory());
            builder.Services.AddAgentFlowPersistence(builder.Configuration);
            using var host = builder.Build();
            await using var scope = host.Services.CreateAsyncScope();
            var migrator = scope.ServiceProvider.GetRequiredService<PlatformDatabaseMigrator>();
            try
            {
                var applied = await AnsiConsole.Status().StartAsync("Applying migrations…", _ => migrator.MigrateAsync(cancellationToken));
                AnsiConsole.MarkupLineInterpolated($"[green]✓[/] Database is up to date ({applied.Count} migrations applied).");
                return 0;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                AnsiConsole.MarkupLineInterpolated($"[red]✗[/] Migration failed: {exception.Message}");
                return 1;
            }
        });
        return command;
    }
}
