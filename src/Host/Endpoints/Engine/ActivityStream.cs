using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Errors;
using AgentFlow.Host.Auth;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.Endpoints.Engine;

/// <summary>
/// <c>GET /api/engine/activity/stream</c>: Server-Sent Events of the caller's organisation, each frame with
/// <c>id:</c> (the event's database id), <c>event:</c> (its type) and <c>data:</c> (the JSON event), and a
/// <c>: heartbeat</c> comment every <see cref="ActivityOptions.HeartbeatInterval"/>.
/// </summary>
/// <remarks>
/// Resume: with <c>Last-Event-ID</c> (or <c>?lastEventId=</c>, since a browser's first EventSource request cannot
/// set headers) the stream first sends every event after that id, from the recent-events buffer when it still
/// covers them, else from the database in pages; then live events. The subscription is taken before the replay
/// is read, so an event committed in between arrives twice at most and is skipped by id: nothing is missed,
/// nothing repeated. A client too slow to keep up is disconnected and resumes the same way.
/// </remarks>
internal static class ActivityStream
{
    private const int ReplayPageSize = 500;

    public static async Task StreamAsync(
        HttpContext http, ActivityHub hub, ActivityQueries queries, IOptions<ActivityOptions> options, IOptions<JsonOptions> json,
        TimeProvider time, IHostApplicationLifetime lifetime, string? orgId, string? agentId, string? lastEventId)
    {
        ActivityApi.CheckOrg(http, orgId);
        var agent = Paging.ParseGuid("agentId", agentId);
        var resumeFrom = ParseLastEventId(http.Request.Headers["Last-Event-ID"].ToString() is { Length: > 0 } header ? header : lastEventId);
        var org = http.User.OrgId();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stop.Token;
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no"; // Tells nginx-style proxies not to hold frames back.

        var (subscription, buffered) = hub.Subscribe(org, agent, resumeFrom);
        using (subscription)
        {
            try
            {
                // Sends the headers at once, so a client knows it is connected before the first event.
                await WriteAsync(response, ": connected\n\n", cancellationToken);
                var lastSent = resumeFrom ?? 0;
                if (resumeFrom is { } after)
                {
                    if (buffered is not null)
                    {
                        lastSent = await WriteEventsAsync(response, buffered, lastSent, json.Value.SerializerOptions, cancellationToken);
                    }
                    else
                    {
                        IReadOnlyList<ActivityEvent> page;
                        do
                        {
                            page = await queries.EventsAfterAsync(lastSent, agent, ReplayPageSize, cancellationToken);
                            lastSent = await WriteEventsAsync(response, page, lastSent, json.Value.SerializerOptions, cancellationToken);
                        }
                        while (page.Count == ReplayPageSize);
                    }
                }

                await PumpAsync(response, subscription, lastSent, options.Value.HeartbeatInterval, json.Value.SerializerOptions, time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The client went away or the server is stopping: the stream simply ends.
            }
        }
    }

    private static async Task PumpAsync(
        HttpResponse response, ActivitySubscription subscription, long lastSent, TimeSpan heartbeat, JsonSerializerOptions json, TimeProvider time,
        CancellationToken cancellationToken)
    {
        var reader = subscription.Events;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = reader.WaitToReadAsync(cancellationToken).AsTask();
            while (!wait.IsCompleted)
            {
                using var beat = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var tick = Task.Delay(heartbeat, time, beat.Token);
                if (await Task.WhenAny(wait, tick) == tick)
                {
                    await WriteAsync(response, ": heartbeat\n\n", cancellationToken);
                }
                else
                {
                    await beat.CancelAsync();
                }
            }

            if (!await wait)
            {
                return; // Overflowed (too slow) or disposed: end the response; the client resumes with Last-Event-ID.
            }

            var batch = new List<ActivityEvent>();
            while (reader.TryRead(out var e))
            {
                batch.Add(e);
            }

            lastSent = await WriteEventsAsync(response, batch, lastSent, json, cancellationToken);
        }
    }

    private static async Task<long> WriteEventsAsync(HttpResponse response, IReadOnlyList<ActivityEvent> events, long lastSent, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return lastSent;
        }

        var frames = new StringBuilder();
        foreach (var e in events)
        {
            if (e.Id <= lastSent)
            {
                continue; // Already sent by the replay.
            }

            frames.Append("id: ").Append(e.Id.ToString(CultureInfo.InvariantCulture)).Append('\n')
                .Append("event: ").Append(e.Type).Append('\n')
                .Append("data: ").Append(JsonSerializer.Serialize(ActivityEventResponse.From(e), json)).Append("\n\n");
            lastSent = e.Id;
        }

        if (frames.Length > 0)
        {
            await WriteAsync(response, frames.ToString(), cancellationToken);
        }

        return lastSent;
    }

    private static async Task WriteAsync(HttpResponse response, string text, CancellationToken cancellationToken)
    {
        await response.WriteAsync(text, cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static long? ParseLastEventId(string? value) =>
        string.IsNullOrEmpty(value) ? null
        : long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var id) ? id
        : throw InputValidationException.For("lastEventId", "The Last-Event-ID must be an event id (a whole number) this stream sent.");
}
