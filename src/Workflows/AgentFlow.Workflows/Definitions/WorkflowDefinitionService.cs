using System.IO.Compression;
using System.Text;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Graph;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using AgentFlow.Workflows.Validation;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Workflows.Definitions;

/// <summary>
/// Versions of workflow definitions per organisation: drafts, publishing (with the trigger and schedule index),
/// retract, revert, delete, export and import. Every query filters on the caller's organisation explicitly: the
/// workflow tables have no global tenant filter.
/// </summary>
/// <remarks>
/// Version rules: one row per version; exactly one published and one latest version per definition, enforced by
/// partial unique indexes. Every change runs in one transaction that reads what it changes (SQLite: <c>BEGIN
/// IMMEDIATE</c>, so writers queue) and updates rows with conditions on the state it read, so a concurrent change
/// makes it fail with <see cref="WorkflowConflictException"/> (409) instead of overwriting or breaking an index.
/// </remarks>
public sealed class WorkflowDefinitionService(
    IDbContextFactory<WorkflowDbContext> contexts,
    WorkflowGraphCompiler compiler,
    IActivityDescriptorLookup activities,
    TimeProvider time)
{
    /// <summary>Largest number of entries read from one zip.</summary>
    public const int MaxZipEntries = 500;

    /// <summary>Largest uncompressed definition read from a zip entry.</summary>
    public const int MaxZipEntryBytes = 4 << 20;

    /// <summary>Largest total uncompressed size read from one zip (a zip bomb stops here).</summary>
    public const long MaxZipTotalBytes = 64L << 20;

    // Segments the API routes use next to /definitions/{definitionId}: a definition with such an id could not be reached.
    private static readonly string[] ReservedIds = ["export", "import", "validate"];

    // ---------------------------------------------------------------------------------------------------------- read

    public async Task<WorkflowPage<WorkflowDefinitionSummary>> ListAsync(
        Guid orgId, DefinitionListStatus? status, string? search, int limit, int offset, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var all = db.Definitions.AsNoTracking().Where(d => d.OrgId == orgId);
        var latest = all.Where(d => d.IsLatest);
        if (!string.IsNullOrWhiteSpace(search))
        {
            var term = search.Trim().ToLowerInvariant();
            // Translated to SQL lower(...) and instr/strpos: the culture and comparison analyzers do not apply to SQL.
#pragma warning disable CA1304, CA1311, CA1862
            latest = latest.Where(d => d.DefinitionId.Contains(term) || (d.Name != null && d.Name.ToLower().Contains(term)));
#pragma warning restore CA1304, CA1311, CA1862
        }

        latest = status switch
        {
            DefinitionListStatus.Draft => latest.Where(d => d.Status == DefinitionStatus.Draft),
            DefinitionListStatus.Published => latest.Where(d => all.Any(p => p.DefinitionId == d.DefinitionId && p.Status == DefinitionStatus.Published)),
            DefinitionListStatus.Retired => latest.Where(d => d.Status == DefinitionStatus.Retired
                && !all.Any(p => p.DefinitionId == d.DefinitionId && p.Status == DefinitionStatus.Published)),
            _ => latest,
        };

        var total = await latest.CountAsync(cancellationToken);
        var items = await latest
            .OrderBy(d => d.DefinitionId)
            .Skip(offset)
            .Take(limit)
            .Select(d => new WorkflowDefinitionSummary(
                d.DefinitionId,
                d.Name,
                d.Version,
                d.Status,
                all.Where(p => p.DefinitionId == d.DefinitionId && p.Status == DefinitionStatus.Published).Select(p => (int?)p.Version).FirstOrDefault(),
                all.Where(p => p.DefinitionId == d.DefinitionId).OrderBy(p => p.Version).Select(p => p.CreatedAt).First(),
                d.UpdatedAt))
            .ToListAsync(cancellationToken);
        return new WorkflowPage<WorkflowDefinitionSummary>(items, total, limit, offset);
    }

    /// <summary>The latest version, or the given one.</summary>
    /// <exception cref="WorkflowNotFoundException">No such definition or version in the organisation.</exception>
    public async Task<WorkflowDefinitionRecord> GetAsync(Guid orgId, string definitionId, int? version = null, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        return await FindAsync(db.Definitions.AsNoTracking(), orgId, definitionId, version, cancellationToken);
    }

    /// <summary>Every version, newest first.</summary>
    /// <exception cref="WorkflowNotFoundException">No such definition in the organisation.</exception>
    public async Task<IReadOnlyList<WorkflowDefinitionRecord>> ListVersionsAsync(Guid orgId, string definitionId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var versions = await db.Definitions.AsNoTracking()
            .Where(d => d.OrgId == orgId && d.DefinitionId == definitionId)
            .OrderByDescending(d => d.Version)
            .ToListAsync(cancellationToken);
        return versions.Count > 0 ? versions : throw NotFound(definitionId, null);
    }

    // ---------------------------------------------------------------------------------------------------- validate

    /// <summary>Every problem of a definition given as JSON (parse errors included), without saving anything.</summary>
    public IReadOnlyList<ValidationProblem> Validate(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parsed = WorkflowDefinitionSerializer.Parse(json);
        return parsed.Document is null ? parsed.Problems : Validate(parsed.Document);
    }

    /// <summary>
    /// Every problem of a definition: the validator's (structure, activities, cycles), trigger configurations that could
    /// never fire, and the storage limits. Route conflicts with other workflows are checked at publish.
    /// </summary>
    public IReadOnlyList<ValidationProblem> Validate(WorkflowDefinitionDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<ValidationProblem>(compiler.Compile(document).Problems);
        if (document.DefinitionId.Length > 100)
        {
            problems.Add(new(null, "definitionId", "The definition id must be at most 100 characters."));
        }
        else if (ReservedIds.Contains(document.DefinitionId, StringComparer.Ordinal))
        {
            problems.Add(new(null, "definitionId", $"\"{document.DefinitionId}\" is reserved by the API; choose another definition id."));
        }

        if (document.Name is { Length: > 200 })
        {
            problems.Add(new(null, "name", "The name must be at most 200 characters."));
        }

        foreach (var node in document.Nodes.Where(n => n.Id.Length > 100))
        {
            problems.Add(new(node.Id, "id", "A node id must be at most 100 characters."));
        }

        var (triggers, triggerProblems) = WorkflowTriggerIndex.Build(document, time.GetUtcNow());
        problems.AddRange(triggerProblems);
        foreach (var trigger in triggers.Where(t => t.Key.Length > 512 || t.Schedule?.Expression.Length > 200))
        {
            problems.Add(new(trigger.NodeId, "triggers", "The trigger key is too long (routes and names at most 512 characters, schedules 200)."));
        }

        return problems;
    }

    // -------------------------------------------------------------------------------------------------------- write

    /// <summary>Stores a new definition as draft version 1.</summary>
    /// <exception cref="WorkflowDefinitionInvalidException">The JSON is not a valid definition.</exception>
    /// <exception cref="WorkflowConflictException">The definition id exists already (<c>CONFLICT</c>).</exception>
    public async Task<WorkflowDefinitionRecord> CreateAsync(Guid orgId, string json, string? createdBy, CancellationToken cancellationToken = default)
    {
        var document = ParseValid(json, routeDefinitionId: null);
        return await InTransactionAsync(async db =>
        {
            if (await db.Definitions.AnyAsync(d => d.OrgId == orgId && d.DefinitionId == document.DefinitionId, cancellationToken))
            {
                throw new WorkflowConflictException(WorkflowConflictException.Concurrent,
                    $"Workflow \"{document.DefinitionId}\" exists already; save a new draft with PUT /api/workflows/definitions/{document.DefinitionId}.");
            }

            return await AddVersionAsync(db, orgId, document, createdBy, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Saves a draft: replaces the latest version when it is a draft, otherwise adds draft version N+1.</summary>
    /// <exception cref="WorkflowDefinitionInvalidException">Invalid JSON or definition, or its id is not <paramref name="definitionId"/>.</exception>
    /// <exception cref="WorkflowNotFoundException">No such definition.</exception>
    /// <exception cref="WorkflowConflictException">A concurrent change (e.g. the draft was published meanwhile).</exception>
    public async Task<WorkflowDefinitionRecord> SaveDraftAsync(Guid orgId, string definitionId, string json, string? createdBy, CancellationToken cancellationToken = default)
    {
        var document = ParseValid(json, definitionId);
        return await InTransactionAsync(async db =>
        {
            var latest = await FindAsync(db.Definitions.AsNoTracking(), orgId, definitionId, null, cancellationToken);
            if (latest.Status != DefinitionStatus.Draft)
            {
                return await AddVersionAsync(db, orgId, document, createdBy, cancellationToken);
            }

            var stored = document with { Version = latest.Version };
            var content = WorkflowDefinitionSerializer.Write(stored);
            var hash = WorkflowDefinitionHasher.ComputeHash(stored);
            var now = time.GetUtcNow();
            var updated = await db.Definitions
                .Where(d => d.Id == latest.Id && d.Status == DefinitionStatus.Draft && d.IsLatest)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.ContentJson, content)
                    .SetProperty(d => d.ContentHash, hash)
                    .SetProperty(d => d.Name, stored.Name)
                    .SetProperty(d => d.UpdatedAt, now), cancellationToken);
            if (updated == 0)
            {
                throw ConcurrentChange(definitionId);
            }

            return await ReloadAsync(db, latest.Id, cancellationToken);
        }, cancellationToken);
    }

    /// <summary>Publishes the latest version (or the given one): validates and compiles it, retires the previously published
    /// version and replaces the definition's trigger and schedule rows, in one transaction.</summary>
    /// <exception cref="WorkflowDefinitionInvalidException">The version does not validate or compile (any more).</exception>
    /// <exception cref="WorkflowNotFoundException">No such definition or version.</exception>
    /// <exception cref="WorkflowConflictException"><c>ROUTE_CONFLICT</c>: an HTTP route is served by another published workflow;
    /// <c>ALREADY_PUBLISHED</c>: the version is the published one; <c>CONFLICT</c>: a concurrent change.</exception>
    public async Task<WorkflowDefinitionRecord> PublishAsync(Guid orgId, string definitionId, int? version = null, CancellationToken cancellationToken = default) =>
        await InTransactionAsync(async db =>
        {
            var target = await FindAsync(db.Definitions.AsNoTracking(), orgId, definitionId, version, cancellationToken);
            if (target.Status == DefinitionStatus.Published)
            {
                // Not a silent success: of two publishes of one draft, exactly one succeeds, whichever order they commit in.
                throw new WorkflowConflictException(WorkflowConflictException.AlreadyPublished, $"Workflow \"{definitionId}\" v{target.Version} is already published.");
            }

            await PublishCoreAsync(db, target, cancellationToken);
            return await ReloadAsync(db, target.Id, cancellationToken);
        }, cancellationToken);

    /// <summary>Retires the published version and removes the definition's triggers and schedules: nothing starts it any more.</summary>
    /// <exception cref="WorkflowNotFoundException">No such definition.</exception>
    /// <exception cref="WorkflowConflictException"><c>NOT_PUBLISHED</c>: no version is published; <c>CONFLICT</c>: a concurrent change.</exception>
    public async Task<WorkflowDefinitionRecord> RetractAsync(Guid orgId, string definitionId, CancellationToken cancellationToken = default) =>
        await InTransactionAsync(async db =>
        {
            var latest = await FindAsync(db.Definitions.AsNoTracking(), orgId, definitionId, null, cancellationToken);
            var published = await db.Definitions.AsNoTracking()
                .FirstOrDefaultAsync(d => d.OrgId == orgId && d.DefinitionId == definitionId && d.Status == DefinitionStatus.Published, cancellationToken)
                ?? throw new WorkflowConflictException(WorkflowConflictException.NotPublished, $"Workflow \"{definitionId}\" has no published version (latest is v{latest.Version}, {latest.Status.ToString().ToLowerInvariant()}).");

            var now = time.GetUtcNow();
            var retired = await db.Definitions
                .Where(d => d.Id == published.Id && d.Status == DefinitionStatus.Published)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(d => d.Status, DefinitionStatus.Retired)
                    .SetProperty(d => d.RetiredAt, now)
                    .SetProperty(d => d.UpdatedAt, now), cancellationToken);
            if (retired == 0)
            {
                throw ConcurrentChange(definitionId);
            }

            await DeleteTriggersAsync(db, orgId, definitionId, cancellationToken);
            return await ReloadAsync(db, published.Id, cancellationToken);
        }, cancellationToken);

    /// <summary>Copies version <paramref name="version"/> into a new latest draft (the current latest, even a draft, is kept as history).</summary>
    /// <exception cref="WorkflowNotFoundException">No such definition or version.</exception>
    /// <exception cref="WorkflowDefinitionInvalidException">The old version does not validate any more (e.g. an activity type was removed).</exception>
    public async Task<WorkflowDefinitionRecord> RevertAsync(Guid orgId, string definitionId, int version, string? createdBy, CancellationToken cancellationToken = default) =>
        await InTransactionAsync(async db =>
        {
            var source = await FindAsync(db.Definitions.AsNoTracking(), orgId, definitionId, version, cancellationToken);
            var document = ParseValid(source.ContentJson, definitionId);
            return await AddVersionAsync(db, orgId, document, createdBy, cancellationToken);
        }, cancellationToken);

    /// <summary>
    /// Deletes every version, its triggers and schedules, and the finished, faulted and cancelled instances that ran on
    /// them (with their journal, bookmarks, incidents, outbox and work items): instances reference their version, and a
    /// deleted definition cannot be retried or inspected anyway. Refused while an instance is running or suspended.
    /// </summary>
    /// <returns>The number of versions deleted.</returns>
    /// <exception cref="WorkflowNotFoundException">No such definition.</exception>
    /// <exception cref="WorkflowConflictException"><c>HAS_INSTANCES</c>: instances are running or suspended on it.</exception>
    public async Task<int> DeleteAsync(Guid orgId, string definitionId, CancellationToken cancellationToken = default)
    {
        try
        {
            return await InTransactionAsync(async db =>
            {
                var versions = await db.Definitions.Where(d => d.OrgId == orgId && d.DefinitionId == definitionId).CountAsync(cancellationToken);
                if (versions == 0)
                {
                    throw NotFound(definitionId, null);
                }

                var instances = db.Instances.Where(i => i.OrgId == orgId && i.DefinitionId == definitionId);
                var active = await instances.CountAsync(i => i.Status == InstanceStatus.Running || i.Status == InstanceStatus.Suspended, cancellationToken);
                if (active > 0)
                {
                    throw HasInstances(definitionId, active);
                }

                var ids = instances.Select(i => i.Id);
                await db.Journal.Where(j => ids.Contains(j.InstanceId)).ExecuteDeleteAsync(cancellationToken);
                await db.Incidents.Where(i => ids.Contains(i.InstanceId)).ExecuteDeleteAsync(cancellationToken);
                await db.Outbox.Where(o => ids.Contains(o.InstanceId)).ExecuteDeleteAsync(cancellationToken);
                await db.WorkItems.Where(w => w.InstanceId != null && ids.Contains(w.InstanceId.Value)).ExecuteDeleteAsync(cancellationToken);
                await db.ProcessedStimuli.Where(p => ids.Contains(p.InstanceId)).ExecuteDeleteAsync(cancellationToken);
                await db.Bookmarks.Where(b => ids.Contains(b.InstanceId)).ExecuteDeleteAsync(cancellationToken);
                await instances.ExecuteDeleteAsync(cancellationToken);
                await DeleteTriggersAsync(db, orgId, definitionId, cancellationToken);
                return await db.Definitions.Where(d => d.OrgId == orgId && d.DefinitionId == definitionId).ExecuteDeleteAsync(cancellationToken);
            }, cancellationToken);
        }
        catch (Exception ex) when (DatabaseErrors.IsForeignKeyViolation(ex))
        {
            // An instance started between the check and the delete still references a version (Restrict).
            throw HasInstances(definitionId, 1);
        }
    }

    // ------------------------------------------------------------------------------------------------ export/import

    /// <summary>One version (the latest when not given) as an indented "wf/1" JSON file named <c>&lt;definitionId&gt;.json</c>.</summary>
    /// <exception cref="WorkflowNotFoundException">No such definition or version.</exception>
    public async Task<WorkflowExportFile> ExportAsync(Guid orgId, string definitionId, int? version = null, CancellationToken cancellationToken = default)
    {
        var record = await GetAsync(orgId, definitionId, version, cancellationToken);
        return new WorkflowExportFile($"{record.DefinitionId}.json", Encoding.UTF8.GetBytes(ExportJson(record)));
    }

    /// <summary>The latest version of the given definitions (all when none are given) as a zip with one <c>&lt;definitionId&gt;.json</c> each.</summary>
    /// <exception cref="WorkflowNotFoundException">One of the given definitions does not exist.</exception>
    public async Task<WorkflowExportFile> ExportZipAsync(Guid orgId, IReadOnlyCollection<string>? definitionIds, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var query = db.Definitions.AsNoTracking().Where(d => d.OrgId == orgId && d.IsLatest);
        if (definitionIds is { Count: > 0 })
        {
            query = query.Where(d => definitionIds.Contains(d.DefinitionId));
        }

        var records = await query.OrderBy(d => d.DefinitionId).ToListAsync(cancellationToken);
        var missing = definitionIds?.Except(records.Select(r => r.DefinitionId), StringComparer.Ordinal).FirstOrDefault();
        if (missing is not null)
        {
            throw NotFound(missing, null);
        }

        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var record in records)
            {
                var entry = zip.CreateEntry($"{record.DefinitionId}.json", CompressionLevel.Optimal);
                await using var stream = await entry.OpenAsync(cancellationToken);
                await stream.WriteAsync(Encoding.UTF8.GetBytes(ExportJson(record)), cancellationToken);
            }
        }

        return new WorkflowExportFile("workflows.zip", buffer.ToArray());
    }

    /// <summary>
    /// Imports "wf/1" JSON files and zips of them. Each definition becomes a new draft version (a new definition
    /// starts at v1), or is published too when <paramref name="publish"/> is set; a file with the same content as the
    /// latest stored version stores nothing. Each file is imported on its own (one transaction each) and reported;
    /// an invalid or refused file never stops the others and is never thrown.
    /// </summary>
    public async Task<IReadOnlyList<WorkflowImportResult>> ImportAsync(
        Guid orgId, IEnumerable<WorkflowImportFile> files, bool publish, string? createdBy, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(files);
        var results = new List<WorkflowImportResult>();
        foreach (var file in files)
        {
            if (IsZip(file.Content))
            {
                foreach (var entry in ReadZip(file, results))
                {
                    results.Add(await ImportOneAsync(orgId, entry, publish, publishUnchanged: publish, createdBy, cancellationToken));
                }
            }
            else
            {
                results.Add(await ImportOneAsync(orgId, file, publish, publishUnchanged: publish, createdBy, cancellationToken));
            }
        }

        return results;
    }

    /// <summary>
    /// Imports one file. <paramref name="publishUnchanged"/>: whether an unchanged file still publishes the latest
    /// version when it is not published (import does; seeding leaves a stored definition alone).
    /// </summary>
    internal async Task<WorkflowImportResult> ImportOneAsync(
        Guid orgId, WorkflowImportFile file, bool publish, bool publishUnchanged, string? createdBy, CancellationToken cancellationToken)
    {
        string json;
        try
        {
            json = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(file.Content).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            return new WorkflowImportResult(file.Name, null, null, WorkflowImportOutcomes.Invalid, [new ValidationProblem(null, "$", "The file is not UTF-8 text.")]);
        }

        var parsed = WorkflowDefinitionSerializer.Parse(json);
        if (parsed.Document is not { } document)
        {
            return new WorkflowImportResult(file.Name, null, null, WorkflowImportOutcomes.Invalid, parsed.Problems);
        }

        var problems = Validate(document);
        if (problems.Any(p => p.Severity == ValidationSeverity.Error))
        {
            return new WorkflowImportResult(file.Name, document.DefinitionId, null, WorkflowImportOutcomes.Invalid, problems);
        }

        try
        {
            return await InTransactionAsync(async db =>
            {
                var latest = await db.Definitions.AsNoTracking()
                    .FirstOrDefaultAsync(d => d.OrgId == orgId && d.DefinitionId == document.DefinitionId && d.IsLatest, cancellationToken);
                if (latest is not null && WorkflowDefinitionHasher.ComputeHash(document with { Version = latest.Version }) == latest.ContentHash)
                {
                    if (publishUnchanged && latest.Status != DefinitionStatus.Published)
                    {
                        await PublishCoreAsync(db, latest, cancellationToken);
                        return new WorkflowImportResult(file.Name, document.DefinitionId, latest.Version, WorkflowImportOutcomes.Published, []);
                    }

                    return new WorkflowImportResult(file.Name, document.DefinitionId, latest.Version, WorkflowImportOutcomes.Unchanged, []);
                }

                var record = await AddVersionAsync(db, orgId, document, createdBy, cancellationToken);
                if (!publish)
                {
                    return new WorkflowImportResult(file.Name, document.DefinitionId, record.Version, WorkflowImportOutcomes.Draft, []);
                }

                await PublishCoreAsync(db, record, cancellationToken);
                return new WorkflowImportResult(file.Name, document.DefinitionId, record.Version, WorkflowImportOutcomes.Published, []);
            }, cancellationToken);
        }
        catch (WorkflowDefinitionInvalidException ex)
        {
            return new WorkflowImportResult(file.Name, document.DefinitionId, null, WorkflowImportOutcomes.Invalid, ex.Problems);
        }
        catch (WorkflowConflictException ex)
        {
            return new WorkflowImportResult(file.Name, document.DefinitionId, null, WorkflowImportOutcomes.Failed, [], $"{ex.Code}: {ex.Message}");
        }
    }

    // ------------------------------------------------------------------------------------------------------- core

    private WorkflowDefinitionDocument ParseValid(string json, string? routeDefinitionId)
    {
        ArgumentNullException.ThrowIfNull(json);
        var parsed = WorkflowDefinitionSerializer.Parse(json);
        if (parsed.Document is not { } document)
        {
            throw new WorkflowDefinitionInvalidException(parsed.Problems);
        }

        var problems = new List<ValidationProblem>(Validate(document));
        if (routeDefinitionId is not null && !string.Equals(document.DefinitionId, routeDefinitionId, StringComparison.Ordinal))
        {
            problems.Insert(0, new ValidationProblem(null, "definitionId", $"The body's definition id \"{document.DefinitionId}\" is not \"{routeDefinitionId}\" of the URL."));
        }

        return problems.Any(p => p.Severity == ValidationSeverity.Error) ? throw new WorkflowDefinitionInvalidException(problems) : document;
    }

    /// <summary>Adds version max+1 as the latest draft; the previous latest loses the flag first (one latest per definition, always).</summary>
    private async Task<WorkflowDefinitionRecord> AddVersionAsync(WorkflowDbContext db, Guid orgId, WorkflowDefinitionDocument document, string? createdBy, CancellationToken cancellationToken)
    {
        var definitionId = document.DefinitionId;
        var now = time.GetUtcNow();
        var previous = await db.Definitions.AsNoTracking()
            .Where(d => d.OrgId == orgId && d.DefinitionId == definitionId)
            .Select(d => (int?)d.Version)
            .MaxAsync(cancellationToken) ?? 0;
        if (previous > 0)
        {
            // Saved before the insert: inside one SaveChanges the order of an UPDATE and an INSERT is not guaranteed.
            await db.Definitions
                .Where(d => d.OrgId == orgId && d.DefinitionId == definitionId && d.IsLatest)
                .ExecuteUpdateAsync(s => s.SetProperty(d => d.IsLatest, false), cancellationToken);
        }

        var stored = document with { Version = previous + 1 };
        var record = new WorkflowDefinitionRecord
        {
            Id = Guid.CreateVersion7(now),
            OrgId = orgId,
            DefinitionId = definitionId,
            Version = stored.Version,
            Status = DefinitionStatus.Draft,
            IsLatest = true,
            Name = stored.Name,
            ContentJson = WorkflowDefinitionSerializer.Write(stored),
            ContentHash = WorkflowDefinitionHasher.ComputeHash(stored),
            CreatedAt = now,
            UpdatedAt = now,
            CreatedBy = createdBy,
        };
        db.Definitions.Add(record);
        await db.SaveChangesAsync(cancellationToken);
        db.Entry(record).State = EntityState.Detached;
        return record;
    }

    /// <summary>Publishes a stored version inside the caller's transaction (see <see cref="PublishAsync"/>).</summary>
    private async Task PublishCoreAsync(WorkflowDbContext db, WorkflowDefinitionRecord target, CancellationToken cancellationToken)
    {
        var parsed = WorkflowDefinitionSerializer.Parse(target.ContentJson);
        if (parsed.Document is not { } document)
        {
            throw new WorkflowDefinitionInvalidException(parsed.Problems);
        }

        var problems = Validate(document);
        // Validate compiles the document too: no error means the graph compiles.
        if (problems.Any(p => p.Severity == ValidationSeverity.Error))
        {
            throw new WorkflowDefinitionInvalidException(problems);
        }

        var orgId = target.OrgId;
        var definitionId = target.DefinitionId;
        await CheckRouteConflictsAsync(db, orgId, document, cancellationToken);

        var now = time.GetUtcNow();
        // Retire first: the partial unique index allows one published row per definition at every moment.
        await db.Definitions
            .Where(d => d.OrgId == orgId && d.DefinitionId == definitionId && d.Status == DefinitionStatus.Published && d.Id != target.Id)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DefinitionStatus.Retired)
                .SetProperty(d => d.RetiredAt, now)
                .SetProperty(d => d.UpdatedAt, now), cancellationToken);

        // Conditioned on the state and content read above: a concurrent publish or draft save makes this touch no row.
        var published = await db.Definitions
            .Where(d => d.Id == target.Id && d.Status != DefinitionStatus.Published && d.ContentHash == target.ContentHash)
            .ExecuteUpdateAsync(s => s
                .SetProperty(d => d.Status, DefinitionStatus.Published)
                .SetProperty(d => d.PublishedAt, now)
                .SetProperty(d => d.RetiredAt, (DateTimeOffset?)null)
                .SetProperty(d => d.UpdatedAt, now), cancellationToken);
        if (published == 0)
        {
            throw ConcurrentChange(definitionId);
        }

        await DeleteTriggersAsync(db, orgId, definitionId, cancellationToken);
        var (triggers, _) = WorkflowTriggerIndex.Build(document, now);
        foreach (var trigger in triggers)
        {
            var row = new WorkflowTriggerRecord
            {
                Id = Guid.CreateVersion7(now),
                OrgId = orgId,
                DefinitionId = definitionId,
                DefinitionVersionId = target.Id,
                NodeId = trigger.NodeId,
                Kind = trigger.Kind,
                Key = trigger.Key,
                KeyHash = trigger.KeyHash,
                PayloadJson = trigger.PayloadJson,
            };
            db.Triggers.Add(row);
            if (trigger.Schedule is { } schedule)
            {
                db.Schedules.Add(new WorkflowScheduleRecord
                {
                    Id = Guid.CreateVersion7(now),
                    OrgId = orgId,
                    TriggerId = row.Id,
                    DefinitionVersionId = target.Id,
                    Kind = schedule.Kind,
                    Expression = schedule.Expression,
                    TimeZone = schedule.TimeZone,
                    NextFireAt = schedule.NextFireAt,
                });
            }
        }

        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Refuses a definition whose HTTP routes (triggers and literal <c>http.endpoint</c> routes) another published
    /// workflow of the organisation already serves. Not serialised against a concurrent publish of another definition
    /// with the same route: publishing is rare and an administrator's act; the runtime picks the first match then.
    /// </summary>
    private async Task CheckRouteConflictsAsync(WorkflowDbContext db, Guid orgId, WorkflowDefinitionDocument document, CancellationToken cancellationToken)
    {
        var mine = WorkflowTriggerIndex.HttpRoutes(document, activities);
        if (mine.Count == 0)
        {
            return;
        }

        var definitionId = document.DefinitionId;
        var hashes = mine.Select(RouteKeys.Hash).ToList();
        var taken = await db.Triggers.AsNoTracking()
            .Where(t => t.OrgId == orgId && t.Kind == TriggerKinds.Http && t.DefinitionId != definitionId && hashes.Contains(t.KeyHash))
            .Select(t => new { t.Key, t.DefinitionId })
            .FirstOrDefaultAsync(cancellationToken);
        if (taken is not null)
        {
            throw RouteConflict(taken.Key, taken.DefinitionId);
        }

        // Routes of http.endpoint nodes are not triggers: read them from the published definitions that have such nodes.
        var endpointMarker = $"\"{WorkflowTriggerIndex.HttpEndpointActivityType}\"";
        var others = await db.Definitions.AsNoTracking()
            .Where(d => d.OrgId == orgId && d.Status == DefinitionStatus.Published && d.DefinitionId != definitionId && d.ContentJson.Contains(endpointMarker))
            .Select(d => new { d.DefinitionId, d.ContentJson })
            .ToListAsync(cancellationToken);
        foreach (var other in others)
        {
            if (WorkflowDefinitionSerializer.Parse(other.ContentJson).Document is { } otherDocument
                && WorkflowTriggerIndex.HttpRoutes(otherDocument, activities).FirstOrDefault(mine.Contains) is { } route)
            {
                throw RouteConflict(route, other.DefinitionId);
            }
        }
    }

    private static async Task DeleteTriggersAsync(WorkflowDbContext db, Guid orgId, string definitionId, CancellationToken cancellationToken)
    {
        // Schedules first and explicitly: the cascade of the foreign key is the database's, and both deletes are set-based.
        var triggers = db.Triggers.Where(t => t.OrgId == orgId && t.DefinitionId == definitionId);
        var triggerIds = triggers.Select(t => t.Id);
        await db.Schedules.Where(s => s.OrgId == orgId && triggerIds.Contains(s.TriggerId)).ExecuteDeleteAsync(cancellationToken);
        await triggers.ExecuteDeleteAsync(cancellationToken);
    }

    private async Task<T> InTransactionAsync<T>(Func<WorkflowDbContext, Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            var result = await work(db);
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        catch (Exception ex) when (DatabaseErrors.IsConcurrencyFailure(ex))
        {
            throw new WorkflowConflictException(WorkflowConflictException.Concurrent,
                "The workflow definition was changed by a concurrent request; reload it and try again.");
        }
    }

    private static async Task<WorkflowDefinitionRecord> FindAsync(
        IQueryable<WorkflowDefinitionRecord> definitions, Guid orgId, string definitionId, int? version, CancellationToken cancellationToken)
    {
        var query = definitions.Where(d => d.OrgId == orgId && d.DefinitionId == definitionId);
        query = version is { } v ? query.Where(d => d.Version == v) : query.Where(d => d.IsLatest);
        return await query.FirstOrDefaultAsync(cancellationToken) ?? throw NotFound(definitionId, version);
    }

    private static async Task<WorkflowDefinitionRecord> ReloadAsync(WorkflowDbContext db, Guid id, CancellationToken cancellationToken) =>
        await db.Definitions.AsNoTracking().FirstAsync(d => d.Id == id, cancellationToken);

    private static string ExportJson(WorkflowDefinitionRecord record)
    {
        var parsed = WorkflowDefinitionSerializer.Parse(record.ContentJson);
        // Stored content was written by the serializer; should it ever not parse, export it as stored rather than fail.
        return parsed.Document is { } document ? WorkflowDefinitionSerializer.Write(document, indented: true) : record.ContentJson;
    }

    private static bool IsZip(byte[] content) =>
        content.Length >= 4 && content[0] == 'P' && content[1] == 'K' && content[2] == 3 && content[3] == 4;

    private static List<WorkflowImportFile> ReadZip(WorkflowImportFile file, List<WorkflowImportResult> results)
    {
        var entries = new List<WorkflowImportFile>();
        try
        {
            using var zip = new ZipArchive(new MemoryStream(file.Content), ZipArchiveMode.Read);
            long total = 0;
            foreach (var entry in zip.Entries.Where(e => !e.FullName.EndsWith('/')).OrderBy(e => e.FullName, StringComparer.Ordinal))
            {
                var name = $"{file.Name}/{entry.FullName}";
                if (!entry.FullName.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
                {
                    results.Add(new WorkflowImportResult(name, null, null, WorkflowImportOutcomes.Skipped, [], "Only .json entries are imported."));
                    continue;
                }

                if (entries.Count >= MaxZipEntries)
                {
                    results.Add(new WorkflowImportResult(name, null, null, WorkflowImportOutcomes.Failed, [], $"A zip may hold at most {MaxZipEntries} definitions."));
                    continue;
                }

                // The declared length can lie: read at most one byte more than allowed and judge by what came out.
                using var stream = entry.Open();
                using var content = new MemoryStream();
                var buffer = new byte[81920];
                int read;
                while ((read = stream.Read(buffer, 0, buffer.Length)) > 0 && content.Length <= MaxZipEntryBytes)
                {
                    content.Write(buffer, 0, read);
                }

                total += content.Length;
                if (content.Length > MaxZipEntryBytes || total > MaxZipTotalBytes)
                {
                    results.Add(new WorkflowImportResult(name, null, null, WorkflowImportOutcomes.Failed, [], "The entry (or the zip) is too large once uncompressed."));
                    continue;
                }

                entries.Add(new WorkflowImportFile(name, content.ToArray()));
            }
        }
        catch (InvalidDataException ex)
        {
            results.Add(new WorkflowImportResult(file.Name, null, null, WorkflowImportOutcomes.Invalid, [new ValidationProblem(null, "$", $"The zip cannot be read: {ex.Message}")]));
        }

        return entries;
    }


    private static WorkflowNotFoundException NotFound(string definitionId, int? version) =>
        new(version is { } v ? $"Workflow \"{definitionId}\" has no version {v}." : $"Workflow \"{definitionId}\" does not exist.");

    private static WorkflowConflictException ConcurrentChange(string definitionId) =>
        new(WorkflowConflictException.Concurrent, $"Workflow \"{definitionId}\" was changed by a concurrent request; reload it and try again.");

    private static WorkflowConflictException HasInstances(string definitionId, int count) =>
        new(WorkflowConflictException.HasInstances, $"Workflow \"{definitionId}\" has {count} running or suspended instance(s); cancel them or let them finish first.");

    private static WorkflowConflictException RouteConflict(string route, string otherDefinitionId) =>
        new(WorkflowConflictException.RouteConflict, $"The route {route} is already served by the published workflow \"{otherDefinitionId}\".");
}
