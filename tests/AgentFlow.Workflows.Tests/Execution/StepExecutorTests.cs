using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Expressions;
using AgentFlow.Workflows.Graph;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace AgentFlow.Workflows.Tests.Execution;

/// <summary>The burst function without a database: tokens, joins, waits, retries and the step cap.</summary>
public sealed class StepExecutorTests
{
    private static readonly DateTimeOffset Now = new(2026, 5, 4, 10, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly ActivityTypeRegistry _registry = new ActivityTypeRegistry().AddBuiltinActivities();

    [Fact]
    public async Task Start_LinearFlow_FinishesInOneBurstWithOutputs()
    {
        var graph = Compile("""
            {"schema": "wf/1", "definitionId": "linear", "inputs": [{"name": "n", "type": "number"}],
             "variables": [{"name": "twice"}], "outputs": [{"name": "twice", "from": {"var": "twice"}}],
             "nodes": [{"id": "start", "type": "core.start"},
                       {"id": "double", "type": "core.set", "inputs": {"variable": "twice", "value": {"js": "input.n * 2"}}},
                       {"id": "end", "type": "core.end"}],
             "edges": [{"from": "start", "to": "double"}, {"from": "double", "to": "end"}]}
            """);

        var result = await RunAsync(graph, new InstanceState { Input = new JsonObject { ["n"] = 21 } }, new BurstTrigger.Start("start", null));

        Assert.Equal(InstanceStatus.Finished, result.Status);
        Assert.Equal(42, result.State.Output!["twice"]!.GetValue<int>());
        Assert.Equal(["started", "completed", "completed", "completed", "finished"], result.Journal.Select(j => j.Event));
        Assert.Equal(Enumerable.Range(1, result.Journal.Count).Select(i => (long)i), result.Journal.Select(j => j.Seq));
    }

    [Fact]
    public async Task JoinAll_BranchTakenAwayByIf_FiresWithWhatArrivedInsteadOfDeadlocking()
    {
        var graph = Compile("""
            {"schema": "wf/1", "definitionId": "join-if",
             "nodes": [{"id": "start", "type": "core.start"},
                       {"id": "fork", "type": "core.fork", "inputs": {"branches": ["a", "b"]}},
                       {"id": "check", "type": "core.if", "inputs": {"condition": false}},
                       {"id": "skipped", "type": "core.log", "inputs": {"message": "never"}},
                       {"id": "join", "type": "core.join", "join": "all"},
                       {"id": "end", "type": "core.end"}],
             "edges": [{"from": "start", "to": "fork"}, {"from": "fork", "on": "a", "to": "join"}, {"from": "fork", "on": "b", "to": "check"},
                       {"from": "check", "on": "True", "to": "skipped"}, {"from": "skipped", "to": "join"}, {"from": "join", "to": "end"}]}
            """);

        var result = await RunAsync(graph, new InstanceState(), new BurstTrigger.Start("start", null));

        Assert.Equal(InstanceStatus.Finished, result.Status);
        Assert.Single(result.Journal, j => j.NodeId == "join" && j.Event == "completed");
        Assert.DoesNotContain(result.Journal, j => j.NodeId == "skipped");
    }

    [Fact]
    public async Task Race_FirstArrivalWins_CancelsTheOtherBranchAndDropsItsUncommittedTimer()
    {
        var graph = Compile("""
            {"schema": "wf/1", "definitionId": "race",
             "nodes": [{"id": "start", "type": "core.start"},
                       {"id": "fork", "type": "core.fork", "inputs": {"branches": ["fast", "slow"]}},
                       {"id": "slowWait", "type": "core.delay", "inputs": {"duration": "PT1H"}},
                       {"id": "first", "type": "core.join", "join": "race"},
                       {"id": "end", "type": "core.end"}],
             "edges": [{"from": "start", "to": "fork"}, {"from": "fork", "on": "slow", "to": "slowWait"}, {"from": "fork", "on": "fast", "to": "first"},
                       {"from": "slowWait", "to": "first"}, {"from": "first", "to": "end"}]}
            """);

        var result = await RunAsync(graph, new InstanceState(), new BurstTrigger.Start("start", null));

        Assert.Equal(InstanceStatus.Finished, result.Status);
        Assert.Empty(result.NewBookmarks);
        Assert.Empty(result.DeletedBookmarks);
        Assert.Single(result.Journal, j => j.NodeId == "first" && j.Event == "completed");
    }

    [Fact]
    public async Task Suspend_WithBoundaryTimeout_AddsBothWaitsAndTheTimeoutResumeTakesTheTimeoutOutcome()
    {
        var graph = Compile("""
            {"schema": "wf/1", "definitionId": "approve",
             "nodes": [{"id": "start", "type": "core.start"},
                       {"id": "approve", "type": "human.approval", "timeout": {"after": "PT2H", "outcome": "TimedOut"}},
                       {"id": "late", "type": "core.end", "inputs": {"result": "late"}},
                       {"id": "done", "type": "core.end"}],
             "edges": [{"from": "start", "to": "approve"}, {"from": "approve", "on": "Approved", "to": "done"},
                       {"from": "approve", "on": "Rejected", "to": "done"}, {"from": "approve", "on": "TimedOut", "to": "late"}]}
            """);
        var first = await RunAsync(graph, new InstanceState(), new BurstTrigger.Start("start", null));
        Assert.Equal(InstanceStatus.Suspended, first.Status);
        Assert.Equal("approval,timeout", first.SubStatus);
        var timeout = Assert.Single(first.NewBookmarks, b => b.Kind == BookmarkKinds.Timeout);
        Assert.Equal(Now.AddHours(2), timeout.DueAt);

        var second = await RunAsync(graph, first.State, new BurstTrigger.ResumeBookmark(Record(timeout), null));

        Assert.Equal(InstanceStatus.Finished, second.Status);
        Assert.Equal("late", second.State.Result!.GetValue<string>());
        Assert.Equal(first.NewBookmarks.Select(b => b.Id).Order(), second.DeletedBookmarks.Order());
        Assert.Equal(["TimedOut"], second.Journal.Single(j => j.NodeId == "approve" && j.Event == "completed").Data!["outcomes"]!.AsArray().Select(o => o!.GetValue<string>()));
    }

    [Fact]
    public async Task Resume_BookmarkNoTokenWaitsOn_IsNotApplied()
    {
        var graph = Compile(SignalFlow);
        var first = await RunAsync(graph, new InstanceState(), new BurstTrigger.Start("start", null));
        var stale = Record(first.NewBookmarks[0]);
        stale.Id = Guid.NewGuid();

        var result = await RunAsync(graph, first.State, new BurstTrigger.ResumeBookmark(stale, null));

        Assert.False(result.Applied);
        Assert.Empty(result.Journal);
    }

    [Fact]
    public async Task StepCap_LongFlow_CommitsPartOfItAndAsksToContinue()
    {
        var graph = Compile("""
            {"schema": "wf/1", "definitionId": "long",
             "nodes": [{"id": "start", "type": "core.start"}, {"id": "a", "type": "core.log", "inputs": {"message": "a"}},
                       {"id": "b", "type": "core.log", "inputs": {"message": "b"}}, {"id": "end", "type": "core.end"}],
             "edges": [{"from": "start", "to": "a"}, {"from": "a", "to": "b"}, {"from": "b", "to": "end"}]}
            """);

        var first = await RunAsync(graph, new InstanceState(), new BurstTrigger.Start("start", null), maxSteps: 2);
        Assert.True(first.NeedsContinue);
        Assert.Equal(InstanceStatus.Running, first.Status);
        Assert.Equal(2, first.Steps);

        var second = await RunAsync(graph, first.State, new BurstTrigger.ContinueBurst(), maxSteps: 2);
        Assert.Equal(InstanceStatus.Finished, second.Status);
        Assert.False(second.NeedsContinue);
    }

    [Fact]
    public async Task TransientFailure_WithRetriesLeft_WaitsOnARetryTimerWithBackoff_ThenFaultsWhenExhausted()
    {
        var graph = Compile("""
            {"schema": "wf/1", "definitionId": "job",
             "nodes": [{"id": "start", "type": "core.start"},
                       {"id": "work", "type": "job.run", "inputs": {"job": "build"}, "retry": {"max": 1, "initial": "PT30S", "factor": 2}},
                       {"id": "end", "type": "core.end"}],
             "edges": [{"from": "start", "to": "work"}, {"from": "work", "to": "end"}, {"from": "work", "on": "Failed", "to": "end"}]}
            """);
        var started = await RunAsync(graph, new InstanceState(), new BurstTrigger.Start("start", null));
        var job = Assert.Single(started.NewBookmarks);
        var transient = new JsonObject { ["status"] = "failed", ["error"] = "runner busy", ["transient"] = true };

        var retried = await RunAsync(graph, started.State, new BurstTrigger.ResumeBookmark(Record(job), transient));
        var retry = Assert.Single(retried.NewBookmarks);
        Assert.Equal(BookmarkKinds.Of(WaitKind.Retry), retry.Kind);
        Assert.Equal(Now.AddSeconds(30), retry.DueAt);
        Assert.Equal(InstanceStatus.Suspended, retried.Status);

        var again = await RunAsync(graph, retried.State, new BurstTrigger.ResumeBookmark(Record(retry), null));
        var secondJob = Assert.Single(again.NewBookmarks);
        Assert.EndsWith(":2", secondJob.Key, StringComparison.Ordinal);
        var faulted = await RunAsync(graph, again.State, new BurstTrigger.ResumeBookmark(Record(secondJob), transient));

        Assert.Equal(InstanceStatus.Faulted, faulted.Status);
        var incident = Assert.Single(faulted.Incidents);
        Assert.Equal("work", incident.NodeId);
        Assert.Equal(2, incident.Attempt);
    }

    private const string SignalFlow = """
        {"schema": "wf/1", "definitionId": "signal",
         "nodes": [{"id": "start", "type": "core.start"}, {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "go"}}, {"id": "end", "type": "core.end"}],
         "edges": [{"from": "start", "to": "wait"}, {"from": "wait", "to": "end"}]}
        """;

    private WorkflowGraph Compile(string json)
    {
        var parsed = WorkflowDefinitionSerializer.Parse(json);
        var compiled = new WorkflowGraphCompiler(_registry).Compile(parsed.Document!);
        return compiled.Graph ?? throw new InvalidOperationException(string.Join("; ", compiled.Problems.Select(p => $"{p.NodeId}.{p.Field}: {p.Message}")));
    }

    private async Task<BurstResult> RunAsync(WorkflowGraph graph, InstanceState state, BurstTrigger trigger, int maxSteps = 500)
    {
        await using var services = new ServiceCollection().BuildServiceProvider();
        var executor = new StepExecutor(
            new ActivityFactory(_registry, services), ExpressionEvaluators.Create(), _clock,
            Options.Create(new WorkflowRuntimeOptions { MaxStepsPerBurst = maxSteps }));

        // A fresh copy, as the runtime deserialises one per burst.
        return await executor.RunAsync(graph, Guid.NewGuid(), InstanceState.Deserialize(state.Serialize()), trigger);
    }

    private static BookmarkRecord Record(NewBookmark bookmark) => new()
    {
        Id = bookmark.Id, TokenId = bookmark.TokenId, NodeId = bookmark.NodeId, Kind = bookmark.Kind, Key = bookmark.Key, DueAt = bookmark.DueAt,
    };
}
