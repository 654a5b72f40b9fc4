using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AgentFlow.Engine.Activity;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Api.Engine;
using AgentFlow.Host.Tests.Api.Workflows;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

/// <summary>
/// Tenant isolation across every route family the Host maps: organisation B's owner (and B's API key, and B's
/// agent-bound key) asks for, changes or deletes organisation A's resources by their real ids. Each row names a
/// route and what B must get: a 404 <c>NOT_FOUND</c> (A's resource does not exist for B), or, for B's own lists and
/// singletons, a success whose body holds no trace of A. Rows that could change A then re-read A's resource as A.
/// </summary>
/// <remarks>
/// One arrangement (both organisations, A's agent, profile, users, keys, rule, settings, workflows, instances, tool
/// call, activity) is built once per fixture and shared by the rows, because it costs seconds and no row may change
/// it: a row whose request leaked a change fails on its own re-read, so a shared world cannot turn a leak green.
/// B is never the default organisation, whose owner is the platform administrator and legitimately sees every
/// organisation through <c>/api/engine/orgs/*</c>, <c>/api/engine/usage/{orgId}</c> and <c>/api/engine/stats/{orgId}</c>.
/// </remarks>
public abstract class CrossOrganisationIsolationTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Theory]
    [MemberData(nameof(IsolationTheoryData.Rows), MemberType = typeof(IsolationTheoryData))]
    public async Task OtherOrganisationsOwner_OrganisationAsResources_NeitherSeesNorChangesThem(string row)
    {
        var world = await WorldAsync();
        var definition = IsolationRows.All[row];

        await RunAsync(world, definition, definition.AsAgentKey ? world.BAgentKey : world.B.Owner.Client);
    }

    [Theory]
    [MemberData(nameof(IsolationTheoryData.ApiKeyRows), MemberType = typeof(IsolationTheoryData))]
    public async Task OtherOrganisationsApiKey_OrganisationAsResources_NeitherSeesNorChangesThem(string row)
    {
        var world = await WorldAsync();

        await RunAsync(world, IsolationRows.All[row], world.BApiKey);
    }

    [Fact]
    public async Task ActivityStream_EventsOfAnotherOrganisation_NeverReachTheSubscriber()
    {
        var world = await WorldAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var response = await world.B.Owner.Client.GetAsync("/api/engine/activity/stream", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var reader = new SseReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        await reader.WaitForCommentAsync(": connected", timeout.Token);

        // A's event is written first: had it been delivered to B it would arrive before B's own probe.
        var recorder = host.Recorder();
        Assert.True(recorder.Record(new ActivityEventInput(world.A.OrgId, world.AgentId, "a_stream_secret", new { label = world.Marker("stream") })));
        await recorder.FlushAsync(timeout.Token);
        Assert.True(recorder.Record(new ActivityEventInput(world.B.OrgId, world.BAgentId, "b_stream_probe", new { label = "probe" })));
        await recorder.FlushAsync(timeout.Token);

        var frames = new List<SseFrame>();
        do
        {
            frames.Add(await reader.NextEventAsync(timeout.Token));
        }
        while (frames[^1].Event != "b_stream_probe");

        Assert.All(frames, f => world.AssertNoTraceOfA($"stream frame {f.Event}", f.Data));
        Assert.All(frames, f => Assert.Equal(world.B.OrgId, f.Json.GetProperty("orgId").GetGuid()));
    }

    [Fact]
    public async Task ActivityStream_FilteredByAnotherOrganisationsAgent_ReplaysAndSendsNothing()
    {
        var world = await WorldAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var recorder = host.Recorder();
        Assert.True(recorder.Record(new ActivityEventInput(world.A.OrgId, world.AgentId, "a_stream_secret", new { label = world.Marker("replay") })));
        await recorder.FlushAsync(timeout.Token);

        // lastEventId=0 replays every stored event of the subscription from the start, then heartbeats follow.
        using var response = await world.B.Owner.Client.GetAsync(
            $"/api/engine/activity/stream?agentId={world.AgentId}&lastEventId=0", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var lines = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token), Encoding.UTF8);
        var seen = new List<string>();
        var heartbeats = 0;
        while (heartbeats < 2)
        {
            var line = await lines.ReadLineAsync(timeout.Token) ?? throw new EndOfStreamException("The stream ended.");
            seen.Add(line);
            if (line == ": heartbeat")
            {
                heartbeats++;
                if (heartbeats == 1)
                {
                    // A live event of A's agent between the two heartbeats must not be sent either.
                    Assert.True(recorder.Record(new ActivityEventInput(world.A.OrgId, world.AgentId, "a_stream_secret", new { label = world.Marker("live") })));
                    await recorder.FlushAsync(timeout.Token);
                }
            }
        }

        Assert.DoesNotContain(seen, l => l.StartsWith("id:", StringComparison.Ordinal) || l.StartsWith("data:", StringComparison.Ordinal));
    }

    private static async Task RunAsync(IsolationWorld world, IsolationRow row, HttpClient client)
    {
        using var request = new HttpRequestMessage(new HttpMethod(row.Method), world.Fill(row.Path));
        if (row.Body is not null)
        {
            request.Content = new StringContent(world.Fill(row.Body), Encoding.UTF8, "application/json");
        }

        // Headers first: a stream that wrongly opened must fail here, not hang the test reading an endless body.
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.False(response.Content.Headers.ContentType?.MediaType == "text/event-stream",
            $"{row.Method} {row.Path} opened a stream ({(int)response.StatusCode}) for another organisation");

        if (row.Expect == IsolationExpect.NotFound)
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound, row.Code);
        }
        else if (row.Expect == IsolationExpect.UnknownReference)
        {
            var problem = await response.AssertValidationErrorForAsync(row.Code);

            // The same request naming an agent that exists nowhere must answer alike, or the answer tells B that A's id is real.
            using var control = new HttpRequestMessage(new HttpMethod(row.Method), world.Fill(row.Path))
            {
                Content = new StringContent(world.Fill(row.Body!).Replace(world.AgentId.ToString(), Guid.NewGuid().ToString(), StringComparison.Ordinal),
                    Encoding.UTF8, "application/json"),
            };
            using var controlResponse = await client.SendAsync(control);
            var controlProblem = await controlResponse.AssertValidationErrorForAsync(row.Code);
            Assert.Equal(
                controlProblem.GetProperty("details").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal),
                problem.GetProperty("details").EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        }
        else
        {
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{row.Method} {row.Path}: expected B's own data, got {(int)response.StatusCode}: {body}");
            world.AssertNoTraceOfA($"{row.Method} {row.Path}", body);
            if (row.CheckBody is not null)
            {
                row.CheckBody(world, JsonDocument.Parse(body).RootElement);
            }
        }

        if (row.Verify is not null)
        {
            await row.Verify(world);
        }
    }

    private async Task<IsolationWorld> WorldAsync()
    {
        host.SkipIfUnavailable();
        return await IsolationWorld.ForAsync(host);
    }
}

