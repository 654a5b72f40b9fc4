using AgentFlow.Engine.Tenancy;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Activities;

/// <summary>
/// Activities run in the workflow workers, outside any request: each step opens a DI scope acting for the instance's
/// organisation, so the Engine's services see that organisation's rows and no other.
/// </summary>
public sealed class TenantScopes(IServiceScopeFactory scopes)
{
    public AsyncServiceScope For(Guid orgId)
    {
        var scope = scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopedTenantContext>().Use(orgId);
        return scope;
    }
}
