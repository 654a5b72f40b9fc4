using System.Collections.Frozen;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Graph;

/// <summary>
/// A compiled, validated and immutable workflow definition: what the step executor walks.
/// Built once per published version and cached, so nothing here recomputes edges per step.
/// </summary>
public sealed class WorkflowGraph
{
    private readonly Lazy<FrozenDictionary<string, FrozenSet<string>>> _reachable;

    internal WorkflowGraph(
        WorkflowDefinitionDocument definition,
        string contentHash,
        FrozenDictionary<string, GraphNode> nodes,
        IReadOnlyList<GraphNode> startNodes)
    {
        Definition = definition;
        ContentHash = contentHash;
        Nodes = nodes;
        StartNodes = startNodes;
        _reachable = new Lazy<FrozenDictionary<string, FrozenSet<string>>>(ComputeReachability);
    }

    /// <summary>The definition the graph was compiled from.</summary>
    public WorkflowDefinitionDocument Definition { get; }

    /// <summary>SHA-256 (lower-case hex) over the canonical JSON form of the definition.</summary>
    public string ContentHash { get; }

    /// <summary>The nodes by id.</summary>
    public IReadOnlyDictionary<string, GraphNode> Nodes { get; }

    /// <summary>Nodes where tokens enter the workflow: trigger nodes and <c>core.start</c> nodes, in definition order.</summary>
    public IReadOnlyList<GraphNode> StartNodes { get; }

    /// <summary>What starts new instances.</summary>
    public IReadOnlyList<TriggerDefinition> Triggers => Definition.Triggers;

    /// <summary>The node with the given id.</summary>
    /// <exception cref="KeyNotFoundException">No such node.</exception>
    public GraphNode this[string nodeId] => Nodes[nodeId];

    /// <summary>The target node ids an outcome of a node leads to (empty when no edge follows it).</summary>
    public IReadOnlyList<string> Next(string nodeId, string outcome) => Nodes[nodeId].Next(outcome);

    /// <summary>
    /// Whether a token at <paramref name="from"/> can still arrive at <paramref name="to"/> by following edges
    /// (a node does not reach itself unless a cycle leads back to it). Joins use it to tell a late branch from a dead one.
    /// </summary>
    public bool CanReach(string from, string to) => _reachable.Value.TryGetValue(from, out var set) && set.Contains(to);

    private FrozenDictionary<string, FrozenSet<string>> ComputeReachability()
    {
        var result = new Dictionary<string, FrozenSet<string>>(StringComparer.Ordinal);
        foreach (var start in Nodes.Keys)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var pending = new Stack<string>(Nodes[start].Outgoing.Values.SelectMany(t => t));
            while (pending.TryPop(out var id))
            {
                if (seen.Add(id))
                {
                    foreach (var next in Nodes[id].Outgoing.Values.SelectMany(t => t))
                    {
                        pending.Push(next);
                    }
                }
            }

            result[start] = seen.ToFrozenSet(StringComparer.Ordinal);
        }

        return result.ToFrozenDictionary(StringComparer.Ordinal);
    }
}

/// <summary>A node of a compiled graph.</summary>
public sealed class GraphNode
{
    private static readonly IReadOnlyList<string> None = [];

    internal GraphNode(
        NodeDefinition definition,
        ActivityDescriptor descriptor,
        FrozenDictionary<string, IReadOnlyList<string>> outgoing,
        int inboundEdgeCount,
        bool isStart)
    {
        Definition = definition;
        Descriptor = descriptor;
        Outgoing = outgoing;
        InboundEdgeCount = inboundEdgeCount;
        IsStart = isStart;
    }

    /// <summary>The node id.</summary>
    public string Id => Definition.Id;

    /// <summary>The activity type name.</summary>
    public string Type => Definition.Type;

    /// <summary>How tokens arriving over several inbound edges are treated.</summary>
    public JoinMode Join => Definition.Join;

    /// <summary>The node as written in the definition.</summary>
    public NodeDefinition Definition { get; }

    /// <summary>The activity descriptor the node was validated against.</summary>
    public ActivityDescriptor Descriptor { get; }

    /// <summary>Outgoing edges grouped by outcome: outcome → target node ids, in edge order.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Outgoing { get; }

    /// <summary>Number of inbound edges (a <c>join:"all"</c> node waits for one token per inbound edge).</summary>
    public int InboundEdgeCount { get; }

    /// <summary>Whether tokens enter the workflow here (trigger node or <c>core.start</c>).</summary>
    public bool IsStart { get; }

    /// <summary>The target node ids the outcome leads to (empty when no edge follows it).</summary>
    public IReadOnlyList<string> Next(string outcome) => Outgoing.TryGetValue(outcome, out var targets) ? targets : None;
}