public sealed class SqliteCrossOrganisationIsolationTests(SqliteIsolationHostFixture host) : CrossOrganisationIsolationTests<SqliteIsolationHostFixture>(host);

public sealed class PostgresCrossOrganisationIsolationTests(PostgresIsolationHostFixture host) : CrossOrganisationIsolationTests<PostgresIsolationHostFixture>(host);

/// <summary>Workers running (so a leaked stimulus would be applied), a short heartbeat, and no per-organisation limit.</summary>
internal static class IsolationSettings
{
    // The rows send far more requests per minute from one organisation than the free plan allows; the limiter is
    // tested elsewhere and is not what these tests are about.
    public static IReadOnlyDictionary<string, string?> Values =>
        new Dictionary<string, string?>(WorkflowRuntimeHostSettings.Values.Concat(ActivitySettings.Values))
        {
            ["AgentFlow:RateLimit:PerOrganization"] = "false",
        };
}

public sealed class SqliteIsolationHostFixture : SqliteHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => IsolationSettings.Values;
}

public sealed class PostgresIsolationHostFixture : PostgresHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => IsolationSettings.Values;
}

/// <summary>The row names the theories run (display names: method, path template, note).</summary>
public static class IsolationTheoryData
{
    public static TheoryData<string> Rows => [.. IsolationRows.All.Keys];

    public static TheoryData<string> ApiKeyRows => [.. IsolationRows.ApiKeySample];
}

internal enum IsolationExpect
{
    /// <summary>404 with the row's code: A's resource does not exist for B.</summary>
    NotFound,

    /// <summary>
    /// 400 <c>VALIDATION_ERROR</c> naming the field that refers to A's resource in the body, exactly as for an id
    /// that exists nowhere (the route validates references in bodies as fields).
    /// </summary>
    UnknownReference,

    /// <summary>2xx on B's own data (a list, a singleton, B's own write) with nothing of A in the body.</summary>
    OwnData,
}

/// <summary>One request of B: path and body templates name A's resources as <c>{agent}</c>, <c>{rule}</c>...</summary>
/// <c>Code</c> is the problem code for <see cref="IsolationExpect.NotFound"/>, the field named for <see cref="IsolationExpect.UnknownReference"/>.
internal sealed record IsolationRow(
    string Method,
    string Path,
    string? Body,
    IsolationExpect Expect,
    Func<IsolationWorld, Task>? Verify = null,
    string Code = "NOT_FOUND",
    bool AsAgentKey = false,
    Action<IsolationWorld, JsonElement>? CheckBody = null);

internal static class IsolationRows
{
    private const IsolationExpect NotFound = IsolationExpect.NotFound;
    private const IsolationExpect OwnData = IsolationExpect.OwnData;
    private const IsolationExpect UnknownReference = IsolationExpect.UnknownReference;

