using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Definitions;

/// <summary>Which definitions a list shows.</summary>
public enum DefinitionListStatus
{
    /// <summary>The latest version is a draft (whether or not an older version is published).</summary>
    Draft,

    /// <summary>A version is published (new instances can start).</summary>
    Published,

    /// <summary>Nothing is published and the latest version is retired (retracted).</summary>
    Retired,
}

/// <summary>A definition in a list: its latest version, and which version is published.</summary>
public sealed record WorkflowDefinitionSummary(
    string DefinitionId,
    string? Name,
    int LatestVersion,
    DefinitionStatus LatestStatus,
    int? PublishedVersion,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>One page of a list.</summary>
public sealed record WorkflowPage<T>(IReadOnlyList<T> Items, int Total, int Limit, int Offset);

/// <summary>An exported definition file.</summary>
/// <param name="FileName">The suggested file name.</param>
/// <param name="Content">UTF-8 JSON, or zip bytes.</param>
public sealed record WorkflowExportFile(string FileName, byte[] Content);

/// <summary>A file given to import: a "wf/1" JSON document, or a zip of them.</summary>
public sealed record WorkflowImportFile(string Name, byte[] Content);

/// <summary>What importing (or seeding) one file did.</summary>
/// <param name="File">The file name (the entry path inside a zip).</param>
/// <param name="DefinitionId">The definition, when the file could be read.</param>
/// <param name="Version">The version stored or kept, when there is one.</param>
/// <param name="Outcome">One of <see cref="WorkflowImportOutcomes"/>.</param>
/// <param name="Problems">Why the file is invalid (empty otherwise).</param>
/// <param name="Error">Why the file was refused for another reason (e.g. a route conflict at publish).</param>
public sealed record WorkflowImportResult(string File, string? DefinitionId, int? Version, string Outcome, IReadOnlyList<ValidationProblem> Problems, string? Error = null);

/// <summary>Outcomes of importing one file.</summary>
public static class WorkflowImportOutcomes
{
    /// <summary>Stored as a new draft version.</summary>
    public const string Draft = "draft";

    /// <summary>Stored and published.</summary>
    public const string Published = "published";

    /// <summary>Same content as the latest stored version: nothing stored.</summary>
    public const string Unchanged = "unchanged";

    /// <summary>Not a valid definition: see the problems; nothing stored.</summary>
    public const string Invalid = "invalid";

    /// <summary>Valid but refused (e.g. a route conflict, a concurrent change): see the error; nothing stored.</summary>
    public const string Failed = "failed";

    /// <summary>Not a JSON file (a zip entry of another kind): ignored.</summary>
    public const string Skipped = "skipped";
}

/// <summary>Options of definitions (section <c>AgentFlow:Workflows</c>).</summary>
public sealed class WorkflowDefinitionOptions
{
    public const string SectionName = "AgentFlow:Workflows";

    /// <summary>Folder of <c>*.json</c> definitions seeded into every organisation; <c>&lt;app folder&gt;/workflows</c> when not set.</summary>
    public string? SeedDirectory { get; set; }

    /// <summary>The seed folder in effect.</summary>
    public string ResolvedSeedDirectory => string.IsNullOrWhiteSpace(SeedDirectory)
        ? Path.Combine(AppContext.BaseDirectory, "workflows")
        : Path.GetFullPath(SeedDirectory);
}
