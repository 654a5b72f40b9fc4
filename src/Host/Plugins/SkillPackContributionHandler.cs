using AgentFlow.Engine.Skills;
using AgentFlow.Plugins;

namespace AgentFlow.Host.Plugins;

/// <summary>Skill packs of the active plugins → the skill catalog in force.</summary>
internal sealed class SkillPackContributionHandler(SkillCatalogSource catalogs) : IPluginContributionHandler
{
    public IReadOnlyList<PluginProblem> Check(IReadOnlyList<PluginLoad> active, PluginLoad candidate)
    {
        if (candidate.SkillPacks.Count == 0)
        {
            return [];
        }

        try
        {
            // The catalog's own checks, on the packs that would be in force: ids unique, every tool's skill known...
            _ = new SkillCatalog(active.SelectMany(p => p.SkillPacks).Concat(candidate.SkillPacks));
            return [];
        }
        catch (SkillCatalogException ex)
        {
            return [.. ex.Problems.Select(p => new PluginProblem(p, ex.Conflicts.Contains(p)))];
        }
    }

    public void Apply(IReadOnlyList<PluginLoad> active) =>
        catalogs.Replace(new SkillCatalog(active.SelectMany(p => p.SkillPacks)));
}
