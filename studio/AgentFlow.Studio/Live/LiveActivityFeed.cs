using System.Text;
using System.Text.Json;
using AgentFlow.Studio.Api;
using Microsoft.Extensions.Logging;

namespace AgentFlow.Studio.Live;

/// <summary>One activity event as the stream sends it (<c>GET /api/engine/activity/stream</c>).</summary>
public sealed record LiveEvent(long Id, Guid OrgId, Guid? AgentId, string? SessionId, string Type, DateTimeOffset Timestamp, JsonElement Data)
{
    public string? DataString(string name) =>
        Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}

/// <summary>
/// The organisation's activity stream for one browser tab (scoped to the circuit): opened on the first subscriber,
/// reconnected with <c>Last-Event-ID</c> after a drop so nothing is missed, closed with the circuit. Pages
/// subscribe to see new events, approvals and state changes without reloading.
/// </summary>
public sealed partial class LiveActivityFeed(StudioApiClient api, ILogger<LiveActivityFeed> logger) : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<Func<LiveEvent, Task>> _subscribers = [];
    private Task? _pump;
    private string? _lastEventId;

    /// <summary>True while the stream is connected; pages show it as the "live" indicator.</summary>
    public bool Connected { get; private set; }

    public event Action? ConnectionChanged;

    /// <summary>Connects the stream if it is not yet connected (the layout does, so the "live" indicator is true on every page).</summary>
    public void Start()
    {
        lock (_gate)
        {
            _pump ??= Task.Run(() => PumpAsync(_stop.Token));
        }
    }

    /// <summary>Calls <paramref name="handler"/> for every event from now on; dispose the result to stop.</summary>
    public IDisposable Subscribe(Func<LiveEvent, Task> handler)
    {
        lock (_gate)
        {
            _subscribers.Add(handler);
        }

        Start();
        return new Subscription(this, handler);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        if (_pump is not null)
        {
            try
            {
                await _pump;
            }
            catch (OperationCanceledException)
            {
                // Closing.
            }
        }

        _stop.Dispose();
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        var backoff = TimeSpan.FromMilliseconds(250);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                using var response = await api.OpenStreamAsync("api/engine/activity/stream", _lastEventId, cancellationToken);
                SetConnected(true);
                backoff = TimeSpan.FromMilliseconds(250);
                await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                await ReadFramesAsync(stream, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (StudioApiException exception) when (exception.Status is System.Net.HttpStatusCode.Unauthorized or System.Net.HttpStatusCode.Forbidden)
            {
                // The session ended; the authentication state provider takes the user back to the sign-in page.
                SetConnected(false);
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or IOException or StudioApiException)
            {
                LogStreamDropped(logger, exception.Message);
            }

            SetConnected(false);
            await Task.Delay(backoff, cancellationToken);
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, MaxBackoff.Ticks));
        }
    }

    private async Task ReadFramesAsync(Stream stream, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(stream, Encoding.UTF8);
        string? id = null;
        var data = new StringBuilder();
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.Length == 0)
            {
                if (data.Length > 0)
                {
                    var e = JsonSerializer.Deserialize<LiveEvent>(data.ToString(), StudioApiClient.Json);
                    _lastEventId = id ?? _lastEventId;
                    if (e is not null)
                    {
                        await PublishAsync(e);
                    }
                }

                id = null;
                data.Clear();
            }
            else if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                id = line[3..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line.AsSpan(5).TrimStart());
            }
        }
    }

    private async Task PublishAsync(LiveEvent e)
    {
        Func<LiveEvent, Task>[] subscribers;
        lock (_gate)
        {
            subscribers = [.. _subscribers];
        }

        foreach (var subscriber in subscribers)
        {
            try
            {
                await subscriber(e);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // One page's failing handler must not stop the stream for the others.
                LogSubscriberFailed(logger, exception);
            }
        }
    }

    private void SetConnected(bool connected)
    {
        if (Connected != connected)
        {
            Connected = connected;
            ConnectionChanged?.Invoke();
        }
    }

    private void Unsubscribe(Func<LiveEvent, Task> handler)
    {
        lock (_gate)
        {
            _subscribers.Remove(handler);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The Studio's activity stream dropped ({Reason}); reconnecting.")]
    private static partial void LogStreamDropped(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A Studio page failed to handle a live event.")]
    private static partial void LogSubscriberFailed(ILogger logger, Exception exception);

    private sealed class Subscription(LiveActivityFeed feed, Func<LiveEvent, Task> handler) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(handler);
    }
}