    /// <summary>Every row, by a unique display name (method, path template, and a note when a route has several).</summary>
    public static readonly IReadOnlyDictionary<string, IsolationRow> All = Build();

    /// <summary>The rows also sent with B's API key (X-API-Key) instead of B's bearer token.</summary>
    public static readonly string[] ApiKeySample =
    [
        "GET /api/agents/{agent}",
        "PATCH /api/agents/{agent}",
        "GET /api/agents",
        "GET /api/users/{member}",
        "DELETE /api/rules/{rule}",
        "PATCH /api/engine/agents/{agent}/config",
        "PUT /api/engine/profiles/{agent}",
        "GET /api/engine/activity/tool-calls/{toolCall}",
        "GET /api/engine/activity/events",
        "GET /api/engine/orgs/{org}",
        "GET /api/workflows/instances/{signal}",
        "POST /api/workflows/instances/{signal}/cancel",
    ];

    private static Dictionary<string, IsolationRow> Build()
    {
        var rows = new Dictionary<string, IsolationRow>(StringComparer.Ordinal);
        void Add(string note, IsolationRow row) => rows.Add(note.Length == 0 ? $"{row.Method} {row.Path}" : $"{row.Method} {row.Path} ({note})", row);
        void Row(string method, string path, string? body, IsolationExpect expect, Func<IsolationWorld, Task>? verify = null, string code = "NOT_FOUND",
            Action<IsolationWorld, JsonElement>? check = null, string note = "", bool asAgentKey = false) =>
            Add(note, new IsolationRow(method, path, body, expect, verify, code, asAgentKey, check));

        // /api/agents
        Row("GET", "/api/agents/{agent}", null, NotFound);
        Row("PATCH", "/api/agents/{agent}", """{"name":"stolen","status":"suspended"}""", NotFound, w => w.AgentUnchangedAsync());
        Row("POST", "/api/agents/{agent}/archive", null, NotFound, w => w.AgentUnchangedAsync());
        Row("POST", "/api/agents/{agent}/restore", null, NotFound, w => w.AgentUnchangedAsync());
        Row("DELETE", "/api/agents/{agent}", null, NotFound, w => w.AgentUnchangedAsync());
        Row("GET", "/api/agents", null, OwnData);
        Row("GET", "/api/agents?status=active", null, OwnData, note: "filtered");

        // /api/users
        Row("GET", "/api/users/{member}", null, NotFound);
        Row("GET", "/api/users/{owner}", null, NotFound);
        Row("PATCH", "/api/users/{member}", """{"name":"stolen","role":"owner","password":"another-horse-battery"}""", NotFound, w => w.MemberUnchangedAsync());
        Row("DELETE", "/api/users/{member}", null, NotFound, w => w.MemberUnchangedAsync());
        Row("GET", "/api/users", null, OwnData);

        // /api/api-keys
        Row("DELETE", "/api/api-keys/{key}", null, NotFound, w => w.ApiKeyStillWorksAsync());
        Row("POST", "/api/api-keys", """{"name":"stolen-agent-key","agentId":"{agent}"}""", NotFound, note: "bound to A's agent");
        Row("GET", "/api/api-keys", null, OwnData);

        // /api/audit
        Row("GET", "/api/audit", null, OwnData);
        Row("GET", "/api/audit?resource=agent:{agent}", null, OwnData, note: "A's resource");

        // /api/rules
        Row("PATCH", "/api/rules/{rule}", """{"name":"stolen","enabled":false}""", NotFound, w => w.RuleUnchangedAsync());
        Row("DELETE", "/api/rules/{rule}", null, NotFound, w => w.RuleUnchangedAsync());
        Row("POST", "/api/rules", """{"name":"stolen","agentId":"{agent}","conditions":{"subjectContains":"x"},"actions":{"forwardTo":"b@example.com"}}""",
            UnknownReference, w => w.RuleUnchangedAsync(), code: "agentId", note: "for A's agent");
        Row("GET", "/api/rules", null, OwnData);
        Row("GET", "/api/rules?agentId={agent}", null, OwnData, note: "A's agent");

        // /api/settings, /api/retention, /api/stats: singletons of the caller's organisation.
        Row("GET", "/api/settings", null, OwnData);
        Row("PATCH", "/api/settings", """{"name":"Beta changed its own"}""", OwnData, w => w.SettingsUnchangedAsync());
        Row("GET", "/api/retention", null, OwnData, check: (w, b) => Assert.NotEqual(IsolationWorld.ARetainDays, b.GetProperty("data").GetProperty("retainDays").GetInt32()));
        Row("PUT", "/api/retention", """{"enabled":false,"retainDays":5,"archiveFirst":false,"excludeTags":[]}""", OwnData, w => w.RetentionUnchangedAsync());
        Row("GET", "/api/stats", null, OwnData, check: (w, b) =>
        {
            // B has its owner and one agent; A has two users and one agent.
            Assert.Equal(1, b.GetProperty("data").GetProperty("totalUsers").GetInt32());
            Assert.Equal(1, b.GetProperty("data").GetProperty("totalAgents").GetInt32());
        });

        // /api/engine/agents, usage, stats
        Row("GET", "/api/engine/agents/{agent}", null, NotFound);
        Row("GET", "/api/engine/agents/{agent}/usage", null, NotFound);
        Row("PATCH", "/api/engine/agents/{agent}/config", """{"updates":{"displayName":"Stolen","email":"stolen@example.com"}}""", NotFound, w => w.AgentUnchangedAsync());
        Row("GET", "/api/engine/agents?orgId={org}", null, NotFound, note: "A's orgId");
        Row("POST", "/api/engine/agents", """{"orgId":"{org}","config":{"name":"planted"}}""", NotFound, w => w.AgentCountUnchangedAsync(), note: "into A");
        Row("GET", "/api/engine/agents", null, OwnData);
        Row("GET", "/api/engine/usage/{org}", null, NotFound);
        Row("GET", "/api/engine/stats/{org}", null, NotFound);

        // /api/engine/profiles, /api/engine/permissions
        Row("GET", "/api/engine/profiles/{agent}", null, NotFound);
        Row("PUT", "/api/engine/profiles/{agent}", """{"preset":"full-access","tools":{"blocked":["*"]}}""", NotFound, w => w.ProfileUnchangedAsync());
        Row("POST", "/api/engine/profiles/{agent}/apply-preset", """{"presetName":"customer-support"}""", NotFound, w => w.ProfileUnchangedAsync());
        Row("POST", "/api/engine/permissions/check", """{"agentId":"{agent}","toolId":"agenticmail_send"}""", NotFound);
        Row("GET", "/api/engine/permissions/{agent}/tools", null, NotFound);
        Row("GET", "/api/engine/permissions/{agent}/policy", null, NotFound);

        // /api/engine/activity
        Row("GET", "/api/engine/activity/tool-calls/{toolCall}", null, NotFound);
        Row("GET", "/api/engine/activity/conversation/{session}", null, NotFound);
        Row("GET", "/api/engine/activity/timeline/{agent}/{today}", null, NotFound);
        Row("GET", "/api/engine/activity/events?orgId={org}", null, NotFound, note: "A's orgId");
        Row("GET", "/api/engine/activity/tool-calls?orgId={org}", null, NotFound, note: "A's orgId");
        Row("GET", "/api/engine/activity/stats?orgId={org}", null, NotFound, note: "A's orgId");
        Row("GET", "/api/engine/activity/stream?orgId={org}", null, NotFound, note: "A's orgId");
        Row("GET", "/api/engine/activity/events", null, OwnData);
        Row("GET", "/api/engine/activity/events?agentId={agent}", null, OwnData, note: "A's agent");
        Row("GET", "/api/engine/activity/events?sessionId={session}", null, OwnData, note: "A's session");
        Row("GET", "/api/engine/activity/tool-calls", null, OwnData);
        Row("GET", "/api/engine/activity/tool-calls?agentId={agent}", null, OwnData, note: "A's agent");
        Row("GET", "/api/engine/activity/stats", null, OwnData);

        // /api/engine/runtime: B's agent-bound key
        Row("POST", "/api/engine/runtime/tool-calls/{toolCall}/complete", """{"result":"stolen","success":false,"inputTokens":999999,"costUsd":99}""",
            NotFound, w => w.ToolCallStillRunningAsync(), asAgentKey: true, note: "B's agent key");
        Row("POST", "/api/engine/runtime/tool-calls", """{"toolId":"agenticmail_send","agentId":"{agent}"}""",
            OwnData, w => w.ToolCallCountUnchangedAsync(), asAgentKey: true, note: "B's agent key naming A's agent",
            check: (w, b) => Assert.NotEqual(JsonValueKind.Null, b.GetProperty("data").GetProperty("toolCallId").ValueKind));

        // /api/engine/orgs (the platform administrator, an owner of the default organisation, is the documented exception)
        Row("GET", "/api/engine/orgs/{org}", null, NotFound);
        Row("GET", "/api/engine/orgs/slug/{slug}", null, NotFound);
        Row("GET", "/api/engine/orgs/{org}/usage", null, NotFound);
        Row("POST", "/api/engine/orgs/{org}/check-limit", """{"resource":"maxAgents"}""", NotFound);
        Row("POST", "/api/engine/orgs/{org}/check-feature", """{"feature":"knowledge-base"}""", NotFound);
        Row("PATCH", "/api/engine/orgs/{org}", """{"name":"Stolen","adminEmail":"thief@example.com"}""", NotFound, w => w.OrganizationUnchangedAsync());
        Row("POST", "/api/engine/orgs/{org}/change-plan", """{"plan":"enterprise"}""", NotFound, w => w.OrganizationUnchangedAsync());
        Row("GET", "/api/engine/orgs", null, OwnData);

        // /api/workflows/definitions
        Row("GET", "/api/workflows/definitions/{def}", null, NotFound);
        Row("GET", "/api/workflows/definitions/{def}?version=1", null, NotFound, note: "version");
        Row("GET", "/api/workflows/definitions/{def}/versions", null, NotFound);
        Row("GET", "/api/workflows/definitions/{def}/export", null, NotFound);
        Row("GET", "/api/workflows/definitions/export?ids={def}", null, NotFound);
        Row("PUT", "/api/workflows/definitions/{def}", IsolationWorld.StolenDefinition, NotFound, w => w.DefinitionUnchangedAsync());
        Row("POST", "/api/workflows/definitions/{def}/publish", null, NotFound, w => w.DefinitionUnchangedAsync());
        Row("POST", "/api/workflows/definitions/{def}/retract", null, NotFound, w => w.DefinitionUnchangedAsync());
        Row("POST", "/api/workflows/definitions/{def}/revert/1", null, NotFound, w => w.DefinitionUnchangedAsync());
        Row("DELETE", "/api/workflows/definitions/{def}", null, NotFound, w => w.DefinitionUnchangedAsync());
        Row("POST", "/api/workflows/definitions/{def}/instances", """{"input":{}}""", NotFound, w => w.InstancesUnchangedAsync());
        Row("GET", "/api/workflows/definitions", null, OwnData);

        // /api/workflows/instances and their stimuli
        Row("GET", "/api/workflows/instances/{signal}", null, NotFound);
        Row("GET", "/api/workflows/instances/{signal}/journal", null, NotFound);
        Row("POST", "/api/workflows/instances/{signal}/cancel", """{"reason":"stolen"}""", NotFound, w => w.SignalInstanceWaitingAsync());
        Row("POST", "/api/workflows/instances/{faulted}/retry", null, NotFound, w => w.FaultedInstanceUnchangedAsync());
        Row("POST", "/api/workflows/instances/{signal}/signals/go", """{"stolen":true}""", NotFound, w => w.SignalInstanceWaitingAsync());
        Row("POST", "/api/workflows/instances/{approval}/approvals/approve", """{"decision":"approved","comment":"stolen"}""", NotFound,
            w => w.InstanceSuspendedAsync(w.ApprovalInstanceId, "approval"));
        Row("POST", "/api/workflows/jobs/{job}/result", """{"status":"succeeded","outputs":{"version":"stolen"}}""", NotFound,
            w => w.InstanceSuspendedAsync(w.JobInstanceId, "job"));
        Row("POST", "/api/workflows/events/order.placed", """{"payload":{"orderId":"stolen"}}""", NotFound, w => w.InstancesUnchangedAsync(),
            code: "NO_MATCHING_BOOKMARK", note: "A's event trigger");
        Row("POST", "/workflows/http/expenses", """{"id":"stolen","amount":1}""", NotFound, w => w.InstancesUnchangedAsync(),
            code: "NO_MATCHING_BOOKMARK", note: "A's HTTP trigger");
        Row("GET", "/api/workflows/instances", null, OwnData);
        Row("GET", "/api/workflows/instances?definitionId={def}", null, OwnData, note: "A's definition");
        Row("GET", "/api/workflows/tasks", null, OwnData);
        Row("GET", "/api/workflows/tasks?assignee=finance", null, OwnData, note: "A's assignee");
        Row("GET", "/api/workflows/incidents", null, OwnData);
        return rows;
    }
}

