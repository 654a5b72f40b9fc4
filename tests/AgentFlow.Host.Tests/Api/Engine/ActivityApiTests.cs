using System.Net;
using System.Text.Json;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api.Engine;

public abstract class ActivityApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task ListEvents_PagesNewestFirstAndCountsOnlyOwnOrganisation()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var agent = Guid.Parse(await tenant.Owner.Client.CreateAgentAsync("pager"));
        await host.RecordEventsAsync(tenant.OrgId, agent, "a", "b", "c", "d", "e");
        await host.RecordEventsAsync(other.OrgId, null, "foreign");

        var body = await (await tenant.Owner.Client.GetAsync("/api/engine/activity/events?limit=2&offset=1")).AssertSuccessAsync();

        var events = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["d", "c"], events.Select(e => e.GetProperty("type").GetString()));
        Assert.True(events[0].GetProperty("id").GetInt64() > events[1].GetProperty("id").GetInt64());
        Assert.Equal("d", events[0].GetProperty("data").GetProperty("label").GetString());
        Assert.Equal(agent.ToString(), events[0].GetProperty("agentId").GetString());
        Assert.Equal(tenant.OrgId.ToString(), events[0].GetProperty("orgId").GetString());
        var meta = body.GetProperty("meta");
        Assert.Equal(5, meta.GetProperty("total").GetInt32());
        Assert.Equal(2, meta.GetProperty("limit").GetInt32());
        Assert.Equal(1, meta.GetProperty("offset").GetInt32());
    }

    [Fact]
    public async Task ListEvents_FilterByAgentAndTypes_ReturnsOnlyMatches()
    {
        var tenant = await host.CreateTenantAsync();
        var first = Guid.Parse(await tenant.Owner.Client.CreateAgentAsync("first"));
        var second = Guid.Parse(await tenant.Owner.Client.CreateAgentAsync("second"));
        await host.RecordEventsAsync(tenant.OrgId, first, ActivityTypes.Error, ActivityTypes.Warning, ActivityTypes.Heartbeat);
        await host.RecordEventsAsync(tenant.OrgId, second, ActivityTypes.Error);

        var body = await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/events?agentId={first}&type=error,warning")).AssertSuccessAsync();

        var types = body.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Equal([ActivityTypes.Warning, ActivityTypes.Error], types);
        Assert.Equal(2, body.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("/api/engine/activity/events?limit=0", "limit")]
    [InlineData("/api/engine/activity/events?limit=501", "limit")]
    [InlineData("/api/engine/activity/events?offset=-1", "offset")]
    [InlineData("/api/engine/activity/events?agentId=not-a-guid", "agentId")]
    [InlineData("/api/engine/activity/events?since=yesterday", "since")]
    [InlineData("/api/engine/activity/events?since=2026-02-02T00:00:00Z&until=2026-02-01T00:00:00Z", "since")]
    [InlineData("/api/engine/activity/events?orgId=nope", "orgId")]
    [InlineData("/api/engine/activity/tool-calls?status=exploded", "status")]
    [InlineData("/api/engine/activity/tool-calls?limit=abc", "limit")]
    [InlineData("/api/engine/activity/conversation/s1?limit=9999", "limit")]
    [InlineData("/api/engine/activity/stream?agentId=123", "agentId")]
    [InlineData("/api/engine/activity/stream?lastEventId=abc", "lastEventId")]
    public async Task ReadRoute_InvalidQuery_Returns400NamingTheField(string url, string field)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync(url);

        await response.AssertValidationErrorForAsync(field);
    }

    [Fact]
    public async Task Timeline_BadDate_Returns400()
    {
        var tenant = await host.CreateTenantAsync();
        var agent = await tenant.Owner.Client.CreateAgentAsync("dated");

        var response = await tenant.Owner.Client.GetAsync($"/api/engine/activity/timeline/{agent}/2026-13-01");

        await response.AssertValidationErrorForAsync("date");
    }

    [Fact]
    public async Task ReadRoutes_WithoutAuthentication_Return401()
    {
        var response = await host.CreateClient().GetAsync("/api/engine/activity/events");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task ReadRoutes_Viewer_CanRead()
    {
        var tenant = await host.CreateTenantAsync();
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        await host.RecordEventsAsync(tenant.OrgId, null, "seen");

        var body = await (await viewer.Client.GetAsync("/api/engine/activity/events")).AssertSuccessAsync();

        Assert.Equal("seen", Assert.Single(body.GetProperty("data").EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task ToolCall_StartAndEnd_IsReadBackWithResultTimingCostAndEvents()
    {
        var tenant = await host.CreateTenantAsync();
        var agent = Guid.Parse(await tenant.Owner.Client.CreateAgentAsync("caller"));
        var recorder = host.Recorder();
        var id = recorder.StartToolCall(new ToolCallStartInput(tenant.OrgId, agent, "agenticmail_send", new { to = "user@example.com" }, "Send Email", "sess-1"));
        Assert.NotNull(id);
        await recorder.FlushAsync();
        Assert.True(recorder.EndToolCall(new ToolCallEndInput(tenant.OrgId, id.Value, true, "Sent", DurationMs: 450, InputTokens: 10, OutputTokens: 20, CostUsd: 0.0015m)));
        await recorder.FlushAsync();

        var call = (await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/tool-calls/{id}")).AssertSuccessAsync()).GetProperty("data");

        Assert.Equal("agenticmail_send", call.GetProperty("toolId").GetString());
        Assert.Equal("Send Email", call.GetProperty("toolName").GetString());
        Assert.Equal("succeeded", call.GetProperty("status").GetString());
        Assert.True(call.GetProperty("result").GetProperty("success").GetBoolean());
        Assert.Equal("Sent", call.GetProperty("result").GetProperty("truncatedOutput").GetString());
        Assert.Equal(450, call.GetProperty("timing").GetProperty("durationMs").GetInt64());
        Assert.Equal(JsonValueKind.String, call.GetProperty("timing").GetProperty("completedAt").ValueKind);
        Assert.Equal(0.0015m, call.GetProperty("cost").GetProperty("estimatedCostUsd").GetDecimal());
        Assert.Equal(20, call.GetProperty("cost").GetProperty("outputTokens").GetInt32());
        Assert.True(call.GetProperty("permission").GetProperty("allowed").GetBoolean());
        var events = (await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/events?agentId={agent}")).AssertSuccessAsync()).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal([ActivityTypes.ToolCallEnd, ActivityTypes.ToolCallStart], events.Select(e => e.GetProperty("type").GetString()));
        Assert.Equal(id.ToString(), events[0].GetProperty("data").GetProperty("toolCallId").GetString());
        Assert.Equal(450, events[0].GetProperty("data").GetProperty("durationMs").GetInt64());
    }

    [Fact]
    public async Task ToolCall_StartAndFailedEndInOneBatch_IsClosedAsFailed()
    {
        var tenant = await host.CreateTenantAsync();
        var agent = Guid.NewGuid();
        var recorder = host.Recorder();
        var id = recorder.StartToolCall(new ToolCallStartInput(tenant.OrgId, agent, "web_fetch"))!.Value;
        recorder.EndToolCall(new ToolCallEndInput(tenant.OrgId, id, false, Error: "timeout"));
        await recorder.FlushAsync();

        var body = await (await tenant.Owner.Client.GetAsync("/api/engine/activity/tool-calls?status=failed&toolId=web_fetch")).AssertSuccessAsync();

        var call = Assert.Single(body.GetProperty("data").EnumerateArray());
        Assert.Equal(id.ToString(), call.GetProperty("id").GetString());
        Assert.Equal("timeout", call.GetProperty("result").GetProperty("error").GetString());
    }

    [Fact]
    public async Task ToolCall_EndFromAnotherOrganisation_IsIgnored()
    {
        var tenant = await host.CreateTenantAsync();
        var intruder = await host.CreateTenantAsync();
        var recorder = host.Recorder();
        var id = recorder.StartToolCall(new ToolCallStartInput(tenant.OrgId, Guid.NewGuid(), "shell_exec"))!.Value;
        await recorder.FlushAsync();

        recorder.EndToolCall(new ToolCallEndInput(intruder.OrgId, id, true, "forged"));
        await recorder.FlushAsync();

        var call = (await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/tool-calls/{id}")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("running", call.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, call.GetProperty("result").ValueKind);
    }

    [Fact]
    public async Task ToolCall_DeniedByPermission_IsRecordedBlockedWithToolBlockedEvent()
    {
        var tenant = await host.CreateTenantAsync();
        var recorder = host.Recorder();
        var id = recorder.StartToolCall(new ToolCallStartInput(tenant.OrgId, Guid.NewGuid(), "shell_exec", Permission: new ToolCallDecision(false, "Tool is blocked")))!.Value;
        await recorder.FlushAsync();

        var call = (await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/tool-calls/{id}")).AssertSuccessAsync()).GetProperty("data");
        var events = await (await tenant.Owner.Client.GetAsync("/api/engine/activity/events")).AssertSuccessAsync();

        Assert.Equal("blocked", call.GetProperty("status").GetString());
        Assert.Equal("Tool is blocked", call.GetProperty("permission").GetProperty("reason").GetString());
        Assert.Equal(ActivityTypes.ToolBlocked, Assert.Single(events.GetProperty("data").EnumerateArray()).GetProperty("type").GetString());
    }

    [Fact]
    public async Task ToolCall_SecretArguments_AreMaskedInStoreAndEvents()
    {
        var tenant = await host.CreateTenantAsync();
        var recorder = host.Recorder();
        var id = recorder.StartToolCall(new ToolCallStartInput(tenant.OrgId, Guid.NewGuid(), "http_request", new
        {
            url = "https://api.example.com",
            password = "hunter2",
            nested = new { apiKey = "sk-live-123", list = new[] { new { Authorization = "Bearer abc.def" } } /* serialised as "authorization" */ },
            header = "Bearer raw-token-value",
        }))!.Value;
        recorder.Record(new ActivityEventInput(tenant.OrgId, null, "custom", new { client_secret = "s3cr3t", note = "kept" }));
        await recorder.FlushAsync();

        var response = await tenant.Owner.Client.GetAsync($"/api/engine/activity/tool-calls/{id}");
        var eventsResponse = await tenant.Owner.Client.GetAsync("/api/engine/activity/events?type=custom");

        var raw = await response.Content.ReadAsStringAsync() + await eventsResponse.Content.ReadAsStringAsync();
        foreach (var secret in new[] { "hunter2", "sk-live-123", "abc.def", "raw-token-value", "s3cr3t" })
        {
            Assert.DoesNotContain(secret, raw, StringComparison.Ordinal);
        }

        var parameters = (await response.AssertSuccessAsync()).GetProperty("data").GetProperty("parameters");
        Assert.Equal("https://api.example.com", parameters.GetProperty("url").GetString());
        Assert.Equal("***", parameters.GetProperty("password").GetString());
        Assert.Equal("***", parameters.GetProperty("nested").GetProperty("apiKey").GetString());
        Assert.Equal("***", parameters.GetProperty("nested").GetProperty("list")[0].GetProperty("authorization").GetString());
        var data = Assert.Single((await eventsResponse.AssertSuccessAsync()).GetProperty("data").EnumerateArray()).GetProperty("data");
        Assert.Equal("***", data.GetProperty("client_secret").GetString());
        Assert.Equal("kept", data.GetProperty("note").GetString());
    }

    [Fact]
    public async Task Conversation_ReturnsSessionMessagesInOrderWithEventsInTheRightOrganisation()
    {
        var tenant = await host.CreateTenantAsync();
        var agent = Guid.NewGuid();
        var recorder = host.Recorder();
        recorder.RecordMessage(new ConversationMessageInput(tenant.OrgId, agent, "sess-42", "user", "Hello?"));
        recorder.RecordMessage(new ConversationMessageInput(tenant.OrgId, agent, "sess-42", "assistant", "I sent the email.", "email", 150, 0.001m));
        recorder.RecordMessage(new ConversationMessageInput(tenant.OrgId, agent, "sess-other", "user", "Unrelated"));
        await recorder.FlushAsync();

        var body = await (await tenant.Owner.Client.GetAsync("/api/engine/activity/conversation/sess-42")).AssertSuccessAsync();
        var events = await (await tenant.Owner.Client.GetAsync("/api/engine/activity/events?sessionId=sess-42")).AssertSuccessAsync();

        var messages = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["Hello?", "I sent the email."], messages.Select(m => m.GetProperty("content").GetString()));
        Assert.Equal("assistant", messages[1].GetProperty("role").GetString());
        Assert.Equal(150, messages[1].GetProperty("tokenCount").GetInt32());
        Assert.Equal(0.001m, messages[1].GetProperty("costUsd").GetDecimal());
        Assert.Equal(2, body.GetProperty("meta").GetProperty("total").GetInt32());
        // The reference wrote these events with orgId '' so no organisation saw them.
        Assert.Equal([ActivityTypes.MessageSent, ActivityTypes.MessageReceived],
            events.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("type").GetString()));
    }

    [Fact]
    public async Task OtherOrganisation_CannotSeeAnyActivity()
    {
        var owner = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var agent = Guid.Parse(await owner.Owner.Client.CreateAgentAsync("private"));
        var recorder = host.Recorder();
        var callId = recorder.StartToolCall(new ToolCallStartInput(owner.OrgId, agent, "secret_tool"))!.Value;
        recorder.RecordMessage(new ConversationMessageInput(owner.OrgId, agent, "private-session", "user", "hi"));
        recorder.Record(new ActivityEventInput(owner.OrgId, agent, "custom"));
        await recorder.FlushAsync();
        var client = other.Owner.Client;
        var today = host.Now().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var events = await (await client.GetAsync("/api/engine/activity/events")).AssertSuccessAsync();
        var calls = await (await client.GetAsync("/api/engine/activity/tool-calls")).AssertSuccessAsync();
        var stats = await (await client.GetAsync("/api/engine/activity/stats")).AssertSuccessAsync();

        Assert.Empty(events.GetProperty("data").EnumerateArray());
        Assert.Empty(calls.GetProperty("data").EnumerateArray());
        Assert.Equal(0, stats.GetProperty("data").GetProperty("totals").GetProperty("events").GetInt32());
        await (await client.GetAsync($"/api/engine/activity/tool-calls/{callId}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.GetAsync("/api/engine/activity/conversation/private-session")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.GetAsync($"/api/engine/activity/timeline/{agent}/{today}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.GetAsync($"/api/engine/activity/events?orgId={owner.OrgId}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.GetAsync($"/api/engine/activity/stats?orgId={owner.OrgId}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Events_OwnOrgIdParameter_IsAccepted()
    {
        var tenant = await host.CreateTenantAsync();
        await host.RecordEventsAsync(tenant.OrgId, null, "mine");

        var body = await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/events?orgId={tenant.OrgId}")).AssertSuccessAsync();

        Assert.Single(body.GetProperty("data").EnumerateArray());
    }

    [Fact]
    public async Task Timeline_SummarisesTheAgentsDay()
    {
        var tenant = await host.CreateTenantAsync();
        var agent = Guid.Parse(await tenant.Owner.Client.CreateAgentAsync("busy"));
        var recorder = host.Recorder();
        foreach (var tool in new[] { "web_search", "web_search", "agenticmail_send" })
        {
            var id = recorder.StartToolCall(new ToolCallStartInput(tenant.OrgId, agent, tool, SessionId: "s1"))!.Value;
            recorder.EndToolCall(new ToolCallEndInput(tenant.OrgId, id, tool != "agenticmail_send", Error: tool == "agenticmail_send" ? "smtp down" : null, CostUsd: 0.01m));
        }

        recorder.RecordMessage(new ConversationMessageInput(tenant.OrgId, agent, "s1", "assistant", "done", CostUsd: 0.005m));
        recorder.Record(new ActivityEventInput(tenant.OrgId, Guid.NewGuid(), "other_agent"));
        await recorder.FlushAsync();
        var today = host.Now().ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var timeline = (await (await tenant.Owner.Client.GetAsync($"/api/engine/activity/timeline/{agent}/{today}")).AssertSuccessAsync()).GetProperty("data");

        var summary = timeline.GetProperty("summary");
        Assert.Equal(7, summary.GetProperty("events").GetInt32()); // 3 starts, 3 ends, 1 message
        Assert.Equal(3, summary.GetProperty("toolCalls").GetInt32());
        Assert.Equal(1, summary.GetProperty("errors").GetInt32());
        Assert.Equal(1, summary.GetProperty("messages").GetInt32());
        Assert.Equal(1, summary.GetProperty("sessions").GetInt32());
        Assert.Equal(0.035m, summary.GetProperty("costUsd").GetDecimal());
        var top = timeline.GetProperty("topTools").EnumerateArray().ToList();
        Assert.Equal("web_search", top[0].GetProperty("toolId").GetString());
        Assert.Equal(2, top[0].GetProperty("count").GetInt32());
        var eventHours = timeline.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("timestamp").GetDateTimeOffset().ToUniversalTime().Hour).Distinct().Order();
        Assert.Equal(eventHours, timeline.GetProperty("activeHours").EnumerateArray().Select(h => h.GetInt32()));
        var ids = timeline.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("id").GetInt64()).ToList();
        Assert.Equal(7, ids.Count);
        Assert.Equal(ids.Order(), ids);
    }

    [Fact]
    public async Task Timeline_UnknownAgent_Returns404()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync($"/api/engine/activity/timeline/{Guid.NewGuid()}/2026-01-01");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Stats_CountsTotalsAndTheLastFiveMinutes()
    {
        var tenant = await host.CreateTenantAsync();
        var agent = Guid.NewGuid();
        var recorder = host.Recorder();
        var id = recorder.StartToolCall(new ToolCallStartInput(tenant.OrgId, agent, "web_search", SessionId: "s"))!.Value;
        recorder.EndToolCall(new ToolCallEndInput(tenant.OrgId, id, true, CostUsd: 0.25m));
        recorder.RecordMessage(new ConversationMessageInput(tenant.OrgId, agent, "s", "user", "hi"));
        recorder.Record(new ActivityEventInput(tenant.OrgId, agent, ActivityTypes.Error));
        await recorder.FlushAsync();

        var stats = (await (await tenant.Owner.Client.GetAsync("/api/engine/activity/stats")).AssertSuccessAsync()).GetProperty("data");

        var totals = stats.GetProperty("totals");
        Assert.Equal(4, totals.GetProperty("events").GetInt32());
        Assert.Equal(1, totals.GetProperty("toolCalls").GetInt32());
        Assert.Equal(1, totals.GetProperty("conversations").GetInt32());
        Assert.Equal(1, totals.GetProperty("messages").GetInt32());
        Assert.Equal(0.25m, totals.GetProperty("costUsd").GetDecimal());
        var recent = stats.GetProperty("recent");
        Assert.Equal(4, recent.GetProperty("eventsLast5Min").GetInt32());
        Assert.Equal(2, recent.GetProperty("toolCallsLast5Min").GetInt32());
        Assert.Equal(1, recent.GetProperty("errorsLast5Min").GetInt32());
        Assert.Equal([agent.ToString()], recent.GetProperty("activeAgents").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(1, recent.GetProperty("activeSessions").GetInt32());
    }
}

public sealed class SqliteActivityApiTests(SqliteActivityHostFixture host) : ActivityApiTests<SqliteActivityHostFixture>(host);

public sealed class PostgresActivityApiTests(PostgresActivityHostFixture host) : ActivityApiTests<PostgresActivityHostFixture>(host);
