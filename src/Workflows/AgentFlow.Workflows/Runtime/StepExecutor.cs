using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Expressions;
using AgentFlow.Workflows.Graph;
using AgentFlow.Workflows.Persistence;
using Microsoft.Extensions.Options;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// Runs one burst in memory: <c>(graph, state, trigger) → (new state, bookmark delta, outbox, journal, incidents)</c>.
/// It never touches the database, so a burst that is not committed leaves no trace and can simply be replayed.
/// </summary>
public sealed class StepExecutor(ActivityFactory activities, IExpressionEvaluator expressions, TimeProvider clock, IOptions<WorkflowRuntimeOptions> options)
{
    private readonly ActivityFactory _activities = activities;
    private readonly IExpressionEvaluator _expressions = expressions;
    private readonly TimeProvider _clock = clock;
    private readonly int _maxSteps = Math.Max(1, options.Value.MaxStepsPerBurst);

    /// <summary>Runs a burst on <paramref name="state"/> (which it changes; pass a fresh copy).</summary>
    public Task<BurstResult> RunAsync(WorkflowGraph graph, Guid instanceId, InstanceState state, BurstTrigger trigger, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(graph);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(trigger);
        var burst = new Burst(this, graph, instanceId, state, cancellationToken);
        return burst.RunAsync(trigger);
    }

    private sealed class Burst(StepExecutor executor, WorkflowGraph graph, Guid instanceId, InstanceState state, CancellationToken cancellationToken)
    {
        private readonly Queue<TokenState> _ready = new();
        private readonly BurstResult _result = new() { State = state };
        private readonly DateTimeOffset _now = executor._clock.GetUtcNow();
        private bool _ended;

        public async Task<BurstResult> RunAsync(BurstTrigger trigger)
        {
            if (!Apply(trigger))
            {
                _result.Applied = false;
                return _result;
            }

            var cap = executor._maxSteps;
            while (!_ended && (_ready.Count > 0 || TryFireDeadJoin()))
            {
                if (_result.Steps >= cap)
                {
                    _result.NeedsContinue = true;
                    break;
                }

                var token = _ready.Dequeue();
                if (!state.Tokens.Contains(token))
                {
                    continue; // cancelled by a race after it was queued
                }

                _result.Steps++;
                await StepAsync(token);
            }

            Conclude();
            return _result;
        }

        private bool Apply(BurstTrigger trigger)
        {
            switch (trigger)
            {
                case BurstTrigger.Start start:
                    Journal(null, null, "started", new JsonObject { ["input"] = state.Input.DeepClone() });
                    var first = AddReadyToken(start.StartNodeId);
                    first.Resume = start.TriggerEvent;
                    return true;

                case BurstTrigger.ResumeBookmark resume:
                    var token = state.Tokens.FirstOrDefault(t => t.Status == TokenStatus.Waiting && t.Waits.Contains(resume.Bookmark.Id));
                    if (token is null)
                    {
                        return false;
                    }

                    QueueReadyTokens();
                    DeleteWaits(token);
                    token.Status = TokenStatus.Ready;
                    Journal(token.NodeId, token.Id, "resumed", new JsonObject { ["kind"] = resume.Bookmark.Kind, ["key"] = resume.Bookmark.Key });
                    if (resume.Bookmark.Kind == BookmarkKinds.Timeout)
                    {
                        var outcome = graph[token.NodeId].Definition.Timeout?.Outcome ?? "TimedOut";
                        state.Tokens.Remove(token);
                        Journal(token.NodeId, token.Id, "completed", CompletedData([outcome], token));
                        Leave(graph[token.NodeId], [outcome]);
                    }
                    else if (resume.Bookmark.Kind == BookmarkKinds.Of(WaitKind.Retry))
                    {
                        _ready.Enqueue(token);
                    }
                    else
                    {
                        token.Resume = new PendingResume(resume.Bookmark.Kind, resume.Bookmark.Key, resume.Payload);
                        _ready.Enqueue(token);
                    }

                    return true;

                case BurstTrigger.ContinueBurst:
                    QueueReadyTokens();
                    return _ready.Count > 0 || state.Joins.Count > 0;

                case BurstTrigger.Retry:
                    var faulted = state.Tokens.Where(t => t.Status == TokenStatus.Faulted).ToList();
                    if (faulted.Count == 0)
                    {
                        return false;
                    }

                    QueueReadyTokens();
                    foreach (var t in faulted)
                    {
                        t.Status = TokenStatus.Ready;
                        t.Attempt = 1;
                        Journal(t.NodeId, t.Id, "retried", new JsonObject { ["manual"] = true });
                        _ready.Enqueue(t);
                    }

                    state.Error = null;
                    return true;

                case BurstTrigger.Cancel cancel:
                    foreach (var t in state.Tokens)
                    {
                        DeleteWaits(t);
                    }

                    state.Tokens.Clear();
                    state.Joins.Clear();
                    state.Error = cancel.Reason;
                    Journal(null, null, "cancelled", new JsonObject { ["reason"] = cancel.Reason });
                    _ended = true;
                    _result.Status = InstanceStatus.Cancelled;
                    return true;

                default:
                    throw new ArgumentOutOfRangeException(nameof(trigger), trigger, "Unknown burst trigger.");
            }
        }