/// <summary>Organisation A with one of everything, organisation B's owner, B's API key and B's agent-bound key.</summary>
internal sealed class IsolationWorld
{
    public const int ARetainDays = 77;

    public const string DefinitionId = "signal-flow";

    /// <summary>A valid document for A's definition id, as B would send it to overwrite A's draft.</summary>
    public static readonly string StolenDefinition = Flows.Signal.Replace("Wait for a signal", "Stolen", StringComparison.Ordinal);

    private static readonly ConditionalWeakTable<AgentFlowHostFixture, Lazy<Task<IsolationWorld>>> Worlds = new();

    private static readonly string[] ReadScope = ["read"];

    private static readonly string[] AllScopes = ["*"];

    private readonly List<string> _markers = [];

    private readonly AgentFlowHostFixture _host;

    private IsolationWorld(AgentFlowHostFixture host, string tag, TestTenant a, TestTenant b) => (_host, Tag, A, B) = (host, tag, a, b);

    public string Tag { get; }

    public TestTenant A { get; }

    public TestTenant B { get; }

    public TestUser AMember { get; private set; } = null!;

    public HttpClient AApiKey { get; private set; } = null!;

    public HttpClient BApiKey { get; private set; } = null!;

    public HttpClient BAgentKey { get; private set; } = null!;

