using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Runtime;

/// <summary>The runtime facade: starts run their first burst inline; stimuli are stored as work items before the call returns.</summary>
public sealed class WorkflowRuntime(
    IDbContextFactory<WorkflowDbContext> contexts,
    WorkflowGraphCache graphs,
    StepExecutor executor,
    BurstCommitter committer,
    InstanceBurstRunner runner,
    RuntimeSignals signals,
    TimeProvider clock,
    IOptions<WorkflowRuntimeOptions> options) : IWorkflowRuntime
{
    private readonly WorkflowRuntimeOptions _options = options.Value;

    public async Task<StartWorkflowResult> StartAsync(StartWorkflowRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        if (request.IdempotencyKey is { } key && await FindStartedAsync(db, request.OrgId, key, cancellationToken) is { } existing)
        {
            return existing;
        }

        // The version's identity only: its content comes from the graph cache unless this node has not compiled it yet.
        var versions = db.Definitions.AsNoTracking();
        var record = await (request.VersionId is { } versionId
                ? versions.Where(d => d.Id == versionId && d.OrgId == request.OrgId)
                : versions.Where(d => d.OrgId == request.OrgId && d.DefinitionId == request.DefinitionId && d.Status == DefinitionStatus.Published))
            .Select(d => new { d.Id, d.DefinitionId, d.Version, d.ContentHash })
            .FirstOrDefaultAsync(cancellationToken);
        if (record is null || !string.Equals(record.DefinitionId, request.DefinitionId, StringComparison.Ordinal))
        {
            throw new WorkflowNotFoundException(request.VersionId is null
                ? $"Workflow \"{request.DefinitionId}\" has no published version."
                : $"Workflow \"{request.DefinitionId}\" has no version {request.VersionId}.");
        }

        var graph = await graphs.GetAsync(db, record.Id, record.ContentHash, cancellationToken);
        var state = new InstanceState
        {
            Input = StartInput.Build(graph.Definition, request.Input),
            Vars = StartInput.InitialVariables(graph.Definition),
            Parent = request.Parent,
        };
        var startNode = request.StartNodeId
            ?? graph.StartNodes.FirstOrDefault(n => n.Type == WorkflowDefinitionValidatorTypes.Start)?.Id
            ?? graph.StartNodes[0].Id;
        if (!graph.Nodes.ContainsKey(startNode))
        {
            throw new WorkflowNotFoundException($"Workflow \"{record.DefinitionId}\" v{record.Version} has no node \"{startNode}\".");
        }

        var instance = new WorkflowInstanceRecord
        {
            Id = Guid.CreateVersion7(),
            OrgId = request.OrgId,
            DefinitionId = record.DefinitionId,
            DefinitionVersionId = record.Id,
            DefinitionVersion = record.Version,
            CorrelationId = request.CorrelationId,
            ParentInstanceId = request.Parent?.InstanceId,
            StartIdempotencyKey = request.IdempotencyKey,
        };
        var result = await executor.RunAsync(graph, instance.Id, state, new BurstTrigger.Start(startNode, request.TriggerEvent), cancellationToken);
        if (!await committer.InsertAsync(db, instance, result, cancellationToken))
        {
            return await FindStartedAsync(db, request.OrgId, request.IdempotencyKey!, cancellationToken)
                ?? throw new InvalidOperationException("A start with this idempotency key vanished.");
        }

        InstanceBurstRunner.AfterCommit(instance.Id, result, signals);
        return new StartWorkflowResult(instance.Id, result.Status, state.Output, result.HttpReply, Created: true);
    }

    public async Task<StimulusAccepted> DeliverAsync(Guid orgId, Guid instanceId, Stimulus stimulus, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stimulus);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var instance = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId && i.OrgId == orgId)
            .Select(i => new { i.Status, i.LeaseUntil }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new WorkflowNotFoundException($"Workflow instance {instanceId} does not exist.");

        var stimulusId = stimulus.IdempotencyKey is { Length: > 0 } k ? $"{stimulus.Kind}:{k}" : $"{stimulus.Kind}:{Guid.NewGuid():N}";
        var itemKey = $"stimulus:{instanceId:N}:{stimulusId}";
        if (stimulus.IdempotencyKey is not null)
        {
            var duplicate = await db.WorkItems.AsNoTracking().Where(w => w.IdempotencyKey == itemKey).Select(w => (Guid?)w.Id).FirstOrDefaultAsync(cancellationToken);
            if (duplicate is not null || await db.ProcessedStimuli.AnyAsync(p => p.InstanceId == instanceId && p.StimulusId == stimulusId, cancellationToken))
            {
                return new StimulusAccepted(duplicate ?? Guid.Empty, Retained: false, Duplicate: true);
            }
        }

        var hash = RouteKeys.Hash(stimulus.Key);
        var waiting = await db.Bookmarks.AnyAsync(b => b.InstanceId == instanceId && b.Kind == stimulus.Kind && b.KeyHash == hash, cancellationToken);
        var now = clock.GetUtcNow();
        if (!waiting && !await MayStillWaitAsync(db, instanceId, instance.Status, instance.LeaseUntil, now, cancellationToken))
        {
            throw new NoMatchingBookmarkException($"Instance {instanceId} is not waiting for {stimulus.Kind} \"{stimulus.Key}\".");
        }

        var item = ResumeItem(orgId, instanceId, stimulus.Kind, stimulus.Key, stimulus.Payload, stimulusId, itemKey, now);
        if (!await WorkItemStore.TryAddAsync(db, item, cancellationToken))
        {
            return new StimulusAccepted(Guid.Empty, Retained: false, Duplicate: true);
        }

        signals.NudgeWorkers();
        return new StimulusAccepted(item.Id, Retained: !waiting, Duplicate: false);
    }

    public async Task<EventAccepted> PublishEventAsync(Guid orgId, string name, JsonNode? payload, string? correlationId, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var hash = RouteKeys.Hash(name);
        List<WorkflowTriggerRecord> triggers;
        List<BookmarkRecord> bookmarks;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            triggers = await db.Triggers.AsNoTracking().Where(t => t.OrgId == orgId && t.Kind == "event" && t.KeyHash == hash).ToListAsync(cancellationToken);
            bookmarks = await db.Bookmarks.AsNoTracking().Where(b => b.OrgId == orgId && b.Kind == "event" && b.KeyHash == hash).ToListAsync(cancellationToken);
        }

        bookmarks = [.. bookmarks.Where(b => MatchesCorrelation(b, correlationId))];
        if (triggers.Count == 0 && bookmarks.Count == 0)
        {
            throw new NoMatchingBookmarkException($"No workflow is triggered by or waiting for the event \"{name}\".");
        }

        var eventId = idempotencyKey is { Length: > 0 } ? idempotencyKey : Guid.NewGuid().ToString("N");
        var started = new List<Guid>();
        var duplicates = 0;
        foreach (var trigger in triggers)
        {
            var result = await StartAsync(new StartWorkflowRequest
            {
                OrgId = orgId,
                DefinitionId = trigger.DefinitionId,
                VersionId = trigger.DefinitionVersionId,
                Input = payload as JsonObject is { } obj ? (JsonObject)obj.DeepClone() : null,
                CorrelationId = correlationId,
                IdempotencyKey = $"event:{eventId}:{trigger.Id:N}",
                StartNodeId = trigger.NodeId,
                TriggerEvent = new PendingResume("event", name, payload?.DeepClone()),
            }, cancellationToken);
            started.Add(result.InstanceId);
            duplicates += result.Created ? 0 : 1;
        }

        var resumed = 0;
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            var now = clock.GetUtcNow();
            foreach (var bookmark in bookmarks)
            {
                var stimulusId = $"event:{eventId}";
                var item = ResumeItem(orgId, bookmark.InstanceId, "event", name, payload, stimulusId, $"stimulus:{bookmark.InstanceId:N}:{stimulusId}:{bookmark.Id:N}", now);
                if (await WorkItemStore.TryAddAsync(db, item, cancellationToken))
                {
                    resumed++;
                }
                else
                {
                    duplicates++;
                }
            }
        }

        signals.NudgeWorkers();
        return new EventAccepted(started, resumed, Duplicate: duplicates > 0 && duplicates == triggers.Count + bookmarks.Count);
    }

    public Task<StimulusAccepted> CompleteJobAsync(Guid orgId, string jobRequestId, JsonNode? result, string? idempotencyKey, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(jobRequestId);
        var separator = jobRequestId.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0 || !Guid.TryParseExact(jobRequestId[..separator], "N", out var instanceId))
        {
            throw new NoMatchingBookmarkException($"\"{jobRequestId}\" is not a job request id of this runtime.");
        }

        return DeliverAsync(orgId, instanceId, new Stimulus("job", jobRequestId, result, idempotencyKey ?? $"job:{jobRequestId}"), cancellationToken);
    }

    public async Task<HttpTriggerResult> HandleHttpAsync(Guid orgId, HttpTriggerRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        List<WorkflowTriggerRecord> triggers;
        List<BookmarkRecord> waits;
        var prefix = request.Method.ToUpperInvariant() + " ";
        await using (var db = await contexts.CreateDbContextAsync(cancellationToken))
        {
            triggers = await db.Triggers.AsNoTracking().Where(t => t.OrgId == orgId && t.Kind == "http" && t.Key.StartsWith(prefix)).ToListAsync(cancellationToken);
            // Waits are loaded even when triggers exist: a workflow started on one route often waits on another.
            waits = await db.Bookmarks.AsNoTracking()
                .Where(b => b.OrgId == orgId && b.Kind == "http" && b.Key.StartsWith(prefix)).ToListAsync(cancellationToken);
        }

        foreach (var trigger in triggers)
        {
            if (HttpRouteMatcher.Match(trigger.Key, request.Method, request.Path) is { } routeValues)
            {
                var started = await StartAsync(new StartWorkflowRequest
                {
                    OrgId = orgId,
                    DefinitionId = trigger.DefinitionId,
                    VersionId = trigger.DefinitionVersionId,
                    Input = request.Body is JsonObject body ? (JsonObject)body.DeepClone() : null,
                    CorrelationId = request.CorrelationId,
                    StartNodeId = trigger.NodeId,
                    TriggerEvent = new PendingResume("http", trigger.Key, RequestPayload(request, routeValues)),
                }, cancellationToken);
                return new HttpTriggerResult(started.InstanceId, Started: true, started.Status, started.HttpReply);
            }
        }

        var candidates = new List<(BookmarkRecord Bookmark, JsonObject RouteValues)>();
        foreach (var wait in waits)
        {
            if (HttpRouteMatcher.Match(wait.Key, request.Method, request.Path) is { } values)
            {
                candidates.Add((wait, values));
            }
        }

        if (candidates.Count > 1 && request.CorrelationId is { } correlationId)
        {
            var ids = candidates.Select(c => c.Bookmark.InstanceId).ToList();
            await using var db = await contexts.CreateDbContextAsync(cancellationToken);
            var matching = await db.Instances.AsNoTracking().Where(i => ids.Contains(i.Id) && i.CorrelationId == correlationId).Select(i => i.Id).ToListAsync(cancellationToken);
            candidates = [.. candidates.Where(c => matching.Contains(c.Bookmark.InstanceId))];
        }

        if (candidates.Count == 0)
        {
            throw new NoMatchingBookmarkException($"No workflow answers {request.Method.ToUpperInvariant()} {request.Path}.");
        }

        if (candidates.Select(c => c.Bookmark.InstanceId).Distinct().Count() > 1)
        {
            throw new WorkflowStateException($"Several instances wait on {request.Method.ToUpperInvariant()} {request.Path}; send the instance's correlation id in the X-Correlation-Id header.");
        }

        var (target, route) = candidates[0];
        var payload = RequestPayload(request, route);
        var run = await runner.RunAsync(target.InstanceId, async (db, instance, ct) =>
        {
            var bookmark = await db.Bookmarks.AsNoTracking().FirstOrDefaultAsync(b => b.Id == target.Id, ct);
            return bookmark is null ? TriggerSelection.NoOp : TriggerSelection.Run(new BurstTrigger.ResumeBookmark(bookmark, payload), new CommitExtras());
        }, cancellationToken);
        return run.Outcome switch
        {
            BurstRunOutcome.Committed => new HttpTriggerResult(target.InstanceId, Started: false, run.Result!.Status, run.Result.HttpReply),
            BurstRunOutcome.LeaseBusy or BurstRunOutcome.Fenced => await QueueHttpResumeAsync(orgId, target, payload, cancellationToken),
            _ => throw new NoMatchingBookmarkException($"No workflow answers {request.Method.ToUpperInvariant()} {request.Path}."),
        };
    }

    public async Task CancelAsync(Guid orgId, Guid instanceId, string reason, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var status = await StatusOfAsync(db, orgId, instanceId, cancellationToken);
        if (status is InstanceStatus.Finished or InstanceStatus.Cancelled)
        {
            throw new WorkflowStateException($"Instance {instanceId} is {status} and cannot be cancelled.");
        }

        var now = clock.GetUtcNow();
        await WorkItemStore.TryAddAsync(db, new WorkItemRecord
        {
            Id = Guid.CreateVersion7(), OrgId = orgId, Kind = WorkItemKinds.Cancel, InstanceId = instanceId,
            PayloadJson = new JsonObject { ["reason"] = reason }.ToJsonString(),
            IdempotencyKey = $"cancel:{instanceId:N}", AvailableAt = now, CreatedAt = now,
        }, cancellationToken);
        signals.NudgeWorkers();
    }

    public async Task RetryAsync(Guid orgId, Guid instanceId, CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var status = await StatusOfAsync(db, orgId, instanceId, cancellationToken);
        if (status != InstanceStatus.Faulted)
        {
            throw new WorkflowStateException($"Instance {instanceId} is {status}; only a faulted instance can be retried.");
        }

        var now = clock.GetUtcNow();
        var version = await db.Instances.Where(i => i.Id == instanceId).Select(i => i.RowVersion).FirstAsync(cancellationToken);
        await WorkItemStore.TryAddAsync(db, new WorkItemRecord
        {
            Id = Guid.CreateVersion7(), OrgId = orgId, Kind = WorkItemKinds.Retry, InstanceId = instanceId,
            IdempotencyKey = $"retry:{instanceId:N}:{version}", AvailableAt = now, CreatedAt = now,
        }, cancellationToken);
        signals.NudgeWorkers();
    }

    public async Task<InstanceStatus> WaitForIdleAsync(Guid instanceId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        InstanceStatus status = InstanceStatus.Running;
        try
        {
            while (true)
            {
                var idle = signals.WhenIdle(instanceId);
                await using (var db = await contexts.CreateDbContextAsync(timeoutSource.Token))
                {
                    status = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId).Select(i => i.Status).FirstOrDefaultAsync(timeoutSource.Token);
                    var pending = await db.WorkItems.AnyAsync(w => w.InstanceId == instanceId && w.DeadLetteredAt == null, timeoutSource.Token);
                    if (status != InstanceStatus.Running && !pending)
                    {
                        return status;
                    }
                }

                // Another node may commit it: do not rely on this node's signal alone.
                await Task.WhenAny(idle, Task.Delay(TimeSpan.FromMilliseconds(200), timeoutSource.Token));
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return status;
        }
    }

    private async Task<HttpTriggerResult> QueueHttpResumeAsync(Guid orgId, BookmarkRecord target, JsonObject payload, CancellationToken cancellationToken)
    {
        // Another node holds the instance: queue the resume; this request answers 202 without the burst's reply.
        await DeliverAsync(orgId, target.InstanceId, new Stimulus("http", target.Key, payload, null), cancellationToken);
        return new HttpTriggerResult(target.InstanceId, Started: false, InstanceStatus.Running, null);
    }

    // Only an instance that is running or about to run a burst (leased, or with queued work) may still create the
    // bookmark a stimulus is looking for: then the stimulus is kept for its time to live instead of refused.
    private static async Task<bool> MayStillWaitAsync(
        WorkflowDbContext db, Guid instanceId, InstanceStatus status, DateTimeOffset? leaseUntil, DateTimeOffset now, CancellationToken cancellationToken) =>
        status == InstanceStatus.Running
        || (status is InstanceStatus.Suspended or InstanceStatus.Faulted
            && (leaseUntil > now || await db.WorkItems.AnyAsync(w => w.InstanceId == instanceId && w.DeadLetteredAt == null && w.Kind != WorkItemKinds.Resume, cancellationToken)));

    private static async Task<InstanceStatus> StatusOfAsync(WorkflowDbContext db, Guid orgId, Guid instanceId, CancellationToken cancellationToken)
    {
        var status = await db.Instances.AsNoTracking().Where(i => i.Id == instanceId && i.OrgId == orgId).Select(i => (InstanceStatus?)i.Status).FirstOrDefaultAsync(cancellationToken);
        return status ?? throw new WorkflowNotFoundException($"Workflow instance {instanceId} does not exist.");
    }

    private WorkItemRecord ResumeItem(Guid orgId, Guid instanceId, string kind, string key, JsonNode? payload, string stimulusId, string itemKey, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(),
        OrgId = orgId,
        Kind = WorkItemKinds.Resume,
        InstanceId = instanceId,
        PayloadJson = new JsonObject { ["kind"] = kind, ["key"] = key, ["payload"] = payload?.DeepClone(), ["stimulusId"] = stimulusId }.ToJsonString(),
        IdempotencyKey = itemKey,
        AvailableAt = now,
        ExpiresAt = now + _options.StimulusTimeToLive,
        CreatedAt = now,
    };

    private static async Task<StartWorkflowResult?> FindStartedAsync(WorkflowDbContext db, Guid orgId, string key, CancellationToken cancellationToken)
    {
        var found = await db.Instances.AsNoTracking().Where(i => i.OrgId == orgId && i.StartIdempotencyKey == key)
            .Select(i => new { i.Id, i.Status, i.StateJson }).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : new StartWorkflowResult(found.Id, found.Status, InstanceState.Deserialize(found.StateJson).Output, null, Created: false);
    }

    private static bool MatchesCorrelation(BookmarkRecord bookmark, string? correlationId)
    {
        if (bookmark.PayloadJson is null)
        {
            return true;
        }

        var wanted = JsonNode.Parse(bookmark.PayloadJson)?["correlationId"]?.GetValue<string>();
        return string.IsNullOrEmpty(wanted) || string.Equals(wanted, correlationId, StringComparison.Ordinal);
    }

    private static JsonObject RequestPayload(HttpTriggerRequest request, JsonObject routeValues) => new()
    {
        ["method"] = request.Method.ToUpperInvariant(),
        ["path"] = request.Path,
        ["routeValues"] = routeValues,
        ["query"] = request.Query.DeepClone(),
        ["headers"] = request.Headers.DeepClone(),
        ["body"] = request.Body?.DeepClone(),
    };
}

