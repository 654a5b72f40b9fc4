using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AgentFlow.Workflows.Activities;

/// <summary>
/// What an activity sees during one step: its evaluated inputs, where it runs, the clock, the node-local state
/// and a collector for side effects. The runtime builds one per step; activities never reach the database.
/// </summary>
public sealed class ActivityContext
{
    // Web defaults match how inputs are written in definitions (camelCase, case-insensitive); enums accept names.
    private static readonly JsonSerializerOptions InputSerializerOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly List<OutboxMessage> _emitted = [];
    private readonly List<VariableWrite> _variableWrites = [];
    private readonly List<ActivityLogEntry> _logEntries = [];

    /// <summary>Creates the context of one step.</summary>
    /// <param name="workflowInstanceId">The instance the node runs in.</param>
    /// <param name="nodeId">The node being executed.</param>
    /// <param name="tokenId">The token that arrived at the node.</param>
    /// <param name="inputs">The already evaluated inputs by input name.</param>
    /// <param name="state">The node-local durable state; changes are persisted with the step.</param>
    /// <param name="idempotencyKey">A key stable across retries of this step, for side effects that must happen once.</param>
    /// <param name="timeProvider">The clock.</param>
    /// <param name="cancellationToken">Cancels the step.</param>
    public ActivityContext(
        Guid workflowInstanceId,
        string nodeId,
        Guid tokenId,
        IReadOnlyDictionary<string, JsonNode?> inputs,
        JsonObject state,
        string idempotencyKey,
        TimeProvider timeProvider,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentException.ThrowIfNullOrWhiteSpace(idempotencyKey);
        ArgumentNullException.ThrowIfNull(timeProvider);
        WorkflowInstanceId = workflowInstanceId;
        NodeId = nodeId;
        TokenId = tokenId;
        Inputs = inputs;
        State = state;
        IdempotencyKey = idempotencyKey;
        TimeProvider = timeProvider;
        CancellationToken = cancellationToken;
    }

    /// <summary>The instance the node runs in.</summary>
    public Guid WorkflowInstanceId { get; }

    /// <summary>The node being executed.</summary>
    public string NodeId { get; }

    /// <summary>The token that arrived at the node.</summary>
    public Guid TokenId { get; }

    /// <summary>The evaluated inputs by input name.</summary>
    public IReadOnlyDictionary<string, JsonNode?> Inputs { get; }

    /// <summary>The node-local durable state (survives suspension); changes are persisted with the step.</summary>
    public JsonObject State { get; }

    /// <summary>A key stable across retries of this step, for side effects that must happen once.</summary>
    public string IdempotencyKey { get; }

    /// <summary>The clock.</summary>
    public TimeProvider TimeProvider { get; }

    /// <summary>Cancels the step.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The side effects emitted so far in this step, in order.</summary>
    public IReadOnlyList<OutboxMessage> EmittedMessages => _emitted;

    /// <summary>The variable writes of this step, in order; applied to the instance when the step completes.</summary>
    public IReadOnlyList<VariableWrite> VariableWrites => _variableWrites;

    /// <summary>The log entries of this step, in order; they become journal entries of the instance.</summary>
    public IReadOnlyList<ActivityLogEntry> LogEntries => _logEntries;

    /// <summary>Reads an input converted to <typeparamref name="T"/>.</summary>
    /// <typeparam name="T">The CLR type to convert the JSON value to.</typeparam>
    /// <param name="name">The input name.</param>
    /// <returns>The converted value, or <c>default</c> when the input is missing or JSON null.</returns>
    /// <exception cref="InvalidOperationException">The value cannot be converted to <typeparamref name="T"/>.</exception>
    public T? GetInput<T>(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!Inputs.TryGetValue(name, out var node) || node is null)
        {
            return default;
        }

        try
        {
            return node.Deserialize<T>(InputSerializerOptions);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
        {
            throw new InvalidOperationException(
                $"Input \"{name}\" of node \"{NodeId}\" cannot be read as {typeof(T).Name}: {ex.Message}", ex);
        }
    }

    /// <summary>Asks for a side effect, performed after the step is committed.</summary>
    /// <param name="message">The side effect.</param>
    public void Emit(OutboxMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _emitted.Add(message);
    }

    /// <summary>
    /// Sets a workflow variable when the step completes. Activities that compute a value for a variable named by the
    /// author (e.g. <c>core.set</c>) use this; everything else maps outputs to variables in the definition.
    /// </summary>
    /// <param name="name">The variable name; it must be declared by the definition.</param>
    /// <param name="value">The new JSON value.</param>
    public void SetVariable(string name, JsonNode? value)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        _variableWrites.Add(new VariableWrite(name, value));
    }

    /// <summary>Writes an entry to the instance journal when the step is committed.</summary>
    /// <param name="level">The severity ("debug", "info", "warning" or "error").</param>
    /// <param name="message">The message.</param>
    /// <param name="data">Optional structured data.</param>
    public void Log(string level, string message, JsonNode? data = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(level);
        ArgumentNullException.ThrowIfNull(message);
        _logEntries.Add(new ActivityLogEntry(level, message, data));
    }
}

/// <summary>A variable write requested by an activity.</summary>
/// <param name="Name">The variable name.</param>
/// <param name="Value">The new value.</param>
public sealed record VariableWrite(string Name, JsonNode? Value);

/// <summary>A journal entry written by an activity.</summary>
/// <param name="Level">The severity.</param>
/// <param name="Message">The message.</param>
/// <param name="Data">Optional structured data.</param>
public sealed record ActivityLogEntry(string Level, string Message, JsonNode? Data);
