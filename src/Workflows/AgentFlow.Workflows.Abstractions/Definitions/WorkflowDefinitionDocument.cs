using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AgentFlow.Workflows.Definitions;

/// <summary>A workflow definition in the JSON format "wf/1": a flat flowchart of nodes and edges.</summary>
public sealed record WorkflowDefinitionDocument
{
    /// <summary>The only schema identifier this model understands.</summary>
    public const string CurrentSchema = "wf/1";

    /// <summary>The format identifier; must be <see cref="CurrentSchema"/>.</summary>
    public string Schema { get; init; } = "";

    /// <summary>Stable slug identifying the workflow across versions (e.g. "expense-approval").</summary>
    public string DefinitionId { get; init; } = "";

    /// <summary>Version number of this definition.</summary>
    public int Version { get; init; } = 1;

    /// <summary>Human-readable name.</summary>
    public string? Name { get; init; }

    /// <summary>Inputs the workflow is started with.</summary>
    public IReadOnlyList<VariableDefinition> Inputs { get; init; } = [];

    /// <summary>Workflow variables (the names <c>{"var":"x"}</c> refers to).</summary>
    public IReadOnlyList<VariableDefinition> Variables { get; init; } = [];

    /// <summary>Values the workflow returns when it completes.</summary>
    public IReadOnlyList<WorkflowOutputDefinition> Outputs { get; init; } = [];

    /// <summary>What starts new instances.</summary>
    public IReadOnlyList<TriggerDefinition> Triggers { get; init; } = [];

    /// <summary>Defaults applied to every node that does not override them.</summary>
    public WorkflowDefaults? Defaults { get; init; }

    /// <summary>The nodes of the flowchart.</summary>
    public IReadOnlyList<NodeDefinition> Nodes { get; init; } = [];

    /// <summary>The edges of the flowchart.</summary>
    public IReadOnlyList<EdgeDefinition> Edges { get; init; } = [];

    /// <summary>Designer positions by node id (opaque to the runtime).</summary>
    public IReadOnlyDictionary<string, JsonElement>? Layout { get; init; }
}

/// <summary>JSON value types used for inputs, variables and activity inputs.</summary>
[SuppressMessage("Naming", "CA1720:Identifier contains type name", Justification = "The members are the JSON type names of the wire format.")]
public enum JsonValueType
{
    /// <summary>Any JSON value.</summary>
    Any,

    /// <summary>A JSON string.</summary>
    String,

    /// <summary>A JSON number.</summary>
    Number,

    /// <summary>true or false.</summary>
    Boolean,

    /// <summary>A JSON object.</summary>
    Object,

    /// <summary>A JSON array.</summary>
    Array,
}

/// <summary>A workflow input or variable.</summary>
public sealed record VariableDefinition
{
    /// <summary>The name.</summary>
    public string Name { get; init; } = "";

    /// <summary>The JSON type of the value.</summary>
    public JsonValueType Type { get; init; } = JsonValueType.Any;

    /// <summary>The initial value (absent and JSON null both mean null).</summary>
    public JsonElement? Default { get; init; }
}

/// <summary>A value the workflow returns.</summary>
public sealed record WorkflowOutputDefinition
{
    /// <summary>The output name.</summary>
    public string Name { get; init; } = "";

    /// <summary>Where the value comes from.</summary>
    public ValueExpression? From { get; init; }
}

/// <summary>Settings applied to all nodes unless a node overrides them.</summary>
public sealed record WorkflowDefaults
{
    /// <summary>The default retry policy.</summary>
    public RetryPolicyDefinition? Retry { get; init; }
}

/// <summary>Durable retry policy of a node (retry = timer wait).</summary>
public sealed record RetryPolicyDefinition
{
    /// <summary>Maximum number of retries.</summary>
    public int? Max { get; init; }

    /// <summary>First delay as an ISO-8601 duration (e.g. "PT30S").</summary>
    public string? Initial { get; init; }

    /// <summary>Backoff multiplier applied to each further delay.</summary>
    public double? Factor { get; init; }

    /// <summary>Which failures are retried (e.g. "transient").</summary>
    public string? On { get; init; }
}

/// <summary>How a node treats tokens arriving over several inbound edges.</summary>
public enum JoinMode
{
    /// <summary>XOR-merge: every arriving token runs the node.</summary>
    Any,

    /// <summary>Waits for one token per inbound edge.</summary>
    All,

    /// <summary>The first token wins and cancels the other inbound branches' waits.</summary>
    Race,
}

/// <summary>A node of the flowchart: one activity invocation.</summary>
public sealed record NodeDefinition
{
    /// <summary>Unique id of the node within the definition.</summary>
    public string Id { get; init; } = "";

    /// <summary>The activity type name (e.g. "core.start").</summary>
    public string Type { get; init; } = "";

    /// <summary>Activity inputs by name.</summary>
    public IReadOnlyDictionary<string, ValueExpression> Inputs { get; init; } = new Dictionary<string, ValueExpression>();

    /// <summary>Maps an activity output name to the workflow variable that receives it.</summary>
    public IReadOnlyDictionary<string, string> Outputs { get; init; } = new Dictionary<string, string>();

    /// <summary>Boundary timer of a blocking node.</summary>
    public NodeTimeout? Timeout { get; init; }

    /// <summary>Join semantics for multiple inbound edges.</summary>
    public JoinMode Join { get; init; } = JoinMode.Any;

    /// <summary>Retry policy overriding <see cref="WorkflowDefaults.Retry"/>.</summary>
    public RetryPolicyDefinition? Retry { get; init; }

    /// <summary>Optional phase number for grouping nodes in views.</summary>
    public int? Phase { get; init; }
}

/// <summary>Boundary timer: when it fires first, the node ends with <see cref="Outcome"/>.</summary>
public sealed record NodeTimeout
{
    /// <summary>ISO-8601 duration (e.g. "PT48H").</summary>
    public string After { get; init; } = "";

    /// <summary>The outcome produced when the timer fires.</summary>
    public string Outcome { get; init; } = "TimedOut";
}

/// <summary>A connection from one node's outcome to another node.</summary>
public sealed record EdgeDefinition
{
    /// <summary>The outcome used when an edge does not name one.</summary>
    public const string DefaultOutcome = "Done";

    /// <summary>Source node id.</summary>
    public string From { get; init; } = "";

    /// <summary>The source outcome this edge follows.</summary>
    public string On { get; init; } = DefaultOutcome;

    /// <summary>Target node id.</summary>
    public string To { get; init; } = "";
}

/// <summary>The kind of stimulus a trigger reacts to.</summary>
public enum TriggerKind
{
    /// <summary>An HTTP request.</summary>
    Http,

    /// <summary>A named domain event.</summary>
    Event,

    /// <summary>A one-shot timer.</summary>
    Timer,

    /// <summary>A cron schedule.</summary>
    Cron,

    /// <summary>An explicit signal.</summary>
    Signal,
}

/// <summary>Starts new instances at a node.</summary>
public sealed record TriggerDefinition
{
    /// <summary>The start node id.</summary>
    public string Node { get; init; } = "";

    /// <summary>The stimulus kind.</summary>
    public TriggerKind Kind { get; init; }

    /// <summary>Kind-specific configuration (e.g. method and path for HTTP).</summary>
    public JsonElement? Config { get; init; }
}
