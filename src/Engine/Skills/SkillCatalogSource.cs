using AgentFlow.Plugins.Skills;

namespace AgentFlow.Engine.Skills;

/// <summary>
/// The skill catalog in force. Skill packs arrive as plugins and can be added, replaced or removed while the server
/// runs, so the catalog is an immutable snapshot replaced as a whole: a reader takes <see cref="Current"/> once and
/// works on one consistent catalog. Compiled permission profiles remember the catalog they were compiled against and
/// are recompiled on their next use after a change.
/// </summary>
public sealed class SkillCatalogSource(SkillCatalog initial)
{
    private SkillCatalog _current = initial;

    /// <summary>Starts from the packs registered in the container (tests and hosts without plugins).</summary>
    public SkillCatalogSource(IEnumerable<ISkillPack> packs)
        : this(new SkillCatalog(packs))
    {
    }

    public SkillCatalog Current => Volatile.Read(ref _current);

    /// <summary>Makes <paramref name="catalog"/> the catalog in force.</summary>
    public void Replace(SkillCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        Volatile.Write(ref _current, catalog);
    }
}
