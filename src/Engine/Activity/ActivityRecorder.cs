using System.Threading.Channels;
using AgentFlow.Engine.Errors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentFlow.Engine.Activity;

/// <summary>Work for the writer, in the order it was recorded.</summary>
internal abstract record ActivityOp;

internal sealed record EventOp(ActivityEvent Event) : ActivityOp;

internal sealed record ToolStartOp(ToolCallRecord Call, ActivityEvent Event) : ActivityOp;

internal sealed record ToolEndOp(ToolCallEndInput Input, DateTimeOffset CompletedAt) : ActivityOp;

internal sealed record MessageOp(ConversationMessage Message, ActivityEvent Event) : ActivityOp;

/// <summary>Completed by the writer once every op queued before it has been handled.</summary>
internal sealed record FlushOp(TaskCompletionSource Done) : ActivityOp;

/// <summary>
/// The producer side: checks and masks a record, then queues it on a bounded channel that
/// <see cref="ActivityWriter"/> drains. Overload policy: drop the new record and count it
/// (<see cref="Dropped"/>), because blocking would stall agents on a slow database.
/// </summary>
internal sealed partial class ActivityRecorder : IActivityRecorder
{
    private readonly Channel<ActivityOp> _queue;
    private readonly TimeProvider _time;
    private readonly ILogger<ActivityRecorder> _logger;
    private long _dropped;

    public ActivityRecorder(IOptions<ActivityOptions> options, TimeProvider time, ILogger<ActivityRecorder> logger)
    {
        _queue = Channel.CreateBounded<ActivityOp>(new BoundedChannelOptions(options.Value.QueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // TryWrite then fails at once; only FlushAsync waits for room.
            SingleReader = true,
            SingleWriter = false,
        });
        _time = time;
        _logger = logger;
    }

    /// <summary>Records dropped because the queue was full or the writer had stopped.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    internal ChannelReader<ActivityOp> Reader => _queue.Reader;

    /// <summary>Stops accepting records; the writer drains what is queued and then ends.</summary>
    internal void Complete() => _queue.Writer.TryComplete();

    public bool Record(ActivityEventInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var type = errors.Text("type", input.Type, ActivityLimits.TypeLength, required: true);
        var session = errors.Text("sessionId", input.SessionId, ActivityLimits.SessionIdLength, required: false);
        errors.ThrowIfAny();
        return Enqueue(new EventOp(NewEvent(input.OrgId, input.AgentId, session, type!, SecretMasker.MaskToJson(input.Data), _time.GetUtcNow())));
    }

    public Guid? StartToolCall(ToolCallStartInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var toolId = errors.Text("toolId", input.ToolId, ActivityLimits.ToolIdLength, required: true);
        var toolName = errors.Text("toolName", input.ToolName, ActivityLimits.ToolNameLength, required: false);
        var session = errors.Text("sessionId", input.SessionId, ActivityLimits.SessionIdLength, required: false);
        errors.ThrowIfAny();

        var now = _time.GetUtcNow();
        var permission = input.Permission ?? new ToolCallDecision(true);
        var call = new ToolCallRecord
        {
            Id = Guid.CreateVersion7(now),
            OrgId = input.OrgId,
            AgentId = input.AgentId,
            SessionId = session,
            ToolId = toolId!,
            ToolName = toolName,
            Parameters = SecretMasker.MaskToJson(input.Parameters),
            Status = permission.Allowed ? ToolCallStatus.Running : ToolCallStatus.Blocked,
            StartedAt = now,
            PermissionAllowed = permission.Allowed,
            PermissionReason = Cut(permission.Reason, ActivityLimits.ErrorLength),
            RequiredApproval = permission.RequiredApproval,
            ApprovalId = permission.ApprovalId,
        };
        var data = SecretMasker.MaskToJson(new Dictionary<string, object?>
        {
            ["toolCallId"] = call.Id,
            ["toolId"] = call.ToolId,
            ["toolName"] = call.ToolName,
            ["allowed"] = permission.Allowed,
            ["reason"] = call.PermissionReason,
        });
        var type = permission.Allowed ? ActivityTypes.ToolCallStart : ActivityTypes.ToolBlocked;
        return Enqueue(new ToolStartOp(call, NewEvent(input.OrgId, input.AgentId, session, type, data, now))) ? call.Id : null;
    }