    public IActivityRecorder Recorder { get; private set; } = null!;

    public Guid AgentId { get; private set; }

    public Guid BAgentId { get; private set; }

    public string AgentName => $"a-secret-{Tag}";

    public int AgentVersion { get; private set; }

    public int ProfileVersion { get; private set; }

    public string ApiKeyId { get; private set; } = "";

    public Guid RuleId { get; private set; }

    public string RuleName => $"A secret rule {Tag}";

    public string CompanyName => $"Alpha company {Tag}";

    public string Slug { get; private set; } = "";

    public string Plan { get; private set; } = "";

    public Guid ToolCallId { get; private set; }

    public string SessionId => $"a-session-{Tag}";

    public Guid SignalInstanceId { get; private set; }

    public Guid ApprovalInstanceId { get; private set; }

    public Guid JobInstanceId { get; private set; }

    public string JobRequestId { get; private set; } = "";

    public Guid FaultedInstanceId { get; private set; }

    public int InstanceCount { get; private set; }

    public string Marker(string what) => $"a-secret-{what}-{Tag}";

    public string Fill(string template) => template
        .Replace("{agent}", AgentId.ToString(), StringComparison.Ordinal)
        .Replace("{member}", AMember.Id.ToString(), StringComparison.Ordinal)
        .Replace("{owner}", A.Owner.Id.ToString(), StringComparison.Ordinal)
        .Replace("{key}", ApiKeyId, StringComparison.Ordinal)
        .Replace("{rule}", RuleId.ToString(), StringComparison.Ordinal)
        .Replace("{org}", A.OrgId.ToString(), StringComparison.Ordinal)
        .Replace("{slug}", Slug, StringComparison.Ordinal)
        .Replace("{def}", DefinitionId, StringComparison.Ordinal)
        .Replace("{signal}", SignalInstanceId.ToString(), StringComparison.Ordinal)
        .Replace("{approval}", ApprovalInstanceId.ToString(), StringComparison.Ordinal)
        .Replace("{faulted}", FaultedInstanceId.ToString(), StringComparison.Ordinal)
        .Replace("{job}", Uri.EscapeDataString(JobRequestId), StringComparison.Ordinal)
        .Replace("{toolCall}", ToolCallId.ToString(), StringComparison.Ordinal)
        .Replace("{session}", SessionId, StringComparison.Ordinal)
        .Replace("{today}", TimeProvider.System.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal);

