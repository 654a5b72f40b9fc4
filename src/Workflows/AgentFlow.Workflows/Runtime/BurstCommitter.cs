using System.Text.Json.Nodes;
using AgentFlow.Workflows.Persistence;
using Microsoft.EntityFrameworkCore;

namespace AgentFlow.Workflows.Runtime;

/// <summary>What a commit does besides writing the burst itself.</summary>
/// <param name="ClaimedWorkItemId">The work item the burst ran for; deleted in the same transaction.</param>
/// <param name="StimulusId">The applied stimulus, remembered so a redelivery is a no-op.</param>
/// <param name="ResolveIncidents">Resolves the instance's open incidents (a manual retry).</param>
public sealed record CommitExtras(Guid? ClaimedWorkItemId = null, string? StimulusId = null, bool ResolveIncidents = false);

/// <summary>
/// Writes a burst in ONE transaction: the fenced instance update (<c>row_version</c> must still be the one read),
/// bookmark delta, journal, outbox, incidents, processed stimulus and follow-up work items. Either all of it
/// lands or none of it does.
/// </summary>
public sealed class BurstCommitter(WorkflowNode node, TimeProvider clock)
{
    /// <summary>Inserts a new instance with its first burst. False when the start idempotency key already has an instance.</summary>
    public async Task<bool> InsertAsync(WorkflowDbContext db, WorkflowInstanceRecord instance, BurstResult result, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        instance.RowVersion = 1;
        instance.StateJson = result.State.Serialize();
        instance.Status = result.Status;
        instance.SubStatus = result.SubStatus;
        instance.IncidentCount = result.Incidents.Count;
        instance.CreatedAt = instance.UpdatedAt = now;
        instance.FinishedAt = result.IsFinal && result.Status != InstanceStatus.Faulted ? now : null;
        db.Instances.Add(instance);
        AddRows(db, instance, result, 1, now);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return true;
        }
        catch (DbUpdateException ex) when (instance.StartIdempotencyKey is not null && DatabaseErrors.IsUniqueViolation(ex))
        {
            db.ChangeTracker.Clear();
            var exists = await db.Instances.AnyAsync(i => i.OrgId == instance.OrgId && i.StartIdempotencyKey == instance.StartIdempotencyKey, cancellationToken);
            if (exists)
            {
                return false;
            }

            throw;
        }
    }

    /// <summary>Commits a burst of an existing instance. False when another node committed first (the row version moved): nothing was written.</summary>
    public async Task<bool> CommitAsync(WorkflowDbContext db, WorkflowInstanceRecord instance, BurstResult result, CommitExtras extras, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var expected = instance.RowVersion;
        var next = expected + 1;
        var state = result.State.Serialize();
        var status = result.Status;
        var subStatus = result.SubStatus;
        var finishedAt = result.IsFinal && result.Status != InstanceStatus.Faulted ? now : (DateTimeOffset?)null;
        var incidents = result.Incidents.Count;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var updated = await db.Instances
            .Where(i => i.Id == instance.Id && i.RowVersion == expected)
            .ExecuteUpdateAsync(
                s =>
                {
                    s.SetProperty(i => i.StateJson, state)
                        .SetProperty(i => i.Status, status)
                        .SetProperty(i => i.SubStatus, subStatus)
                        .SetProperty(i => i.UpdatedAt, now)
                        .SetProperty(i => i.FinishedAt, finishedAt)
                        .SetProperty(i => i.RowVersion, next)
                        .SetProperty(i => i.LeaseOwner, (string?)null)
                        .SetProperty(i => i.LeaseUntil, (DateTimeOffset?)null);
                    if (extras.ResolveIncidents)
                    {
                        s.SetProperty(i => i.IncidentCount, incidents);
                    }
                    else if (incidents > 0)
                    {
                        s.SetProperty(i => i.IncidentCount, i => i.IncidentCount + incidents);
                    }
                },
                cancellationToken);
        if (updated == 0)
        {
            await transaction.RollbackAsync(cancellationToken);
            return false;
        }

        if (result.DeletedBookmarks.Count > 0)
        {
            var deleted = result.DeletedBookmarks;
            await db.Bookmarks.Where(b => deleted.Contains(b.Id)).ExecuteDeleteAsync(cancellationToken);
        }

        if (extras.ResolveIncidents)
        {
            await db.Incidents.Where(i => i.InstanceId == instance.Id && i.ResolvedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(i => i.ResolvedAt, now), cancellationToken);
        }

        if (extras.ClaimedWorkItemId is { } itemId)
        {
            await db.WorkItems.Where(w => w.Id == itemId).ExecuteDeleteAsync(cancellationToken);
        }

        if (extras.StimulusId is { } stimulusId)
        {
            db.ProcessedStimuli.Add(new ProcessedStimulusRecord { InstanceId = instance.Id, StimulusId = stimulusId, ProcessedAt = now });
        }

        AddRows(db, instance, result, next, now);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        instance.RowVersion = next;
        instance.Status = status;
        return true;
    }

    private void AddRows(WorkflowDbContext db, WorkflowInstanceRecord instance, BurstResult result, long burst, DateTimeOffset now)
    {
        foreach (var b in result.NewBookmarks)
        {
            db.Bookmarks.Add(new BookmarkRecord
            {
                Id = b.Id, OrgId = instance.OrgId, InstanceId = instance.Id, TokenId = b.TokenId, NodeId = b.NodeId,
                Kind = b.Kind, Key = b.Key, KeyHash = RouteKeys.Hash(b.Key), PayloadJson = b.Payload?.ToJsonString(),
                DueAt = b.DueAt, CreatedAt = now,
            });
        }

        foreach (var j in result.Journal)
        {
            db.Journal.Add(new JournalRecord
            {
                InstanceId = instance.Id, Seq = j.Seq, OrgId = instance.OrgId, At = j.At, NodeId = j.NodeId, TokenId = j.TokenId,
                Event = j.Event, DataJson = j.Data?.ToJsonString(), Burst = burst, Worker = node.Name,
            });
        }

        foreach (var message in result.Outbox)
        {
            db.Outbox.Add(new OutboxRecord
            {
                Id = Guid.CreateVersion7(), OrgId = instance.OrgId, InstanceId = instance.Id, Kind = message.Kind,
                PayloadJson = message.Payload?.ToJsonString() ?? "{}", CreatedAt = now, NextAttemptAt = now,
            });
        }

        foreach (var incident in result.Incidents)
        {
            db.Incidents.Add(new IncidentRecord
            {
                Id = incident.Id, OrgId = instance.OrgId, InstanceId = instance.Id, NodeId = incident.NodeId, TokenId = incident.TokenId,
                At = incident.At, Message = Truncate(incident.Message, 2000), Attempt = incident.Attempt,
            });
        }

        if (result.NeedsContinue)
        {
            db.WorkItems.Add(new WorkItemRecord
            {
                Id = Guid.CreateVersion7(), OrgId = instance.OrgId, Kind = WorkItemKinds.Continue, InstanceId = instance.Id,
                IdempotencyKey = $"continue:{instance.Id:N}:{burst}", AvailableAt = now, CreatedAt = now,
            });
        }

        if (result.IsFinal && result.State.Parent is { } parent)
        {
            // The parent learns of the child's end in the child's own commit: it cannot be lost in between.
            var payload = new JsonObject
            {
                ["kind"] = BookmarkKinds.Of(Activities.WaitKind.Child),
                ["key"] = parent.Key,
                ["stimulusId"] = $"child:{instance.Id:N}",
                ["payload"] = new JsonObject
                {
                    ["instanceId"] = instance.Id.ToString(),
                    ["status"] = result.Status.ToString(),
                    ["output"] = result.State.Output?.DeepClone(),
                    ["error"] = result.State.Error,
                },
            };
            db.WorkItems.Add(new WorkItemRecord
            {
                Id = Guid.CreateVersion7(), OrgId = instance.OrgId, Kind = WorkItemKinds.Resume, InstanceId = parent.InstanceId,
                PayloadJson = payload.ToJsonString(), IdempotencyKey = $"child:{instance.Id:N}:{result.Status}", AvailableAt = now, CreatedAt = now,
            });
        }
    }

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
