using System.Text.RegularExpressions;
using AgentFlow.Engine.Deployment;
using AgentFlow.Plugins;
using AgentFlow.Plugins.Skills;

namespace AgentFlow.Host.Plugins;

/// <summary>Deploy targets of the active plugins → the deploy target catalog.</summary>
internal sealed partial class DeployTargetContributionHandler(DeployTargetCatalog catalog) : IPluginContributionHandler
{
    public IReadOnlyList<PluginProblem> Check(IReadOnlyList<PluginLoad> active, PluginLoad candidate)
    {
        var problems = new List<PluginProblem>();
        var taken = active.SelectMany(p => p.DeployTargets.Select(t => (t.Id, Plugin: p.Id))).ToDictionary(t => t.Id, t => t.Plugin, StringComparer.Ordinal);
        foreach (var target in candidate.DeployTargets)
        {
            if (target.Id is null || !TargetId().IsMatch(target.Id))
            {
                problems.Add(new PluginProblem($"Deploy target id \"{target.Id}\" is not lower-case kebab-case."));
                continue;
            }

            if (taken.TryGetValue(target.Id, out var owner))
            {
                problems.Add(new PluginProblem($"Deploy target \"{target.Id}\" is already provided by plugin \"{owner}\".", IsConflict: true));
                continue;
            }

            taken[target.Id] = candidate.Id;
            var keys = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in target.ConfigSchema)
            {
                if (string.IsNullOrWhiteSpace(field.Key) || !keys.Add(field.Key))
                {
                    problems.Add(new PluginProblem($"Deploy target \"{target.Id}\": config field key \"{field.Key}\" is empty or used twice."));
                }

                if (field.Kind == ConfigFieldKind.Select && field.Options.Count == 0)
                {
                    problems.Add(new PluginProblem($"Deploy target \"{target.Id}\": select field \"{field.Key}\" has no options."));
                }
            }
        }

        return problems;
    }

    public void Apply(IReadOnlyList<PluginLoad> active) =>
        catalog.Replace(active.SelectMany(load => load.DeployTargets.Select(t => new DeployTargetRegistration(
            new DeployTargetInfo(t.Id, t.DisplayName, t.Description, [.. t.ConfigSchema.Select(f => f with { Options = [.. f.Options] })], load.Id, load.Version),
            t,
            load.Enter))));

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex TargetId();
}
