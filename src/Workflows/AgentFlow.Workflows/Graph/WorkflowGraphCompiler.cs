using System.Collections.Frozen;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Expressions;
using AgentFlow.Workflows.Validation;

namespace AgentFlow.Workflows.Graph;

/// <summary>The result of compiling a definition: a graph, or the validation problems that prevented it.</summary>
/// <param name="Graph">The compiled graph, or null when the definition has errors.</param>
/// <param name="Problems">Every validation problem, warnings included (warnings do not prevent a graph).</param>
public sealed record GraphCompileResult(WorkflowGraph? Graph, IReadOnlyList<ValidationProblem> Problems)
{
    /// <summary>Whether a graph was produced.</summary>
    public bool Succeeded => Graph is not null;
}

/// <summary>Compiles validated "wf/1" documents into immutable <see cref="WorkflowGraph"/>s.</summary>
public sealed class WorkflowGraphCompiler(IActivityDescriptorLookup activities)
{
    private readonly WorkflowDefinitionValidator _validator = new(activities);

    /// <summary>
    /// Validates and compiles a definition. An invalid document yields its problems, never an exception:
    /// the caller (designer, publisher) reports them to the author.
    /// </summary>
    public GraphCompileResult Compile(WorkflowDefinitionDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        // Expressions are parsed here rather than in the validator: the parsers live in this assembly, not in Abstractions.
        IReadOnlyList<ValidationProblem> problems = [.. _validator.Validate(document), .. ExpressionSyntaxValidator.Validate(document)];
        if (problems.Any(p => p.Severity == ValidationSeverity.Error))
        {
            return new GraphCompileResult(null, problems);
        }

        // The validator guarantees unique ids, known types and edges between existing nodes from here on.
        var triggerNodes = document.Triggers.Select(t => t.Node).ToHashSet(StringComparer.Ordinal);
        var inbound = document.Nodes.ToDictionary(n => n.Id, _ => 0, StringComparer.Ordinal);
        var outgoing = document.Nodes.ToDictionary(n => n.Id, _ => new Dictionary<string, List<string>>(StringComparer.Ordinal), StringComparer.Ordinal);
        foreach (var edge in document.Edges)
        {
            inbound[edge.To]++;
            var byOutcome = outgoing[edge.From];
            if (!byOutcome.TryGetValue(edge.On, out var targets))
            {
                byOutcome[edge.On] = targets = [];
            }

            targets.Add(edge.To);
        }

        var nodes = new List<GraphNode>(document.Nodes.Count);
        foreach (var node in document.Nodes)
        {
            activities.TryGet(node.Type, out var descriptor);
            var isStart = triggerNodes.Contains(node.Id)
                || string.Equals(node.Type, WorkflowDefinitionValidator.StartActivityType, StringComparison.Ordinal);
            nodes.Add(new GraphNode(
                node,
                descriptor!,
                outgoing[node.Id].ToFrozenDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value.AsReadOnly(), StringComparer.Ordinal),
                inbound[node.Id],
                isStart));
        }

        var graph = new WorkflowGraph(
            document,
            WorkflowDefinitionHasher.ComputeHash(document),
            nodes.ToFrozenDictionary(n => n.Id, StringComparer.Ordinal),
            nodes.Where(n => n.IsStart).ToList().AsReadOnly());
        return new GraphCompileResult(graph, problems);
    }
}