        private void QueueReadyTokens()
        {
            foreach (var t in state.Tokens.Where(t => t.Status == TokenStatus.Ready))
            {
                _ready.Enqueue(t);
            }
        }

        private async Task StepAsync(TokenState token)
        {
            var node = graph[token.NodeId];
            var scope = new ExpressionScope(state.Input, state.Vars);
            var evaluated = new Dictionary<string, JsonNode?>(StringComparer.Ordinal);
            foreach (var (name, expression) in node.Definition.Inputs)
            {
                try
                {
                    evaluated[name] = executor._expressions.Evaluate(expression, scope, cancellationToken);
                }
                catch (ExpressionException ex)
                {
                    Fault(token, $"Input \"{name}\": {ex.Message}");
                    return;
                }
            }

            var resume = token.Resume;
            token.Resume = null;
            ActivityContext context;
            ActivityResult result;
            try
            {
                var inputs = ActivityInputBinder.WithDefaults(node.Descriptor, evaluated);
                using var instance = executor._activities.Create(node);
                var activity = instance.Activity;
                ActivityInputBinder.Bind(activity, node.Descriptor, inputs);
                context = new ActivityContext(
                    instanceId, node.Id, token.Id, inputs, token.NodeState,
                    $"{instanceId:N}:{node.Id}:{token.Id:N}:{token.Attempt}", executor._clock, cancellationToken);
                result = resume is null
                    ? await activity.ExecuteAsync(context)
                    : await activity.ResumeAsync(context, new ResumeEvent(ToWaitKind(resume.Kind), resume.Key, resume.Payload));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // An activity that throws is a failed step, not a crashed worker.
                var message = string.IsNullOrWhiteSpace(ex.Message) ? ex.GetType().Name : ex.Message;
                Fail(token, node, (ActivityResult.Failed)ActivityResult.Fail(message, transient: false), null);
                return;
            }

            switch (result)
            {
                case ActivityResult.Completed completed:
                    ApplySideEffects(token, context);
                    foreach (var (output, variable) in node.Definition.Outputs)
                    {
                        if (completed.Outputs.TryGetValue(output, out var value))
                        {
                            state.Vars[variable] = value?.DeepClone();
                        }
                    }

                    state.Tokens.Remove(token);
                    Journal(node.Id, token.Id, "completed", CompletedData(completed.Outcomes, token));
                    if (string.Equals(node.Type, "core.end", StringComparison.Ordinal))
                    {
                        state.Result = completed.Outputs.TryGetValue("result", out var r) ? r?.DeepClone() : null;
                        End();
                        return;
                    }

                    Leave(node, completed.Outcomes);
                    break;

                case ActivityResult.Suspended suspended:
                    ApplySideEffects(token, context);
                    token.Status = TokenStatus.Waiting;
                    var waits = new JsonArray();
                    foreach (var wait in suspended.Waits)
                    {
                        AddBookmark(token, BookmarkKinds.Of(wait.Kind), wait.Key, wait.Payload, wait.DueAt);
                        waits.Add($"{BookmarkKinds.Of(wait.Kind)}:{wait.Key}");
                    }

                    if (node.Definition.Timeout is { } timeout)
                    {
                        token.TimeoutAt ??= _now + System.Xml.XmlConvert.ToTimeSpan(timeout.After);
                        AddBookmark(token, BookmarkKinds.Timeout, $"{instanceId:N}:{node.Id}:{token.Id:N}", null, token.TimeoutAt);
                        waits.Add($"timeout:{token.TimeoutAt:O}");
                    }

                    Journal(node.Id, token.Id, "suspended", new JsonObject { ["waits"] = waits });
                    break;

                case ActivityResult.Failed failed:
                    Fail(token, node, failed, context);
                    break;
            }
        }

