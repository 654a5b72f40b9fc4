using AgentFlow.Activities;
using AgentFlow.Workflows.Activities;

namespace AgentFlow.Host.Approvals;

/// <summary>Registers the platform's own activities (src/Activities: approvals, and later deployment and health).</summary>
internal sealed class PlatformActivities : IActivityTypeContribution
{
    public void Register(ActivityTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.RegisterFromAssembly(typeof(TenantScopes).Assembly);
    }
}
