using AgentFlow.Plugins;
using AgentFlow.Workflows.Activities;

namespace AgentFlow.Host.Plugins;

/// <summary>Activity classes of the active plugins → the workflow runtime's activity registry.</summary>
internal sealed class ActivityContributionHandler(ActivityTypeRegistry registry) : IPluginContributionHandler
{
    public IReadOnlyList<PluginProblem> Check(IReadOnlyList<PluginLoad> active, PluginLoad candidate)
    {
        if (candidate.ActivityTypes.Count == 0)
        {
            return [];
        }

        var problems = new List<PluginProblem>();
        var registrations = new List<ActivityRegistration>();
        foreach (var type in candidate.ActivityTypes)
        {
            try
            {
                registrations.Add(Registration(candidate, type));
            }
            catch (InvalidOperationException ex)
            {
                problems.Add(new PluginProblem($"Activity class {type.FullName} is invalid: {ex.Message}"));
            }
        }

        problems.AddRange(registry.FindConflicts(active.SelectMany(Registrations), registrations).Select(m => new PluginProblem(m, IsConflict: true)));
        return problems;
    }

    public void Apply(IReadOnlyList<PluginLoad> active) =>
        registry.ReplacePluginActivities([.. active.SelectMany(Registrations)]);

    private static IEnumerable<ActivityRegistration> Registrations(PluginLoad load) =>
        load.ActivityTypes.Select(t => Registration(load, t));

    private static ActivityRegistration Registration(PluginLoad load, Type type) =>
        new(ActivityDescriptorFactory.Create(type), type) { Source = load.Id, Services = load.Services, Enter = load.Enter };
}
