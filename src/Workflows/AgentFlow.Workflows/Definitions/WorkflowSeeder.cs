using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Definitions;

/// <summary>
/// Seeds the definitions of a folder (<c>*.json</c>, see <see cref="WorkflowDefinitionOptions.SeedDirectory"/>) into an
/// organisation: a definition not stored yet is stored and published as v1; a file whose canonical content differs
/// from the latest stored version becomes a new published version; an identical file changes nothing. Invalid files
/// are logged and skipped. Seeding twice, or on two hosts at once, is harmless (the loser of a race sees a conflict and
/// the winner's version).
/// </summary>
public sealed partial class WorkflowSeeder(
    WorkflowDefinitionService definitions,
    IOptions<WorkflowDefinitionOptions> options,
    ILogger<WorkflowSeeder> logger)
{
    /// <summary>The <c>createdBy</c> of seeded versions.</summary>
    public const string CreatedBy = "seed";

    /// <summary>Seeds the configured folder into an organisation.</summary>
    public Task<IReadOnlyList<WorkflowImportResult>> SeedAsync(Guid orgId, CancellationToken cancellationToken = default) =>
        SeedAsync(orgId, options.Value.ResolvedSeedDirectory, cancellationToken);

    /// <summary>Seeds a folder into an organisation; a missing folder seeds nothing.</summary>
    public async Task<IReadOnlyList<WorkflowImportResult>> SeedAsync(Guid orgId, string directory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
        {
            LogNoFolder(logger, directory);
            return [];
        }

        var results = new List<WorkflowImportResult>();
        foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            var file = new WorkflowImportFile(Path.GetFileName(path), await File.ReadAllBytesAsync(path, cancellationToken));
            var result = await definitions.ImportOneAsync(orgId, file, publish: true, publishUnchanged: false, CreatedBy, cancellationToken);
            results.Add(result);
            switch (result.Outcome)
            {
                case WorkflowImportOutcomes.Published:
                    LogPublished(logger, result.DefinitionId!, result.Version ?? 0, orgId, path);
                    break;
                case WorkflowImportOutcomes.Invalid:
                    LogInvalid(logger, path, string.Join("; ", result.Problems.Select(p => $"{p.NodeId ?? "-"} {p.Field}: {p.Message}")));
                    break;
                case WorkflowImportOutcomes.Failed:
                    LogFailed(logger, path, orgId, result.Error ?? "");
                    break;
            }
        }

        return results;
    }

    [LoggerMessage(EventId = 3201, EventName = "WorkflowSeedFolderMissing", Level = LogLevel.Debug, Message = "No workflow seed folder at {Directory}; nothing seeded")]
    private static partial void LogNoFolder(ILogger logger, string directory);

    [LoggerMessage(EventId = 3202, EventName = "WorkflowSeeded", Level = LogLevel.Information, Message = "Seeded workflow {DefinitionId} v{Version} into organisation {OrgId} from {Path}")]
    private static partial void LogPublished(ILogger logger, string definitionId, int version, Guid orgId, string path);

    [LoggerMessage(EventId = 3203, EventName = "WorkflowSeedInvalid", Level = LogLevel.Warning, Message = "Skipped the invalid workflow file {Path}: {Problems}")]
    private static partial void LogInvalid(ILogger logger, string path, string problems);

    [LoggerMessage(EventId = 3204, EventName = "WorkflowSeedFailed", Level = LogLevel.Warning, Message = "Could not seed {Path} into organisation {OrgId}: {Error}")]
    private static partial void LogFailed(ILogger logger, string path, Guid orgId, string error);
}
