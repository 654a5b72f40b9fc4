using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Definitions;

namespace AgentFlow.Workflows.Validation;

/// <summary>
/// Checks a "wf/1" definition against the structural rules and the activity descriptors.
/// Bad definitions never throw: every finding is a <see cref="ValidationProblem"/>.
/// </summary>
/// <param name="activities">The known activity types.</param>
public sealed partial class WorkflowDefinitionValidator(IActivityDescriptorLookup activities)
{
    /// <summary>The type name of the built-in start activity.</summary>
    public const string StartActivityType = "core.start";

    private readonly IActivityDescriptorLookup _activities = activities ?? throw new ArgumentNullException(nameof(activities));

    /// <summary>Validates a definition.</summary>
    /// <param name="document">The definition.</param>
    /// <returns>All problems found, errors and warnings; empty when the definition is clean.</returns>
    public IReadOnlyList<ValidationProblem> Validate(WorkflowDefinitionDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var problems = new List<ValidationProblem>();

        ValidateHeader(document, problems);
        var variables = ValidateVariables(document, problems);
        var nodes = ValidateNodeIds(document, problems);
        var descriptors = ValidateNodes(document, nodes, variables, problems);
        var (outgoing, inbound) = ValidateEdges(document, nodes, descriptors, problems);
        var triggerStarts = ValidateTriggers(document, nodes, inbound, problems);
        ValidateJoins(nodes, inbound, problems);
        ValidateReachability(document, nodes, outgoing, triggerStarts, problems);
        ValidateCycles(document, descriptors, outgoing, problems);

        return problems;
    }

    private static void ValidateHeader(WorkflowDefinitionDocument document, List<ValidationProblem> problems)
    {
        if (!string.Equals(document.Schema, WorkflowDefinitionDocument.CurrentSchema, StringComparison.Ordinal))
        {
            problems.Add(new(null, "schema", $"Schema must be \"{WorkflowDefinitionDocument.CurrentSchema}\" but is \"{document.Schema}\"."));
        }

        if (string.IsNullOrWhiteSpace(document.DefinitionId))
        {
            problems.Add(new(null, "definitionId", "The definition id is required."));
        }
        else if (!SlugPattern().IsMatch(document.DefinitionId))
        {
            problems.Add(new(null, "definitionId", $"The definition id \"{document.DefinitionId}\" must be a slug (lowercase letters, digits and single hyphens)."));
        }

        if (document.Version < 1)
        {
            problems.Add(new(null, "version", "The version must be 1 or higher."));
        }

        if (document.Defaults?.Retry is { } retry)
        {
            ValidateRetry(retry, null, "defaults.retry", problems);
        }
    }

    private static HashSet<string> ValidateVariables(WorkflowDefinitionDocument document, List<ValidationProblem> problems)
    {
        ValidateDeclarations(document.Inputs, "inputs", problems);
        var variables = ValidateDeclarations(document.Variables, "variables", problems);

        for (var i = 0; i < document.Outputs.Count; i++)
        {
            var output = document.Outputs[i];
            if (string.IsNullOrWhiteSpace(output.Name))
            {
                problems.Add(new(null, $"outputs[{i}].name", "The output name is required."));
            }

            if (output.From is null)
            {
                problems.Add(new(null, $"outputs[{i}].from", "The output source is required."));
            }
            else
            {
                CheckVariableReference(output.From, variables, null, $"outputs[{i}].from", problems);
            }
        }

        return variables;
    }

