using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// The state document of an instance (<c>state_json</c>): inputs, variables, tokens and join progress.
/// Only JSON-native values live here, so any version of the runtime can read what another wrote.
/// </summary>
public sealed class InstanceState
{
    private static readonly JsonSerializerOptions SerializerOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public JsonObject Input { get; set; } = [];
    public JsonObject Vars { get; set; } = [];
    public List<TokenState> Tokens { get; set; } = [];

    /// <summary>Inbound edges that delivered a token to a <c>join:"all"</c> node, by node id.</summary>
    public Dictionary<string, List<string>> Joins { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The last journal sequence number written.</summary>
    public long JournalSeq { get; set; }

    /// <summary>The workflow outputs, set when the instance finishes.</summary>
    public JsonObject? Output { get; set; }

    /// <summary>The <c>result</c> of the <c>core.end</c> node that finished the instance.</summary>
    public JsonNode? Result { get; set; }

    /// <summary>The parent waiting for this instance (a child workflow), if any.</summary>
    public ParentLink? Parent { get; set; }

    /// <summary>Why the instance faulted or was cancelled.</summary>
    public string? Error { get; set; }

    public string Serialize() => JsonSerializer.Serialize(this, SerializerOptions);

    public static InstanceState Deserialize(string json) =>
        JsonSerializer.Deserialize<InstanceState>(json, SerializerOptions) ?? new InstanceState();
}

/// <summary>What a token is doing.</summary>
public enum TokenStatus
{
    /// <summary>Queued to run its node (a burst was capped before it ran).</summary>
    Ready,

    /// <summary>Suspended on one or more bookmarks.</summary>
    Waiting,

    /// <summary>Its node failed for good; an incident is open and the instance can be retried.</summary>
    Faulted,
}

/// <summary>An execution pointer: parallel branches are several tokens.</summary>
public sealed class TokenState
{
    public Guid Id { get; set; }
    public string NodeId { get; set; } = "";
    public TokenStatus Status { get; set; }

    /// <summary>Number of the current attempt at the node (1 on arrival; a retry increments it).</summary>
    public int Attempt { get; set; } = 1;

    /// <summary>The bookmarks the token waits on (the first satisfied one wins; the others are deleted).</summary>
    public List<Guid> Waits { get; set; } = [];

    /// <summary>The kinds of <see cref="Waits"/> (for the instance's sub-status without reading bookmarks).</summary>
    public List<string> WaitKinds { get; set; } = [];

    /// <summary>The node-local durable state of the activity.</summary>
    public JsonObject NodeState { get; set; } = [];

    /// <summary>When the node's boundary timeout fires; kept across re-suspensions at the same node.</summary>
    public DateTimeOffset? TimeoutAt { get; set; }

    /// <summary>A stimulus the node should be resumed with instead of executed (a trigger that started the instance).</summary>
    public PendingResume? Resume { get; set; }
}

/// <summary>A resume queued on a ready token.</summary>
/// <param name="Kind">The wait kind (lower-case name).</param>
/// <param name="Key">The wait key.</param>
/// <param name="Payload">The stimulus payload.</param>
public sealed record PendingResume(string Kind, string Key, JsonNode? Payload);

/// <summary>The parent instance that waits for a child instance.</summary>
/// <param name="InstanceId">The parent instance.</param>
/// <param name="Key">The key of the parent's <c>child</c> wait.</param>
public sealed record ParentLink(Guid InstanceId, string Key);
