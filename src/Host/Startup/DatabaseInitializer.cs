using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Options;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.Startup;

/// <summary>
/// Runs before the server takes requests: applies migrations (the embedded SQLite default must work with no
/// extra step; production may turn this off and use the <c>migrate</c> verb), creates the first owner from
/// <c>AgentFlow:Bootstrap</c> when configured, and otherwise says how to create it.
/// </summary>
internal sealed partial class DatabaseInitializer(
    IServiceScopeFactory scopes,
    IOptions<DatabaseOptions> database,
    IOptions<BootstrapOptions> bootstrap,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        if (database.Value.MigrateOnStart)
        {
            await services.GetRequiredService<PlatformDatabaseMigrator>().MigrateAsync(cancellationToken);
        }

        var bootstrapper = services.GetRequiredService<BootstrapService>();
        bool bootstrapped;
        try
        {
            bootstrapped = await bootstrapper.IsBootstrappedAsync(cancellationToken);
        }
        catch (Exception exception) when (!database.Value.MigrateOnStart && exception is not OperationCanceledException)
        {
            // Without migrations at start the database is someone else's job: the Host still starts, and /ready
            // answers 503 until the database does, instead of the process crash-looping under its orchestrator.
            LogDatabaseUnavailable(logger, exception);
            return;
        }

        if (bootstrapped)
        {
            return;
        }

        var options = bootstrap.Value;
        if (options.IsConfigured)
        {
            var owner = await bootstrapper.BootstrapAsync(
                new BootstrapCommand(options.CompanyName ?? "My Company", options.AdminEmail, options.AdminPassword, options.AdminName), cancellationToken);
            LogBootstrapped(logger, owner.Email);
            return;
        }

        LogNoUsers(logger, """curl -X POST http://localhost:5080/auth/bootstrap -H 'Content-Type: application/json' -d '{"companyName":"Acme","email":"you@example.com","password":"at-least-8-chars"}'""");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 5003, EventName = "DatabaseUnavailableAtStart", Level = LogLevel.Warning,
        Message = "The database did not answer at start; skipped the first-owner check. /ready reports 503 until it answers")]
    private static partial void LogDatabaseUnavailable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5001, EventName = "OwnerBootstrapped", Level = LogLevel.Information,
        Message = "Created the owner account {Email} from AgentFlow:Bootstrap settings")]
    private static partial void LogBootstrapped(ILogger logger, string email);

    [LoggerMessage(EventId = 5002, EventName = "NoUsersYet", Level = LogLevel.Warning,
        Message = "No users yet. Create the owner with: {Command} — or run `dotnet run --project src/Host -- setup`, " +
                  "or set AgentFlow__Bootstrap__AdminEmail and AgentFlow__Bootstrap__AdminPassword before starting")]
    private static partial void LogNoUsers(ILogger logger, string command);
}