        private void ApplySideEffects(TokenState token, ActivityContext context)
        {
            foreach (var write in context.VariableWrites)
            {
                state.Vars[write.Name] = write.Value?.DeepClone();
            }

            foreach (var entry in context.LogEntries)
            {
                Journal(token.NodeId, token.Id, "log", new JsonObject { ["level"] = entry.Level, ["message"] = entry.Message, ["data"] = entry.Data?.DeepClone() });
            }

            foreach (var message in context.EmittedMessages)
            {
                if (string.Equals(message.Kind, "http.response", StringComparison.Ordinal))
                {
                    var payload = message.Payload as JsonObject;
                    var status = payload?["status"] is JsonValue s && s.TryGetValue<int>(out var code) ? code : 200;
                    _result.HttpReply = new HttpReply(status, payload?["headers"]?.DeepClone() as JsonObject, payload?["body"]?.DeepClone());
                }
                else
                {
                    _result.Outbox.Add(message);
                }
            }
        }

        private void Fail(TokenState token, GraphNode node, ActivityResult.Failed failed, ActivityContext? context)
        {
            if (context is not null)
            {
                // A failed step's emitted effects are dropped (it did not happen); its log lines are kept.
                foreach (var entry in context.LogEntries)
                {
                    Journal(token.NodeId, token.Id, "log", new JsonObject { ["level"] = entry.Level, ["message"] = entry.Message });
                }
            }

            var policy = RetryBackoff.For(node.Definition, graph.Definition.Defaults);
            if (policy.Allows(token.Attempt, failed.Transient))
            {
                var next = token.Attempt + 1;
                var due = _now + policy.DelayBefore(next);
                token.Attempt = next;
                token.Status = TokenStatus.Waiting;
                AddBookmark(token, BookmarkKinds.Of(WaitKind.Retry), $"{instanceId:N}:{node.Id}:{token.Id:N}:{next}", null, due);
                Journal(node.Id, token.Id, "retried", new JsonObject { ["error"] = failed.Error, ["attempt"] = next, ["dueAt"] = due.ToString("O") });
                return;
            }

            Fault(token, failed.Error);
        }

        private void Fault(TokenState token, string message)
        {
            token.Status = TokenStatus.Faulted;
            state.Error = message;
            _result.Incidents.Add(new IncidentEntry(Guid.CreateVersion7(), token.NodeId, token.Id, _now, message, token.Attempt));
            Journal(token.NodeId, token.Id, "faulted", new JsonObject { ["error"] = message, ["attempt"] = token.Attempt });
        }

        private void Leave(GraphNode node, IReadOnlyList<string> outcomes)
        {
            foreach (var outcome in outcomes)
            {
                foreach (var target in node.Next(outcome))
                {
                    Arrive(graph[target], $"{node.Id}|{outcome}");
                }
            }
        }

        private void Arrive(GraphNode target, string edge)
        {
            switch (target.Join)
            {
                case Definitions.JoinMode.All:
                    if (!state.Joins.TryGetValue(target.Id, out var arrived))
                    {
                        state.Joins[target.Id] = arrived = [];
                    }

                    if (!arrived.Contains(edge, StringComparer.Ordinal))
                    {
                        arrived.Add(edge);
                    }

                    if (arrived.Count >= target.InboundEdgeCount)
                    {
                        state.Joins.Remove(target.Id);
                        AddReadyToken(target.Id);
                    }

                    break;

                case Definitions.JoinMode.Race:
                    if (state.Tokens.Any(t => t.NodeId == target.Id))
                    {
                        return; // the race at this node was already won
                    }

                    foreach (var loser in state.Tokens.Where(t => graph.CanReach(t.NodeId, target.Id)).ToList())
                    {
                        DeleteWaits(loser);
                        state.Tokens.Remove(loser);
                        Journal(loser.NodeId, loser.Id, "cancelled", new JsonObject { ["reason"] = $"lost the race to \"{target.Id}\"" });
                    }

                    AddReadyToken(target.Id);
                    break;

                default:
                    AddReadyToken(target.Id);
                    break;
            }
        }