/// <summary>Builds the input and initial variables of a new instance from the declarations.</summary>
internal static class StartInput
{
    public static JsonObject Build(WorkflowDefinitionDocument definition, JsonObject? given)
    {
        var input = given is null ? [] : (JsonObject)given.DeepClone();
        var errors = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var declared in definition.Inputs)
        {
            if (input.TryGetPropertyValue(declared.Name, out var value) && value is not null)
            {
                if (!Matches(value, declared.Type))
                {
                    errors[$"input.{declared.Name}"] = $"must be of type {declared.Type.ToString().ToLowerInvariant()}";
                }
            }
            else
            {
                input[declared.Name] = declared.Default is { ValueKind: not JsonValueKind.Null } d ? JsonNode.Parse(d.GetRawText()) : null;
            }
        }

        return errors.Count == 0 ? input : throw new WorkflowInputException("The workflow input is invalid.", errors);
    }

    public static JsonObject InitialVariables(WorkflowDefinitionDocument definition)
    {
        var vars = new JsonObject();
        foreach (var declared in definition.Variables)
        {
            vars[declared.Name] = declared.Default is { ValueKind: not JsonValueKind.Null } d ? JsonNode.Parse(d.GetRawText()) : null;
        }

        return vars;
    }

    private static bool Matches(JsonNode value, JsonValueType type) => type switch
    {
        JsonValueType.String => value.GetValueKind() == JsonValueKind.String,
        JsonValueType.Number => value.GetValueKind() == JsonValueKind.Number,
        JsonValueType.Boolean => value.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
        JsonValueType.Object => value.GetValueKind() == JsonValueKind.Object,
        JsonValueType.Array => value.GetValueKind() == JsonValueKind.Array,
        _ => true,
    };
}

internal static class WorkflowDefinitionValidatorTypes
{
    public const string Start = Validation.WorkflowDefinitionValidator.StartActivityType;
}