    public bool EndToolCall(ToolCallEndInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        if (input.DurationMs is < 0)
        {
            errors.Add("durationMs", "The durationMs field must not be negative.");
        }

        if (input.InputTokens is < 0 || input.OutputTokens is < 0)
        {
            errors.Add("tokens", "Token counts must not be negative.");
        }

        if (input.CostUsd is < 0)
        {
            errors.Add("costUsd", "The costUsd field must not be negative.");
        }

        errors.ThrowIfAny();
        return Enqueue(new ToolEndOp(input, _time.GetUtcNow()));
    }

    public bool RecordMessage(ConversationMessageInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new FieldErrors();
        var session = errors.Text("sessionId", input.SessionId, ActivityLimits.SessionIdLength, required: true);
        if (!ConversationRoles.All.Contains(input.Role))
        {
            errors.Add("role", "The role field must be one of: " + string.Join(", ", ConversationRoles.All) + ".");
        }

        if (input.Content is null)
        {
            errors.Add("content", "The content field is required.");
        }

        if (input.TokenCount is < 0)
        {
            errors.Add("tokenCount", "The tokenCount field must not be negative.");
        }

        if (input.CostUsd is < 0)
        {
            errors.Add("costUsd", "The costUsd field must not be negative.");
        }

        errors.ThrowIfAny();
        var now = _time.GetUtcNow();
        var message = new ConversationMessage
        {
            Id = Guid.CreateVersion7(now),
            OrgId = input.OrgId,
            AgentId = input.AgentId,
            SessionId = session!,
            Role = input.Role,
            Content = Cut(input.Content, ActivityLimits.MessageContentLength)!,
            Channel = Cut(input.Channel, ActivityLimits.ChannelLength),
            TokenCount = input.TokenCount,
            CostMicroUsd = ToMicroUsd(input.CostUsd),
            Timestamp = now,
        };
        var data = SecretMasker.MaskToJson(new Dictionary<string, object?>
        {
            ["messageId"] = message.Id,
            ["role"] = message.Role,
            ["channel"] = message.Channel,
            ["tokenCount"] = message.TokenCount,
            ["length"] = input.Content!.Length,
        });
        var type = input.Role == "user" ? ActivityTypes.MessageReceived : ActivityTypes.MessageSent;
        // The reference recorded this event with orgId '' (invisible to every org filter); it belongs to the message's org.
        return Enqueue(new MessageOp(message, NewEvent(input.OrgId, input.AgentId, session, type, data, now)));
    }

    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        try
        {
            await _queue.Writer.WriteAsync(new FlushOp(done), cancellationToken);
        }
        catch (ChannelClosedException)
        {
            return; // Stopped: everything queued has been drained already, or is being drained now.
        }

        await done.Task.WaitAsync(cancellationToken);
    }

    internal static long? ToMicroUsd(decimal? usd) => usd is { } value ? (long)decimal.Round(value * 1_000_000m, MidpointRounding.AwayFromZero) : null;

    internal static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max];

    private static ActivityEvent NewEvent(Guid orgId, Guid? agentId, string? sessionId, string type, string data, DateTimeOffset at) => new()
    {
        OrgId = orgId == Guid.Empty ? throw InputValidationException.For("orgId", "An activity record needs its organisation.") : orgId,
        AgentId = agentId,
        SessionId = sessionId,
        Type = type,
        Data = data,
        Timestamp = at,
    };

    private bool Enqueue(ActivityOp op)
    {
        if (_queue.Writer.TryWrite(op))
        {
            return true;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        // One line for the first drop and then one per thousand: an overload must not also flood the log.
        if (dropped == 1 || dropped % 1000 == 0)
        {
            LogDropped(_logger, dropped);
        }

        return false;
    }

    [LoggerMessage(EventId = 5001, EventName = "ActivityDropped", Level = LogLevel.Warning,
        Message = "Activity queue full or stopped: {Dropped} records dropped so far")]
    private static partial void LogDropped(ILogger logger, long dropped);
}
