using System.Text.Json.Nodes;
using AgentFlow.Engine.Persistence;
using AgentFlow.Host.Tests.Workflows.Infrastructure;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;

namespace AgentFlow.Host.Tests.Workflows.Acceptance;

/// <summary>Where, around each phase boundary, the host is restarted.</summary>
public enum DeployRestart
{
    /// <summary>While the phase's job runs (its request is dispatched and the instance waits): a clean restart.</summary>
    WhileJobRuns,

    /// <summary>Right after the job's result was accepted, whatever the host was doing with it: a crash mid-burst or mid-dispatch.</summary>
    AfterResultAccepted,
}

/// <summary>
/// §13.5 test 15: the deploy workflow of §13.2 (build → test → staging → approval gate → prod, with rollback), started by
/// the "git.push" event, driven by outbox jobs and job results, with a host restart at every phase boundary. A prod
/// failure takes the rollback path. The journal lists phases 1–5 once each.
/// </summary>
public abstract class DeployWorkflowTests(DatabaseProvider provider)
{
    /// <summary>§13.2's deploy workflow, verbatim but for the inline comments.</summary>
    private const string ServiceDeploy = """
    {
      "schema": "wf/1", "definitionId": "service-deploy", "version": 1, "name": "Deploy service",
      "inputs": [{"name": "service", "type": "string"}, {"name": "commit", "type": "string"}],
      "variables": [{"name": "artifact", "type": "string"}, {"name": "releaseId", "type": "string"}],
      "triggers": [{"node": "start", "kind": "event", "config": {"name": "git.push"}}],
      "defaults": {"retry": {"max": 3, "initial": "PT30S", "factor": 2, "on": "transient"}},
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "build", "type": "job.run", "phase": 1, "inputs": {"job": "build",
          "args": {"js": "({service: input.service, commit: input.commit})"}},
          "outputs": {"artifact": "artifact"}, "timeout": {"after": "PT30M", "outcome": "Failed"}},
        {"id": "test", "type": "job.run", "phase": 2, "retry": {"max": 1},
          "inputs": {"job": "test", "args": {"js": "({artifact: vars.artifact})"}}},
        {"id": "staging", "type": "job.run", "phase": 3,
          "inputs": {"job": "deploy", "args": {"js": "({env: 'staging', artifact: vars.artifact})"}}},
        {"id": "gate", "type": "human.approval", "phase": 4, "timeout": {"after": "P1D", "outcome": "TimedOut"},
          "inputs": {"assignee": "release-managers",
                     "subject": {"liquid": "Promote {{ input.service }}@{{ input.commit }} to prod?"}}},
        {"id": "prod", "type": "job.run", "phase": 5, "outputs": {"releaseId": "releaseId"},
          "inputs": {"job": "deploy", "args": {"js": "({env: 'prod', artifact: vars.artifact})"}}},
        {"id": "rollback", "type": "job.run", "inputs": {"job": "rollback", "args": {"js": "({releaseId: vars.releaseId})"}}},
        {"id": "ok", "type": "core.end", "inputs": {"result": "Succeeded"}},
        {"id": "failed", "type": "core.end", "inputs": {"result": "Failed"}}
      ],
      "edges": [
        {"from": "start", "to": "build"},
        {"from": "build", "to": "test"},      {"from": "build", "on": "Failed", "to": "failed"},
        {"from": "test", "to": "staging"},    {"from": "test", "on": "Failed", "to": "failed"},
        {"from": "staging", "to": "gate"},    {"from": "staging", "on": "Failed", "to": "failed"},
        {"from": "gate", "on": "Approved", "to": "prod"},
        {"from": "gate", "on": "Rejected", "to": "failed"}, {"from": "gate", "on": "TimedOut", "to": "failed"},
        {"from": "prod", "to": "ok"},         {"from": "prod", "on": "Failed", "to": "rollback"},
        {"from": "rollback", "to": "failed"}
      ]
    }
    """;