    /// <summary>None of A's ids, names, emails or recorded texts appears in <paramref name="body"/>.</summary>
    public void AssertNoTraceOfA(string where, string body)
    {
        foreach (var marker in _markers)
        {
            Assert.False(body.Contains(marker, StringComparison.OrdinalIgnoreCase), $"{where} shows A's '{marker}': {body}");
        }
    }

    /// <summary>The world of this fixture (one database), built by the first row that asks for it.</summary>
    public static Task<IsolationWorld> ForAsync(AgentFlowHostFixture host) =>
        Worlds.GetValue(host, h => new Lazy<Task<IsolationWorld>>(() => CreateAsync(h))).Value;

    private static async Task<IsolationWorld> CreateAsync(AgentFlowHostFixture host)
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var world = new IsolationWorld(host, tag, await host.CreateTenantAsync("Alpha " + tag), await host.CreateTenantAsync("Beta " + tag));
        await world.ArrangeAAsync(host);
        await world.ArrangeBAsync(host);
        return world;
    }

    private async Task ArrangeAAsync(AgentFlowHostFixture host)
    {
        var owner = A.Owner.Client;
        AMember = await A.AddUserAsync(UserRole.Member);
        Recorder = host.Recorder();

        AgentId = await CreateAgentWithProfileAsync(owner, AgentName);
        AgentVersion = (await GetDataAsync(owner, $"/api/engine/agents/{AgentId}")).GetProperty("version").GetInt32();
        ProfileVersion = (await GetDataAsync(owner, $"/api/engine/profiles/{AgentId}")).GetProperty("version").GetInt32();

        var (keyId, plaintext) = await A.Owner.CreateApiKeyAsync(ReadScope);
        ApiKeyId = keyId;
        AApiKey = host.CreateApiKeyClient(plaintext);

        // A real tool call through the runtime hook, left running, and activity of A's agent in one session.
        using var agentKey = await AgentKeyClientAsync(host, A.Owner, AgentId);
        var decision = await (await agentKey.PostAsJsonAsync("/api/engine/runtime/tool-calls",
            new { toolId = "agenticmail_send", arguments = new { to = Marker("recipient") + "@example.com" }, sessionId = SessionId })).AssertSuccessAsync();
        ToolCallId = decision.GetProperty("data").GetProperty("toolCallId").GetGuid();
        Assert.True(Recorder.Record(new ActivityEventInput(A.OrgId, AgentId, "a_secret_event", new { label = Marker("event") }, SessionId)));
        Assert.True(Recorder.RecordMessage(new ConversationMessageInput(A.OrgId, AgentId, SessionId, "user", Marker("message"))));
        await Recorder.FlushAsync();

        var rule = await (await owner.PostAsJsonAsync("/api/rules", new
        {
            name = RuleName,
            agentId = AgentId,
            conditions = new { subjectContains = "invoice" },
            actions = new { forwardTo = Marker("forward") + "@example.com" },
        })).AssertSuccessAsync(HttpStatusCode.Created);
        RuleId = rule.GetProperty("data").GetProperty("id").GetGuid();

        await (await owner.PatchAsJsonAsync("/api/settings", new { name = CompanyName, smtpHost = Marker("smtp") + ".example.com" })).AssertSuccessAsync();
        await (await owner.PutAsJsonAsync("/api/retention", new { enabled = true, retainDays = ARetainDays, archiveFirst = false, excludeTags = new[] { Marker("tag") } }))
            .AssertSuccessAsync();

        var org = await GetDataAsync(owner, $"/api/engine/orgs/{A.OrgId}");
        Slug = org.GetProperty("slug").GetString()!;
        Plan = org.GetProperty("plan").GetString()!;

        foreach (var flow in new[] { Flows.Signal, Flows.Approval, Flows.Job, Flows.Faulty, Flows.EventTriggered, Flows.Expenses })
        {
            var created = await owner.CreateAsync(flow);
            await owner.PublishAsync(created.GetProperty("definitionId").GetString()!);
        }

        SignalInstanceId = await StartAsync(owner, "signal-flow");
        ApprovalInstanceId = await StartAsync(owner, "approval-flow");
        JobInstanceId = await StartAsync(owner, "deploy-flow");
        FaultedInstanceId = await StartAsync(owner, "faulty-flow");
        InstanceCount = 4;
        var jobWait = Assert.Single((await GetDataAsync(owner, $"/api/workflows/instances/{JobInstanceId}")).GetProperty("waits").EnumerateArray());
        JobRequestId = jobWait.GetProperty("key").GetString()!;
        await FaultedInstanceUnchangedAsync();

        _markers.AddRange(
        [
            A.OrgId.ToString(), A.Name, Slug, AgentId.ToString(), AgentName, A.Owner.Id.ToString(), A.Owner.Email, AMember.Id.ToString(), AMember.Email,
            ApiKeyId, RuleId.ToString(), RuleName, CompanyName, ToolCallId.ToString(), SessionId, "a-secret-", "a_secret", "a_stream_secret",
            SignalInstanceId.ToString(), ApprovalInstanceId.ToString(), JobInstanceId.ToString(), FaultedInstanceId.ToString(), DefinitionId,
            "approval-flow", "deploy-flow", "faulty-flow", "order-placed",
        ]);
    }

    private async Task ArrangeBAsync(AgentFlowHostFixture host)
    {
        BAgentId = await CreateAgentWithProfileAsync(B.Owner.Client, $"b-agent-{Tag}");
        BAgentKey = await AgentKeyClientAsync(host, B.Owner, BAgentId);
        var (_, plaintext) = await B.Owner.CreateApiKeyAsync(AllScopes);
        BApiKey = host.CreateApiKeyClient(plaintext);
    }

    // ------------------------------------------------------------------------------------ A re-read as A after a row

    public async Task AgentUnchangedAsync()
    {
        var agent = await GetDataAsync(A.Owner.Client, $"/api/agents/{AgentId}");
        Assert.Equal(AgentName, agent.GetProperty("name").GetString());
        Assert.Equal("active", agent.GetProperty("status").GetString());
        var engine = await GetDataAsync(A.Owner.Client, $"/api/engine/agents/{AgentId}");
        Assert.Equal(AgentVersion, engine.GetProperty("version").GetInt32());
    }

    public async Task AgentCountUnchangedAsync()
    {
        var list = await GetAsync(A.Owner.Client, "/api/agents");
        Assert.Equal(1, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    public async Task ProfileUnchangedAsync()
    {
        var profile = await GetDataAsync(A.Owner.Client, $"/api/engine/profiles/{AgentId}");
        Assert.Equal(ProfileVersion, profile.GetProperty("version").GetInt32());
    }

    public async Task MemberUnchangedAsync()
    {
        var user = await GetDataAsync(A.Owner.Client, $"/api/users/{AMember.Id}");
        Assert.Equal("member user", user.GetProperty("name").GetString());
        Assert.Equal("member", user.GetProperty("role").GetString());
        Assert.Equal(AMember.Email, user.GetProperty("email").GetString());
        await _host.LoginAsync(AMember.Email);
    }

    public async Task ApiKeyStillWorksAsync()
    {
        var keys = await GetAsync(A.Owner.Client, "/api/api-keys");
        var key = Assert.Single(keys.GetProperty("data").EnumerateArray(), k => k.GetProperty("id").GetString() == ApiKeyId);
        Assert.False(key.GetProperty("revoked").GetBoolean());
        await (await AApiKey.GetAsync("/api/agents")).AssertSuccessAsync();
    }

    public async Task RuleUnchangedAsync()
    {
        var rules = (await GetAsync(A.Owner.Client, "/api/rules")).GetProperty("data").EnumerateArray().ToList();
        var rule = Assert.Single(rules);
        Assert.Equal(RuleId, rule.GetProperty("id").GetGuid());
        Assert.Equal(RuleName, rule.GetProperty("name").GetString());
        Assert.True(rule.GetProperty("enabled").GetBoolean());
    }

    public async Task SettingsUnchangedAsync()
    {
        var settings = await GetDataAsync(A.Owner.Client, "/api/settings");
        Assert.Equal(CompanyName, settings.GetProperty("name").GetString());
    }

    public async Task RetentionUnchangedAsync()
    {
        var retention = await GetDataAsync(A.Owner.Client, "/api/retention");
        Assert.Equal(ARetainDays, retention.GetProperty("retainDays").GetInt32());
        Assert.True(retention.GetProperty("enabled").GetBoolean());
    }

    public async Task OrganizationUnchangedAsync()
    {
        var org = await GetDataAsync(A.Owner.Client, $"/api/engine/orgs/{A.OrgId}");
        Assert.Equal(A.Name, org.GetProperty("name").GetString());
        Assert.Equal(Plan, org.GetProperty("plan").GetString());
        Assert.NotEqual("thief@example.com", org.GetProperty("adminEmail").GetString());
    }

    public async Task ToolCallStillRunningAsync()
    {
        await Recorder.FlushAsync();
        var call = await GetDataAsync(A.Owner.Client, $"/api/engine/activity/tool-calls/{ToolCallId}");
        Assert.Equal("running", call.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, call.GetProperty("result").ValueKind);
    }

    public async Task ToolCallCountUnchangedAsync()
    {
        await Recorder.FlushAsync();
        var calls = await GetAsync(A.Owner.Client, "/api/engine/activity/tool-calls");
        Assert.Equal(ToolCallId, Assert.Single(calls.GetProperty("data").EnumerateArray()).GetProperty("id").GetGuid());
    }

    public async Task DefinitionUnchangedAsync()
    {
        var versions = (await GetAsync(A.Owner.Client, $"/api/workflows/definitions/{DefinitionId}/versions")).GetProperty("data").EnumerateArray().ToList();
        var version = Assert.Single(versions);
        Assert.Equal("published", version.GetProperty("status").GetString());
        Assert.Equal("Wait for a signal", version.GetProperty("name").GetString());
        await SignalInstanceWaitingAsync();
    }

    public async Task InstancesUnchangedAsync()
    {
        var list = await GetAsync(A.Owner.Client, "/api/workflows/instances");
        Assert.Equal(InstanceCount, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    public Task SignalInstanceWaitingAsync() => InstanceSuspendedAsync(SignalInstanceId, "signal");

    public async Task InstanceSuspendedAsync(Guid instanceId, string waitKind)
    {
        var data = await GetDataAsync(A.Owner.Client, $"/api/workflows/instances/{instanceId}");
        Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
        Assert.Equal(waitKind, Assert.Single(data.GetProperty("waits").EnumerateArray()).GetProperty("kind").GetString());
    }

    public async Task FaultedInstanceUnchangedAsync()
    {
        var data = await GetDataAsync(A.Owner.Client, $"/api/workflows/instances/{FaultedInstanceId}");
        Assert.Equal("faulted", data.GetProperty("instance").GetProperty("status").GetString());
        Assert.Single(data.GetProperty("incidents").EnumerateArray());
    }

    // --------------------------------------------------------------------------------------------------- helpers

    private static async Task<Guid> CreateAgentWithProfileAsync(HttpClient owner, string name)
    {
        var created = await (await owner.PostAsJsonAsync("/api/agents", new { name })).AssertSuccessAsync(HttpStatusCode.Created);
        var agentId = created.GetProperty("data").GetProperty("id").GetGuid();
        await (await owner.PutAsJsonAsync($"/api/engine/profiles/{agentId}", new { preset = "full-access" })).AssertSuccessAsync();
        return agentId;
    }

    private static async Task<HttpClient> AgentKeyClientAsync(AgentFlowHostFixture host, TestUser owner, Guid agentId)
    {
        var response = await owner.Client.PostAsJsonAsync("/api/api-keys", new { name = "hook", scopes = ReadScope, agentId });
        var plaintext = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data").GetProperty("plaintext").GetString()!;
        return host.CreateApiKeyClient(plaintext);
    }

    private static async Task<Guid> StartAsync(HttpClient client, string definitionId)
    {
        var response = await client.PostAsync($"/api/workflows/definitions/{definitionId}/instances", Wf.Json("""{"input":{}}"""));
        var data = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        return Guid.Parse(data.GetProperty("instanceId").GetString()!);
    }

    private static async Task<JsonElement> GetAsync(HttpClient client, string url) => await (await client.GetAsync(url)).AssertSuccessAsync();

    private static async Task<JsonElement> GetDataAsync(HttpClient client, string url) => (await GetAsync(client, url)).GetProperty("data");
}