    private static HashSet<string> ValidateDeclarations(IReadOnlyList<VariableDefinition> declarations, string field, List<ValidationProblem> problems)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < declarations.Count; i++)
        {
            var declaration = declarations[i];
            if (string.IsNullOrWhiteSpace(declaration.Name))
            {
                problems.Add(new(null, $"{field}[{i}].name", "The name is required."));
                continue;
            }

            if (!names.Add(declaration.Name))
            {
                problems.Add(new(null, $"{field}[{i}].name", $"\"{declaration.Name}\" is declared more than once."));
            }

            if (declaration.Default is { } value && !Matches(value, declaration.Type))
            {
                problems.Add(new(null, $"{field}[{i}].default", $"The default of \"{declaration.Name}\" must be of type {Name(declaration.Type)} but is {Describe(value)}."));
            }
        }

        return names;
    }

    private static Dictionary<string, NodeDefinition> ValidateNodeIds(WorkflowDefinitionDocument document, List<ValidationProblem> problems)
    {
        var nodes = new Dictionary<string, NodeDefinition>(StringComparer.Ordinal);
        for (var i = 0; i < document.Nodes.Count; i++)
        {
            var node = document.Nodes[i];
            if (string.IsNullOrWhiteSpace(node.Id))
            {
                problems.Add(new(null, $"nodes[{i}].id", "The node id is required."));
            }
            else if (!nodes.TryAdd(node.Id, node))
            {
                problems.Add(new(node.Id, "id", $"The node id \"{node.Id}\" is used more than once."));
            }
        }

        return nodes;
    }

    private Dictionary<string, ActivityDescriptor> ValidateNodes(
        WorkflowDefinitionDocument document,
        Dictionary<string, NodeDefinition> nodes,
        HashSet<string> variables,
        List<ValidationProblem> problems)
    {
        var descriptors = new Dictionary<string, ActivityDescriptor>(StringComparer.Ordinal);
        foreach (var node in document.Nodes)
        {
            // Duplicates and empty ids were reported already; only the first node with an id is checked further.
            if (string.IsNullOrWhiteSpace(node.Id) || !ReferenceEquals(nodes[node.Id], node))
            {
                continue;
            }

            if (node.Timeout is { } timeout)
            {
                CheckDuration(timeout.After, node.Id, "timeout.after", problems);
                if (string.IsNullOrWhiteSpace(timeout.Outcome))
                {
                    problems.Add(new(node.Id, "timeout.outcome", "The timeout outcome is required."));
                }
            }

            if (node.Retry is { } retry)
            {
                ValidateRetry(retry, node.Id, "retry", problems);
            }

            foreach (var (outputName, variable) in node.Outputs)
            {
                if (!variables.Contains(variable))
                {
                    problems.Add(new(node.Id, $"outputs.{outputName}", $"Output \"{outputName}\" targets the undeclared variable \"{variable}\"."));
                }
            }

            if (!_activities.TryGet(node.Type, out var descriptor))
            {
                problems.Add(new(node.Id, "type", $"Unknown activity type \"{node.Type}\"."));
                foreach (var (inputName, expression) in node.Inputs)
                {
                    CheckVariableReference(expression, variables, node.Id, $"inputs.{inputName}", problems);
                }

                continue;
            }

            descriptors[node.Id] = descriptor;
            ValidateInputs(node, descriptor, variables, problems);

            if (!descriptor.HasDynamicOutputs)
            {
                foreach (var outputName in node.Outputs.Keys)
                {
                    if (!descriptor.Outputs.Any(o => string.Equals(o.Name, outputName, StringComparison.Ordinal)))
                    {
                        problems.Add(new(node.Id, $"outputs.{outputName}", $"Activity \"{descriptor.Type}\" has no output \"{outputName}\"."));
                    }
                }
            }
        }

        return descriptors;
    }

    private static void ValidateInputs(NodeDefinition node, ActivityDescriptor descriptor, HashSet<string> variables, List<ValidationProblem> problems)
    {
        foreach (var (inputName, expression) in node.Inputs)
        {
            var field = $"inputs.{inputName}";
            var declared = descriptor.Inputs.FirstOrDefault(i => string.Equals(i.Name, inputName, StringComparison.Ordinal));
            if (declared is null)
            {
                problems.Add(new(node.Id, field, $"Activity \"{descriptor.Type}\" has no input \"{inputName}\"."));
                continue;
            }

            if (!declared.Syntaxes.Contains(expression.Syntax))
            {
                problems.Add(new(node.Id, field, $"Input \"{inputName}\" does not accept the {expression.Syntax.ToString().ToLowerInvariant()} syntax."));
                continue;
            }

            if (expression.Syntax == ExpressionSyntax.Literal && !Matches(expression.Literal, declared.Type))
            {
                problems.Add(new(node.Id, field, $"Input \"{inputName}\" must be of type {Name(declared.Type)} but is {Describe(expression.Literal)}."));
            }

            CheckVariableReference(expression, variables, node.Id, field, problems);
        }

        foreach (var required in descriptor.Inputs.Where(i => i.Required && !node.Inputs.ContainsKey(i.Name)))
        {
            problems.Add(new(node.Id, $"inputs.{required.Name}", $"The required input \"{required.Name}\" is missing."));
        }
    }

    private static (Dictionary<string, List<string>> Outgoing, Dictionary<string, int> Inbound) ValidateEdges(
        WorkflowDefinitionDocument document,
        Dictionary<string, NodeDefinition> nodes,
        Dictionary<string, ActivityDescriptor> descriptors,
        List<ValidationProblem> problems)
    {
        var outgoing = nodes.Keys.ToDictionary(id => id, _ => new List<string>(), StringComparer.Ordinal);
        var inbound = nodes.Keys.ToDictionary(id => id, _ => 0, StringComparer.Ordinal);
        for (var i = 0; i < document.Edges.Count; i++)
        {
            var edge = document.Edges[i];
            var fromExists = nodes.ContainsKey(edge.From);
            var toExists = nodes.ContainsKey(edge.To);
            if (!fromExists)
            {
                problems.Add(new(null, $"edges[{i}].from", $"Edge source \"{edge.From}\" is not a node."));
            }

            if (!toExists)
            {
                problems.Add(new(null, $"edges[{i}].to", $"Edge target \"{edge.To}\" is not a node."));
            }

            if (fromExists && descriptors.TryGetValue(edge.From, out var descriptor) && !descriptor.HasDynamicOutcomes)
            {
                var timeoutOutcome = nodes[edge.From].Timeout?.Outcome;
                if (!descriptor.Outcomes.Contains(edge.On, StringComparer.Ordinal)
                    && !string.Equals(edge.On, timeoutOutcome, StringComparison.Ordinal))
                {
                    var offered = string.Join(", ", timeoutOutcome is null ? descriptor.Outcomes : descriptor.Outcomes.Append(timeoutOutcome));
                    problems.Add(new(edge.From, $"edges[{i}].on", $"Activity \"{descriptor.Type}\" has no outcome \"{edge.On}\" (it offers {offered})."));
                }
            }

            if (fromExists && toExists)
            {
                outgoing[edge.From].Add(edge.To);
                inbound[edge.To]++;
            }
        }

        return (outgoing, inbound);
    }

    private static HashSet<string> ValidateTriggers(
        WorkflowDefinitionDocument document,
        Dictionary<string, NodeDefinition> nodes,
        Dictionary<string, int> inbound,
        List<ValidationProblem> problems)
    {
        var starts = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < document.Triggers.Count; i++)
        {
            var trigger = document.Triggers[i];
            if (string.IsNullOrWhiteSpace(trigger.Node))
            {
                problems.Add(new(null, $"triggers[{i}].node", "The trigger's start node is required."));
                continue;
            }

            if (!nodes.ContainsKey(trigger.Node))
            {
                problems.Add(new(null, $"triggers[{i}].node", $"Trigger start node \"{trigger.Node}\" is not a node."));
                continue;
            }

            // A trigger starts exactly one entry point: a node other edges flow into is not a start.
            if (inbound[trigger.Node] > 0)
            {
                problems.Add(new(trigger.Node, $"triggers[{i}].node", $"Trigger start node \"{trigger.Node}\" has inbound edges; a start node must have none."));
            }

            if (trigger.Config is { ValueKind: not JsonValueKind.Object and not JsonValueKind.Null })
            {
                problems.Add(new(trigger.Node, $"triggers[{i}].config", "The trigger configuration must be a JSON object."));
            }

            starts.Add(trigger.Node);
        }

        return starts;
    }

    private static void ValidateJoins(Dictionary<string, NodeDefinition> nodes, Dictionary<string, int> inbound, List<ValidationProblem> problems)
    {
        foreach (var node in nodes.Values.Where(n => n.Join == JoinMode.All && inbound[n.Id] < 2))
        {
            problems.Add(new(node.Id, "join", $"join \"all\" needs at least two inbound edges; node \"{node.Id}\" has {inbound[node.Id]}.", ValidationSeverity.Warning));
        }
    }

    private static void ValidateReachability(
        WorkflowDefinitionDocument document,
        Dictionary<string, NodeDefinition> nodes,
        Dictionary<string, List<string>> outgoing,
        HashSet<string> triggerStarts,
        List<ValidationProblem> problems)
    {
        if (nodes.Count == 0)
        {
            return;
        }

        var starts = new HashSet<string>(triggerStarts, StringComparer.Ordinal);
        starts.UnionWith(nodes.Values.Where(n => string.Equals(n.Type, StartActivityType, StringComparison.Ordinal)).Select(n => n.Id));
        if (starts.Count == 0)
        {
            problems.Add(new(null, "nodes", $"The definition has no start node (a trigger's node or a \"{StartActivityType}\" node)."));
            return;
        }

        var reached = new HashSet<string>(starts, StringComparer.Ordinal);
        var pending = new Stack<string>(starts);
        while (pending.Count > 0)
        {
            foreach (var next in outgoing[pending.Pop()])
            {
                if (reached.Add(next))
                {
                    pending.Push(next);
                }
            }
        }

        foreach (var node in document.Nodes.Where(n => nodes.TryGetValue(n.Id, out var first) && ReferenceEquals(first, n) && !reached.Contains(n.Id)))
        {
            problems.Add(new(node.Id, "id", $"Node \"{node.Id}\" is not reachable from a start node."));
        }
    }

    private static void ValidateCycles(
        WorkflowDefinitionDocument document,
        Dictionary<string, ActivityDescriptor> descriptors,
        Dictionary<string, List<string>> outgoing,
        List<ValidationProblem> problems)
    {
        // Tarjan's strongly connected components: every component with an inner edge is a cycle.
        var order = document.Nodes.Select(n => n.Id).Where(outgoing.ContainsKey).Distinct(StringComparer.Ordinal).ToList();
        var position = order.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i, StringComparer.Ordinal);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        var lowLink = new Dictionary<string, int>(StringComparer.Ordinal);
        var onStack = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>();
        var counter = 0;

        void Connect(string v)
        {
            index[v] = lowLink[v] = counter++;
            stack.Push(v);
            onStack.Add(v);
            foreach (var w in outgoing[v])
            {
                if (!index.TryGetValue(w, out var wIndex))
                {
                    Connect(w);
                    lowLink[v] = Math.Min(lowLink[v], lowLink[w]);
                }
                else if (onStack.Contains(w))
                {
                    lowLink[v] = Math.Min(lowLink[v], wIndex);
                }
            }

            if (lowLink[v] != index[v])
            {
                return;
            }

            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                onStack.Remove(member);
                component.Add(member);
            }
            while (!string.Equals(member, v, StringComparison.Ordinal));

            var isCycle = component.Count > 1 || outgoing[v].Contains(v, StringComparer.Ordinal);
            // Unknown types were reported already; treating them as waiting avoids a second, misleading error.
            var waits = component.Exists(id => !descriptors.TryGetValue(id, out var d) || d.Waits);
            if (isCycle && !waits)
            {
                component.Sort((a, b) => position[a].CompareTo(position[b]));
                problems.Add(new(component[0], "edges", $"The cycle {string.Join(" → ", component)} contains no waiting (blocking, trigger or job) activity and would loop forever in one step."));
            }
        }

        foreach (var id in order.Where(id => !index.ContainsKey(id)))
        {
            Connect(id);
        }
    }

    private static void ValidateRetry(RetryPolicyDefinition retry, string? nodeId, string field, List<ValidationProblem> problems)
    {
        if (retry.Initial is not null)
        {
            CheckDuration(retry.Initial, nodeId, $"{field}.initial", problems);
        }

        if (retry.Max is < 0)
        {
            problems.Add(new(nodeId, $"{field}.max", "The retry maximum must not be negative."));
        }

        if (retry.Factor is < 1)
        {
            problems.Add(new(nodeId, $"{field}.factor", "The retry factor must be 1 or higher."));
        }
    }

    private static void CheckDuration(string value, string? nodeId, string field, List<ValidationProblem> problems)
    {
        TimeSpan duration;
        try
        {
            duration = XmlConvert.ToTimeSpan(value);
        }
        catch (Exception ex) when (ex is FormatException or OverflowException)
        {
            problems.Add(new(nodeId, field, $"\"{value}\" is not an ISO-8601 duration (e.g. \"PT30M\", \"P1D\")."));
            return;
        }

        if (duration <= TimeSpan.Zero)
        {
            problems.Add(new(nodeId, field, $"The duration \"{value}\" must be positive."));
        }
    }

    private static void CheckVariableReference(ValueExpression expression, HashSet<string> variables, string? nodeId, string field, List<ValidationProblem> problems)
    {
        if (expression.Syntax == ExpressionSyntax.Var && !variables.Contains(expression.Text ?? ""))
        {
            problems.Add(new(nodeId, field, $"Variable \"{expression.Text}\" is not declared."));
        }
    }

    private static bool Matches(JsonElement value, JsonValueType type) => value.ValueKind switch
    {
        // Null stands for "no value" and is accepted for every type.
        JsonValueKind.Null or JsonValueKind.Undefined => true,
        _ when type == JsonValueType.Any => true,
        JsonValueKind.String => type == JsonValueType.String,
        JsonValueKind.Number => type == JsonValueType.Number,
        JsonValueKind.True or JsonValueKind.False => type == JsonValueType.Boolean,
        JsonValueKind.Object => type == JsonValueType.Object,
        JsonValueKind.Array => type == JsonValueType.Array,
        _ => false,
    };

    private static string Name(JsonValueType type) => type.ToString().ToLowerInvariant();

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True or JsonValueKind.False => "boolean",
        _ => value.ValueKind.ToString().ToLower(CultureInfo.InvariantCulture),
    };

    [GeneratedRegex("^[a-z0-9]+(?:-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex SlugPattern();
}