    private readonly RecordingJobHandler _jobs = new();
    private WorkflowCluster _cluster = null!;
    private WorkflowNodeHost _node = null!;
    private DeployRestart _restart;
    private int _jobsHandled;

    [Theory]
    [InlineData(DeployRestart.WhileJobRuns)]
    [InlineData(DeployRestart.AfterResultAccepted)]
    public async Task DeployPushed_AllPhasesSucceed_RestartAtEveryBoundary_EndsSucceededWithPhasesOnce(DeployRestart restart)
    {
        await using var cluster = await StartAsync(restart);
        var instanceId = await PushAsync();

        var build = await RunJobPhaseAsync("build", new JsonObject { ["artifact"] = "billing-abc123.tar" });
        Assert.Equal("billing", build.Args!["service"]!.GetValue<string>());
        Assert.Equal("abc123", build.Args!["commit"]!.GetValue<string>());
        var test = await RunJobPhaseAsync("test", new JsonObject());
        Assert.Equal("billing-abc123.tar", test.Args!["artifact"]!.GetValue<string>());
        var staging = await RunJobPhaseAsync("deploy", new JsonObject());
        Assert.Equal("staging", staging.Args!["env"]!.GetValue<string>());
        await ApproveGateAsync(instanceId);
        var prod = await RunJobPhaseAsync("deploy", new JsonObject { ["releaseId"] = "rel-7" });
        Assert.Equal("prod", prod.Args!["env"]!.GetValue<string>());
        Assert.Equal("billing-abc123.tar", prod.Args!["artifact"]!.GetValue<string>());

        var finished = await cluster.WaitForStatusAsync(instanceId, InstanceStatus.Finished);
        var state = JsonNode.Parse(finished.StateJson)!;
        Assert.Equal("Succeeded", state["result"]!.GetValue<string>());
        Assert.Equal("rel-7", state["vars"]!["releaseId"]!.GetValue<string>());
        var journal = await cluster.JournalAsync(instanceId);
        Assert.Equal([1, 2, 3, 4, 5], CompletedPhases(journal));
        Assert.Single(journal.At("ok", "completed"));
        Assert.DoesNotContain(journal, j => j.NodeId is "rollback" or "failed");
        Assert.Equal(["build", "test", "deploy", "deploy"], _jobs.Distinct.Select(j => j.Job));
    }

    [Theory]
    [InlineData(DeployRestart.WhileJobRuns)]
    [InlineData(DeployRestart.AfterResultAccepted)]
    public async Task DeployPushed_ProdFails_RestartAtEveryBoundary_TakesRollbackPath(DeployRestart restart)
    {
        await using var cluster = await StartAsync(restart);
        var instanceId = await PushAsync();

        await RunJobPhaseAsync("build", new JsonObject { ["artifact"] = "billing-abc123.tar" });
        await RunJobPhaseAsync("test", new JsonObject());
        await RunJobPhaseAsync("deploy", new JsonObject());
        await ApproveGateAsync(instanceId);
        await RunJobPhaseAsync("deploy", null, new JsonObject { ["status"] = "failed", ["error"] = "health check failed" });
        await RunJobPhaseAsync("rollback", new JsonObject());

        var finished = await cluster.WaitForStatusAsync(instanceId, InstanceStatus.Finished);
        Assert.Equal("Failed", JsonNode.Parse(finished.StateJson)!["result"]!.GetValue<string>());
        var journal = await cluster.JournalAsync(instanceId);
        Assert.Equal([1, 2, 3, 4, 5], CompletedPhases(journal));
        Assert.Equal(["Failed"], Assert.Single(journal.At("prod", "completed")).Outcomes());
        Assert.Single(journal.At("rollback", "completed"));
        Assert.Single(journal.At("failed", "completed"));
        Assert.Empty(journal.At("ok", "completed"));
        Assert.Equal(["build", "test", "deploy", "deploy", "rollback"], _jobs.Distinct.Select(j => j.Job));
    }

