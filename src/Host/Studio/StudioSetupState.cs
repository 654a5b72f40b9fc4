using AgentFlow.Engine.Identity;
using AgentFlow.Studio.Session;

namespace AgentFlow.Host.Studio;

/// <summary>Asks the Engine whether any user exists yet (the sign-in page then offers to create the owner).</summary>
internal sealed class StudioSetupState(IServiceScopeFactory scopes) : IStudioSetupState
{
    public async Task<bool> NeedsOwnerAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return !await scope.ServiceProvider.GetRequiredService<BootstrapService>().IsBootstrappedAsync(cancellationToken);
    }
}
