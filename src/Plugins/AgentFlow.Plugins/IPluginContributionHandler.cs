namespace AgentFlow.Plugins;

/// <summary>
/// Takes one kind of contribution (skill packs, deploy targets, activities) from the active plugins into the
/// registry that serves it. The manager asks every handler to check a plugin before it becomes active, then hands
/// each the new active set at once; a handler switches its registry in one step, so a request sees the old set
/// or the new one, never a mix.
/// </summary>
public interface IPluginContributionHandler
{
    /// <summary>The problems that keep <paramref name="candidate"/> out when <paramref name="active"/> are active (an id another plugin has, invalid data).</summary>
    /// <param name="active">The plugins that stay active, in order.</param>
    /// <param name="candidate">The plugin to admit.</param>
    /// <returns>The problems; empty when the candidate can be admitted.</returns>
    IReadOnlyList<PluginProblem> Check(IReadOnlyList<PluginLoad> active, PluginLoad candidate);

    /// <summary>Makes <paramref name="active"/> the contributions served, replacing every earlier plugin contribution.</summary>
    /// <param name="active">Every active plugin, in order.</param>
    void Apply(IReadOnlyList<PluginLoad> active);
}

/// <summary>Why a plugin cannot become active.</summary>
/// <param name="Message">What is wrong, for the plugin's author.</param>
/// <param name="IsConflict">Whether it claims an id an active plugin already has (the active one stays).</param>
public sealed record PluginProblem(string Message, bool IsConflict = false);
