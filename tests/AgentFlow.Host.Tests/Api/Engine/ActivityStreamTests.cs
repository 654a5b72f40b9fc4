using System.Net;
using System.Net.Http.Headers;
using AgentFlow.Engine.Activity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api.Engine;

/// <summary>
/// The SSE stream read as a client would: frames with id/event/data, heartbeats, filters, and resuming with
/// Last-Event-ID both within the recent-events buffer and beyond it (the fixture keeps only
/// <see cref="ActivitySettings.BufferSize"/> events per organisation, so larger gaps replay from the database).
/// </summary>
public abstract class ActivityStreamTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    // A guard against a hang, not a timing assertion: every read below normally completes at once.
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Stream_SendsNewEventsWithIdEventAndData()
    {
        var tenant = await host.CreateTenantAsync();
        var agent = Guid.NewGuid();
        using var timeout = new CancellationTokenSource(ReadTimeout);
        using var response = await OpenAsync(tenant.Owner.Client, "/api/engine/activity/stream", null, timeout.Token);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        await host.RecordEventsAsync(tenant.OrgId, agent, ActivityTypes.TaskAssigned);

        var frame = await sse.NextEventAsync(timeout.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(ActivityTypes.TaskAssigned, frame.Event);
        Assert.Equal(frame.NumericId, frame.Json.GetProperty("id").GetInt64());
        Assert.Equal(ActivityTypes.TaskAssigned, frame.Json.GetProperty("type").GetString());
        Assert.Equal(agent.ToString(), frame.Json.GetProperty("agentId").GetString());
        Assert.Contains(": connected", sse.Comments);
    }

    [Theory]
    [InlineData(1)] // within the buffer
    [InlineData(ActivitySettings.BufferSize + 3)] // beyond it: replayed from the database
    public async Task Stream_ReconnectWithLastEventId_ReceivesExactlyTheMissedEventsInOrder(int missed)
    {
        var tenant = await host.CreateTenantAsync();
        var agent = Guid.NewGuid();
        using var timeout = new CancellationTokenSource(ReadTimeout);
        long lastSeen;
        using (var first = await OpenAsync(tenant.Owner.Client, "/api/engine/activity/stream", null, timeout.Token))
        using (var sse = new SseReader(await first.Content.ReadAsStreamAsync(timeout.Token)))
        {
            await host.RecordEventsAsync(tenant.OrgId, agent, "seen-1", "seen-2");
            Assert.Equal("seen-1", (await sse.NextEventAsync(timeout.Token)).Event);
            lastSeen = (await sse.NextEventAsync(timeout.Token)).NumericId;
        }

        var missedTypes = Enumerable.Range(1, missed).Select(i => $"missed-{i}").ToArray();
        await host.RecordEventsAsync(tenant.OrgId, agent, missedTypes);

        using var second = await OpenAsync(tenant.Owner.Client, "/api/engine/activity/stream", lastSeen.ToString(System.Globalization.CultureInfo.InvariantCulture), timeout.Token);
        using var resumed = new SseReader(await second.Content.ReadAsStreamAsync(timeout.Token));
        var replayed = new List<SseFrame>();
        for (var i = 0; i < missed; i++)
        {
            replayed.Add(await resumed.NextEventAsync(timeout.Token));
        }

        // A live event after the replay proves nothing extra (no duplicate, no older event) came in between.
        await host.RecordEventsAsync(tenant.OrgId, agent, "live-after");
        var live = await resumed.NextEventAsync(timeout.Token);

        Assert.Equal(missedTypes, replayed.Select(f => f.Event));
        Assert.All(replayed, f => Assert.True(f.NumericId > lastSeen));
        var ids = replayed.Select(f => f.NumericId).ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
        Assert.Equal("live-after", live.Event);
        Assert.True(live.NumericId > ids[^1]);
    }

    [Fact]
    public async Task Stream_LastEventIdAsQueryParameter_AlsoReplays()
    {
        var tenant = await host.CreateTenantAsync();
        await host.RecordEventsAsync(tenant.OrgId, null, "before");
        var events = await (await tenant.Owner.Client.GetAsync("/api/engine/activity/events")).AssertSuccessAsync();
        var beforeId = Assert.Single(events.GetProperty("data").EnumerateArray()).GetProperty("id").GetInt64();
        await host.RecordEventsAsync(tenant.OrgId, null, "after");
        using var timeout = new CancellationTokenSource(ReadTimeout);

        using var response = await OpenAsync(tenant.Owner.Client, $"/api/engine/activity/stream?lastEventId={beforeId}", null, timeout.Token);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        Assert.Equal("after", (await sse.NextEventAsync(timeout.Token)).Event);
    }

    [Fact]
    public async Task Stream_FiltersByAgentAndNeverCarriesAnotherOrganisation()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var watched = Guid.NewGuid();
        using var timeout = new CancellationTokenSource(ReadTimeout);
        using var response = await OpenAsync(tenant.Owner.Client, $"/api/engine/activity/stream?agentId={watched}", null, timeout.Token);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        await host.RecordEventsAsync(other.OrgId, watched, "foreign-org");
        await host.RecordEventsAsync(tenant.OrgId, Guid.NewGuid(), "other-agent");
        await host.RecordEventsAsync(tenant.OrgId, watched, "watched");

        var frame = await sse.NextEventAsync(timeout.Token);
        Assert.Equal("watched", frame.Event);
        Assert.Equal(tenant.OrgId.ToString(), frame.Json.GetProperty("orgId").GetString());
    }

    [Fact]
    public async Task Stream_AnotherOrganisationsId_Returns404()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync($"/api/engine/activity/stream?orgId={other.OrgId}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Stream_InvalidLastEventIdHeader_Returns400()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await OpenAsync(tenant.Owner.Client, "/api/engine/activity/stream", "-5", CancellationToken.None);

        await response.AssertValidationErrorForAsync("lastEventId");
    }

    [Fact]
    public async Task Stream_Idle_SendsHeartbeatComments()
    {
        var tenant = await host.CreateTenantAsync();
        using var timeout = new CancellationTokenSource(ReadTimeout);
        using var response = await OpenAsync(tenant.Owner.Client, "/api/engine/activity/stream", null, timeout.Token);
        using var sse = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));

        await sse.WaitForCommentAsync(": heartbeat", timeout.Token);

        Assert.Contains(": heartbeat", sse.Comments);
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client, string url, string? lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
    }
}

public sealed class SqliteActivityStreamTests(SqliteActivityHostFixture host) : ActivityStreamTests<SqliteActivityHostFixture>(host);

public sealed class PostgresActivityStreamTests(PostgresActivityHostFixture host) : ActivityStreamTests<PostgresActivityHostFixture>(host);
