using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>
/// §13.5 test 10: version pinning. An instance keeps running the version it started on after a newer one is published;
/// new instances start on the published version; saving drafts never changes what running instances execute. The
/// instances are resumed after a restart, so what they run comes from the database, not from a warm cache.
/// </summary>
public abstract class VersionPinningTests(DatabaseProvider provider)
{
    /// <summary>start → wait "go" → mark (sets "version") → end; the version's mark is its fingerprint.</summary>
    private static string Versioned(string mark) => """
    {
      "schema": "wf/1", "definitionId": "pinned", "name": "Pinned",
      "variables": [{"name": "version", "type": "string"}],
      "outputs": [{"name": "version", "from": {"var": "version"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "go"}},
        {"id": "mark", "type": "core.set", "inputs": {"variable": "version", "value": "MARK"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "wait"}, {"from": "wait", "to": "mark"}, {"from": "mark", "to": "end"}]
    }
    """.Replace("MARK", mark, StringComparison.Ordinal);

    /// <summary>A draft that no longer has the "wait" node: an instance resumed on it could not continue at all.</summary>
    private const string DraftWithoutWait = """
    {
      "schema": "wf/1", "definitionId": "pinned", "name": "Pinned (draft)",
      "variables": [{"name": "version", "type": "string"}],
      "outputs": [{"name": "version", "from": {"var": "version"}}],
      "nodes": [
        {"id": "begin", "type": "core.start"},
        {"id": "stamp", "type": "core.set", "inputs": {"variable": "version", "value": "draft"}},
        {"id": "finish", "type": "core.end"}
      ],
      "edges": [{"from": "begin", "to": "stamp"}, {"from": "stamp", "to": "finish"}]
    }
    """;

    [Fact]
    public async Task PublishAsync_NewVersionAndDraftsWhileInstancesRun_RunningInstancesKeepTheirVersion()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        var v1 = await node.PublishAsync(Versioned("v1"));
        var onV1 = await node.StartAsync("pinned");

        var v2 = await node.PublishAsync(Versioned("v2"));
        var onV2 = await node.StartAsync("pinned");
        var draft = await node.Definitions.SaveDraftAsync(WorkflowCluster.OrgId, "pinned", Versioned("v3"), "tests");
        await node.Definitions.SaveDraftAsync(WorkflowCluster.OrgId, "pinned", DraftWithoutWait, "tests");
        var afterDraft = await node.StartAsync("pinned");

        Assert.Equal(1, v1.Version);
        Assert.Equal(2, v2.Version);
        Assert.Equal(3, draft.Version);
        Assert.Equal(v1.Id, (await cluster.InstanceAsync(onV1.InstanceId)).DefinitionVersionId);
        Assert.Equal(v2.Id, (await cluster.InstanceAsync(onV2.InstanceId)).DefinitionVersionId);
        Assert.Equal(v2.Id, (await cluster.InstanceAsync(afterDraft.InstanceId)).DefinitionVersionId);
        Assert.Equal(DefinitionStatus.Retired, (await node.Definitions.GetAsync(WorkflowCluster.OrgId, "pinned", 1)).Status);

        node = await cluster.RestartAsync(node);
        foreach (var instanceId in new[] { onV1.InstanceId, onV2.InstanceId, afterDraft.InstanceId })
        {
            await node.SignalAsync(instanceId, "go");
        }

        var finishedV1 = await cluster.WaitForStatusAsync(onV1.InstanceId, InstanceStatus.Finished);
        var finishedV2 = await cluster.WaitForStatusAsync(onV2.InstanceId, InstanceStatus.Finished);
        var finishedAfterDraft = await cluster.WaitForStatusAsync(afterDraft.InstanceId, InstanceStatus.Finished);
        Assert.Equal("v1", finishedV1.Output("version")!.GetValue<string>());
        Assert.Equal(1, finishedV1.DefinitionVersion);
        Assert.Equal("v2", finishedV2.Output("version")!.GetValue<string>());
        Assert.Equal(2, finishedV2.DefinitionVersion);
        Assert.Equal("v2", finishedAfterDraft.Output("version")!.GetValue<string>());
        Assert.Equal(v1.Id, finishedV1.DefinitionVersionId);
    }

    [Fact]
    public async Task StartAsync_AfterNewVersionPublished_UsesNewVersion()
    {
        await using var cluster = await WorkflowCluster.CreateAsync(provider);
        var node = await cluster.StartNodeAsync();
        await node.PublishAsync(Versioned("v1"));
        var onV1 = await node.StartAsync("pinned");

        var v2 = await node.PublishAsync(DraftWithoutWait);
        var onV2 = await node.StartAsync("pinned");

        // v2 has no wait: it runs to the end inline, while the v1 instance still waits on v1's "wait" node.
        Assert.Equal(InstanceStatus.Finished, onV2.Status);
        Assert.Equal("draft", onV2.Output!["version"]!.GetValue<string>());
        Assert.Equal(v2.Id, (await cluster.InstanceAsync(onV2.InstanceId)).DefinitionVersionId);
        Assert.Equal(InstanceStatus.Suspended, (await cluster.InstanceAsync(onV1.InstanceId)).Status);
        await node.SignalAsync(onV1.InstanceId, "go");
        var finished = await cluster.WaitForStatusAsync(onV1.InstanceId, InstanceStatus.Finished);
        Assert.Equal("v1", finished.Output("version")!.GetValue<string>());
    }
}

public sealed class SqliteVersionPinningTests() : VersionPinningTests(DatabaseProvider.Sqlite);

public sealed class PostgresVersionPinningTests() : VersionPinningTests(DatabaseProvider.Postgres);