    private async Task<WorkflowCluster> StartAsync(DeployRestart restart)
    {
        _restart = restart;
        _cluster = await WorkflowCluster.CreateAsync(provider);
        _node = await _cluster.StartNodeAsync(configure: _jobs.AddTo);
        await _node.PublishAsync(ServiceDeploy);
        return _cluster;
    }

    private async Task<Guid> PushAsync()
    {
        var accepted = await _node.Runtime.PublishEventAsync(WorkflowCluster.OrgId, "git.push",
            new JsonObject { ["service"] = "billing", ["commit"] = "abc123" }, null, "push-1");
        return Assert.Single(accepted.StartedInstances);
    }

    /// <summary>
    /// One job phase: waits for the next job request not handled yet, restarts the host at the chosen point and reports
    /// the result (success with <paramref name="outputs"/> unless <paramref name="result"/> is given).
    /// </summary>
    private async Task<JobRequest> RunJobPhaseAsync(string job, JsonObject? outputs, JsonObject? result = null)
    {
        JobRequest? request = null;
        await WorkflowClusterExtensions.WaitUntilAsync(
            () =>
            {
                request = _jobs.Distinct.Skip(_jobsHandled).FirstOrDefault();
                return Task.FromResult(request is not null);
            },
            describe: () => $"the request of job \"{job}\" (requests so far: {string.Join(", ", _jobs.Distinct.Select(j => j.Job))})");
        Assert.Equal(job, request!.Job);
        _jobsHandled++;

        result ??= new JsonObject { ["status"] = "succeeded", ["outputs"] = outputs };
        await RestartAroundAsync(request.InstanceId, () => _node.Runtime.CompleteJobAsync(WorkflowCluster.OrgId, request.JobRequestId, result, null));
        return request;
    }

    private async Task ApproveGateAsync(Guid instanceId)
    {
        await _cluster.WaitUntilAsync(async () => (await _cluster.BookmarksAsync(instanceId)).Any(b => b.Kind == "approval" && b.Key == "gate"));
        await RestartAroundAsync(instanceId, () => _node.DecideAsync(instanceId, "gate", "Approved"));
    }

    private async Task RestartAroundAsync(Guid instanceId, Func<Task<StimulusAccepted>> deliver)
    {
        if (_restart == DeployRestart.WhileJobRuns)
        {
            // Quiet first (the request dispatched, nothing queued), so the restart interrupts nothing.
            await _cluster.WaitUntilAsync(async () =>
            {
                var instance = await _cluster.InstanceAsync(instanceId);
                var outbox = await _cluster.OutboxAsync(instanceId);
                return instance.Status == InstanceStatus.Suspended && instance.LeaseOwner is null && outbox.All(o => o.DispatchedAt is not null);
            });
            _node = await _cluster.RestartAsync(_node);
            var accepted = await deliver();
            Assert.False(accepted.Duplicate);
            return;
        }

        var delivered = await deliver();
        Assert.False(delivered.Duplicate);
        _node = await _cluster.RestartAsync(_node);

        // A burst or dispatch cut short keeps its work item or outbox row locked (30 s and 2 min): let the locks expire,
        // as another node would after a real crash. Far below the build's 30 min and the gate's 1 day timeouts.
        _cluster.Clock.Advance(TimeSpan.FromMinutes(3));
    }

    private static IReadOnlyList<int> CompletedPhases(IReadOnlyList<JournalRecord> journal) =>
        [.. journal.Where(j => j.Event == "completed")
            .Select(j => JsonNode.Parse(j.DataJson ?? "{}")?["phase"])
            .Where(p => p is not null)
            .Select(p => p!.GetValue<int>())];
}

public sealed class SqliteDeployWorkflowTests() : DeployWorkflowTests(DatabaseProvider.Sqlite);

public sealed class PostgresDeployWorkflowTests() : DeployWorkflowTests(DatabaseProvider.Postgres);