        // A join:"all" node whose missing branches can no longer deliver (taken another way, ended) fires with what arrived.
        private bool TryFireDeadJoin()
        {
            foreach (var (nodeId, arrived) in state.Joins)
            {
                if (arrived.Count > 0 && !state.Tokens.Any(t => graph.CanReach(t.NodeId, nodeId)))
                {
                    state.Joins.Remove(nodeId);
                    AddReadyToken(nodeId);
                    return true;
                }
            }

            return false;
        }

        private TokenState AddReadyToken(string nodeId)
        {
            var token = new TokenState { Id = Guid.CreateVersion7(), NodeId = nodeId, Status = TokenStatus.Ready };
            state.Tokens.Add(token);
            _ready.Enqueue(token);
            return token;
        }

        private void AddBookmark(TokenState token, string kind, string key, JsonNode? payload, DateTimeOffset? dueAt)
        {
            var id = Guid.CreateVersion7();
            _result.NewBookmarks.Add(new NewBookmark(id, token.Id, token.NodeId, kind, key, payload?.DeepClone(), dueAt));
            token.Waits.Add(id);
            token.WaitKinds.Add(kind);
        }

        private void DeleteWaits(TokenState token)
        {
            foreach (var id in token.Waits)
            {
                // A bookmark created earlier in this burst was never stored: drop it instead of deleting it.
                if (_result.NewBookmarks.RemoveAll(b => b.Id == id) == 0)
                {
                    _result.DeletedBookmarks.Add(id);
                }
            }

            token.Waits.Clear();
            token.WaitKinds.Clear();
        }

        private void End()
        {
            foreach (var t in state.Tokens)
            {
                DeleteWaits(t);
            }

            state.Tokens.Clear();
            state.Joins.Clear();
            _ended = true;
            _result.Status = InstanceStatus.Finished;
        }

        private void Conclude()
        {
            if (_result.Status == InstanceStatus.Cancelled)
            {
                return;
            }

            if (!_ended)
            {
                if (state.Tokens.Any(t => t.Status == TokenStatus.Faulted))
                {
                    _result.Status = InstanceStatus.Faulted;
                    return;
                }

                if (_result.NeedsContinue || state.Tokens.Any(t => t.Status == TokenStatus.Ready))
                {
                    _result.NeedsContinue = true;
                    _result.Status = InstanceStatus.Running;
                    return;
                }

                if (state.Tokens.Count > 0 || state.Joins.Count > 0)
                {
                    _result.Status = InstanceStatus.Suspended;
                    var kinds = string.Join(',', state.Tokens.SelectMany(t => t.WaitKinds).Distinct(StringComparer.Ordinal).Take(3));
                    _result.SubStatus = kinds.Length == 0 ? null : kinds;
                    return;
                }
            }

            _result.Status = InstanceStatus.Finished;
            state.Error = null;
            var output = new JsonObject();
            var scope = new ExpressionScope(state.Input, state.Vars);
            foreach (var declared in graph.Definition.Outputs)
            {
                try
                {
                    output[declared.Name] = declared.From is null ? null : executor._expressions.Evaluate(declared.From, scope, cancellationToken);
                }
                catch (ExpressionException ex)
                {
                    output[declared.Name] = null;
                    Journal(null, null, "log", new JsonObject { ["level"] = "error", ["message"] = $"Output \"{declared.Name}\": {ex.Message}" });
                }
            }

            state.Output = output;
            Journal(null, null, "finished", new JsonObject { ["output"] = output.DeepClone(), ["result"] = state.Result?.DeepClone() });
        }

        private static JsonObject CompletedData(IReadOnlyList<string> outcomes, TokenState token)
        {
            var data = new JsonObject { ["outcomes"] = new JsonArray([.. outcomes.Select(o => (JsonNode)o)]) };
            if (token.Attempt > 1)
            {
                data["attempt"] = token.Attempt;
            }

            return data;
        }

        private void Journal(string? nodeId, Guid? tokenId, string @event, JsonNode? data)
        {
            if (nodeId is not null && graph.Nodes.TryGetValue(nodeId, out var node) && node.Definition.Phase is { } phase && data is JsonObject obj)
            {
                obj["phase"] = phase;
            }

            _result.Journal.Add(new JournalEntry(++state.JournalSeq, _now, nodeId, tokenId, @event, data));
        }

        private static WaitKind ToWaitKind(string kind) => kind switch
        {
            "cron" => WaitKind.Timer,
            _ => BookmarkKinds.Parse(kind) ?? WaitKind.Signal,
        };
    }
}
