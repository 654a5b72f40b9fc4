using System.Net;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Api.Approvals;
using AgentFlow.Host.Tests.Api.Workflows;
using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Api;

/// <summary>
/// The viewer role over the engine and workflow routes the Studio shows: a viewer reads everything of its organisation
/// that is not administration (200 on real data, or the same 404 the owner gets for what does not exist), and every
/// change next to those reads is refused with 403 <c>INSUFFICIENT_PERMISSIONS</c> (deciding an approval, a route open
/// to approvers of any role, with <c>NOT_AN_APPROVER</c>), after which the owner re-reads the resource unchanged.
/// </summary>
/// <remarks>
/// One organisation (an agent with a profile, an approval policy, a pending and a decided approval request, workflow
/// definitions and suspended, faulted and approval-waiting instances) is built once per fixture and shared by the rows:
/// it costs seconds, read rows do not change it, and a change row that leaked a change fails on its own re-read.
/// </remarks>
public abstract class ViewerAccessTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Theory]
    [MemberData(nameof(ViewerAccessTheoryData.Reads), MemberType = typeof(ViewerAccessTheoryData))]
    public async Task Viewer_ReadRoute_AnswersAsTheOwner(string row)
    {
        var world = await WorldAsync();
        var definition = ViewerAccessRows.Reads[row];

        using var viewerResponse = await world.Viewer.Client.GetAsync(world.Fill(definition.Path));
        using var ownerResponse = await world.Owner.GetAsync(world.Fill(definition.Path));

        var body = await viewerResponse.Content.ReadAsStringAsync();
        Assert.True(viewerResponse.StatusCode == definition.Status, $"GET {definition.Path} as a viewer: expected {(int)definition.Status}, got {(int)viewerResponse.StatusCode}: {body}");
        Assert.Equal(ownerResponse.StatusCode, viewerResponse.StatusCode);
        if (definition.Status == HttpStatusCode.NotFound)
        {
            await viewerResponse.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        Assert.Equal(definition.MediaType, viewerResponse.Content.Headers.ContentType?.MediaType);
        definition.Check?.Invoke(world, body);
    }

    [Theory]
    [MemberData(nameof(ViewerAccessTheoryData.Reads), MemberType = typeof(ViewerAccessTheoryData))]
    public async Task AgentKey_ReadRoute_IsRefused(string row)
    {
        // An agent's key has the viewer role; the organisation-wide reads opened to viewers stay closed to agent processes.
        var world = await WorldAsync();
        var definition = ViewerAccessRows.Reads[row];
        if (definition.Path.StartsWith("/api/engine/deploy-targets", StringComparison.Ordinal))
        {
            return; // The deploy-target catalog is the platform's, not the organisation's: any credential reads it.
        }

        using var agent = await ApprovalTestSupport.AgentClientAsync(host, world.Tenant, world.AgentId);

        using var response = await agent.GetAsync(world.Fill(definition.Path));

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "AGENT_KEY_NOT_ALLOWED");
    }

    [Theory]
    [MemberData(nameof(ViewerAccessTheoryData.Changes), MemberType = typeof(ViewerAccessTheoryData))]
    public async Task Viewer_ChangeRoute_IsRefusedAndChangesNothing(string row)
    {
        var world = await WorldAsync();
        var definition = ViewerAccessRows.Changes[row];
        using var request = new HttpRequestMessage(new HttpMethod(definition.Method), world.Fill(definition.Path));
        if (definition.Body is not null)
        {
            request.Content = new StringContent(world.Fill(definition.Body), Encoding.UTF8, "application/json");
        }

        using var response = await world.Viewer.Client.SendAsync(request);

        var problem = await response.AssertProblemAsync(HttpStatusCode.Forbidden, definition.Code);
        if (definition.Code == "INSUFFICIENT_PERMISSIONS")
        {
            Assert.Equal("viewer", problem.GetProperty("details").GetProperty("current").GetString());
        }

        await definition.Verify(world);
    }

    private async Task<ViewerWorld> WorldAsync()
    {
        host.SkipIfUnavailable();
        return await ViewerWorld.ForAsync(host);
    }
}

public sealed class SqliteViewerAccessTests(SqliteViewerAccessHostFixture host) : ViewerAccessTests<SqliteViewerAccessHostFixture>(host);

public sealed class PostgresViewerAccessTests(PostgresViewerAccessHostFixture host) : ViewerAccessTests<PostgresViewerAccessHostFixture>(host);

/// <summary>Workers running (so a leaked stimulus would be applied) and no per-organisation rate limit (the rows are many).</summary>
public sealed class SqliteViewerAccessHostFixture : SqliteHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => IsolationSettings.Values;
}

/// <inheritdoc cref="SqliteViewerAccessHostFixture"/>
public sealed class PostgresViewerAccessHostFixture : PostgresHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => IsolationSettings.Values;
}

/// <summary>The row names the theories run (display names: method, path template, note).</summary>
public static class ViewerAccessTheoryData
{
    public static TheoryData<string> Reads => [.. ViewerAccessRows.Reads.Keys];

    public static TheoryData<string> Changes => [.. ViewerAccessRows.Changes.Keys];
}

/// <summary>A GET a viewer may send: the status the owner gets too, the body's media type, and what the body must show.</summary>
internal sealed record ViewerReadRow(string Path, HttpStatusCode Status, string MediaType, Action<ViewerWorld, string>? Check);

/// <summary>A change a viewer may not make: the 403 code, and the owner's re-read proving nothing changed.</summary>
internal sealed record ViewerChangeRow(string Method, string Path, string? Body, string Code, Func<ViewerWorld, Task> Verify);

internal static class ViewerAccessRows
{
    private const string Json = "application/json";
    private const string ProblemJson = "application/problem+json";
    private const string Refused = "INSUFFICIENT_PERMISSIONS";

    public static readonly IReadOnlyDictionary<string, ViewerReadRow> Reads = BuildReads();

    public static readonly IReadOnlyDictionary<string, ViewerChangeRow> Changes = BuildChanges();

    private static Dictionary<string, ViewerReadRow> BuildReads()
    {
        var rows = new Dictionary<string, ViewerReadRow>(StringComparer.Ordinal);
        void Ok(string path, Action<ViewerWorld, string>? check, string mediaType = Json, string note = "") =>
            rows.Add(note.Length == 0 ? path : $"{path} ({note})", new ViewerReadRow(path, HttpStatusCode.OK, mediaType, check));
        void Missing(string path, string note) => rows.Add($"{path} ({note})", new ViewerReadRow(path, HttpStatusCode.NotFound, ProblemJson, null));

        // Engine agents, their usage, lifecycle history and deployment; the organisation's usage and stats.
        Ok("/api/engine/agents", (w, b) => Assert.Contains(ItemIds(b, "id"), id => id == w.AgentId.ToString()));
        Ok("/api/engine/agents/{agent}", (w, b) =>
        {
            Assert.Equal(w.AgentId.ToString(), Data(b).GetProperty("id").GetString());
            Assert.Equal(w.AgentName, Data(b).GetProperty("name").GetString());
        });
        Ok("/api/engine/agents/{agent}/usage", (w, b) => Assert.Equal(w.AgentId.ToString(), Data(b).GetProperty("agentId").GetString()));
        Ok("/api/engine/agents/{agent}/history", (w, b) => Assert.Equal(JsonValueKind.Array, Data(b).ValueKind));
        // Never deployed: the owner gets the same 404, so the route answered the viewer past its role check.
        Missing("/api/engine/agents/{agent}/deployment", "never deployed");
        Ok("/api/engine/stats/{org}", (w, b) =>
        {
            Assert.Equal(w.OrgId.ToString(), Data(b).GetProperty("org").GetProperty("id").GetString());
            Assert.Equal(1, Data(b).GetProperty("agents").GetProperty("total").GetInt32());
        });
        Ok("/api/engine/usage/{org}", (w, b) => Assert.Equal(w.OrgId.ToString(), Data(b).GetProperty("orgId").GetString()));

        // Approvals: the request lists and the policies.
        Ok("/api/engine/approvals/pending", (w, b) => Assert.Equal([w.PendingApprovalId.ToString()], ItemIds(b, "id")));
        Ok("/api/engine/approvals/history", (w, b) => Assert.Equal([w.DecidedApprovalId.ToString()], ItemIds(b, "id")));
        Ok("/api/engine/approvals/policies", (w, b) => Assert.Equal([w.PolicyId.ToString()], ItemIds(b, "id")));

        // Permission profile and the tool policy derived from it.
        Ok("/api/engine/profiles/{agent}", (w, b) =>
        {
            Assert.Equal(w.AgentId.ToString(), Data(b).GetProperty("agentId").GetString());
            Assert.Equal(w.ProfileVersion, Data(b).GetProperty("version").GetInt32());
        });
        Ok("/api/engine/permissions/{agent}/tools", (w, b) => Assert.NotEmpty(ItemIds(b, "id")));
        Ok("/api/engine/permissions/{agent}/policy", (w, b) =>
        {
            Assert.Equal(w.AgentId.ToString(), Data(b).GetProperty("agentId").GetString());
            Assert.Contains(ApprovalTestSupport.SendTool, Data(b).GetProperty("approvalRequired").EnumerateArray().Select(t => t.GetString()));
        });

        // Deploy targets.
        Ok("/api/engine/deploy-targets", (w, b) => Assert.Contains("local", ItemIds(b, "id")));
        Ok("/api/engine/deploy-targets/local", (w, b) => Assert.Equal("local", Data(b).GetProperty("id").GetString()));

        // Workflow definitions, their export and the designer palette.
        Ok("/api/workflows/definitions", (w, b) => Assert.Contains(ViewerWorld.DefinitionId, ItemIds(b, "definitionId")));
        Ok("/api/workflows/definitions/{def}", (w, b) => Assert.Equal(ViewerWorld.DefinitionId, Data(b).GetProperty("definitionId").GetString()));
        Ok("/api/workflows/definitions/{def}/versions", (w, b) => Assert.Single(Data(b).EnumerateArray()));
        Ok("/api/workflows/definitions/{def}/export", (w, b) =>
            Assert.Equal(ViewerWorld.DefinitionId, JsonDocument.Parse(b).RootElement.GetProperty("definitionId").GetString()));
        Ok("/api/workflows/definitions/export", (w, b) => Assert.StartsWith("PK", b, StringComparison.Ordinal), "application/zip", note: "zip");
        Ok("/api/workflows/descriptors/activities", (w, b) => Assert.NotEmpty(Data(b).EnumerateArray()));

        // Workflow instances, their journal, human tasks and incidents.
        Ok("/api/workflows/instances", (w, b) => Assert.Contains(w.SignalInstanceId.ToString(), ItemIds(b, "id")));
        Ok("/api/workflows/instances/{signal}", (w, b) =>
            Assert.Equal("suspended", Data(b).GetProperty("instance").GetProperty("status").GetString()));
        Ok("/api/workflows/instances/{signal}/journal", (w, b) => Assert.NotEmpty(Data(b).EnumerateArray()));
        Ok("/api/workflows/tasks", (w, b) => Assert.Contains(w.ApprovalInstanceId.ToString(), b, StringComparison.Ordinal));
        Ok("/api/workflows/incidents", (w, b) => Assert.Contains(w.FaultedInstanceId.ToString(), b, StringComparison.Ordinal));

        // Ids that exist nowhere: the viewer gets the owner's 404, not a 403.
        Missing("/api/engine/agents/{unknown}", "unknown id");
        Missing("/api/engine/profiles/{unknown}", "unknown id");
        Missing("/api/workflows/definitions/no-such-flow", "unknown id");
        Missing("/api/workflows/instances/{unknown}", "unknown id");
        return rows;
    }

    private static Dictionary<string, ViewerChangeRow> BuildChanges()
    {
        var rows = new Dictionary<string, ViewerChangeRow>(StringComparer.Ordinal);
        void Row(string method, string path, string? body, Func<ViewerWorld, Task> verify, string code = Refused, string note = "") =>
            rows.Add(note.Length == 0 ? $"{method} {path}" : $"{method} {path} ({note})", new ViewerChangeRow(method, path, body, code, verify));

        // Engine agents and their lifecycle.
        Row("POST", "/api/engine/agents", """{"config":{"name":"viewer-made"}}""", w => w.AgentCountUnchangedAsync());
        Row("PATCH", "/api/engine/agents/{agent}/config", """{"updates":{"displayName":"Viewer was here"}}""", w => w.AgentUnchangedAsync());
        Row("POST", "/api/engine/agents/{agent}/deploy", null, w => w.AgentUnchangedAsync());
        Row("POST", "/api/engine/agents/{agent}/stop", null, w => w.AgentUnchangedAsync());
        Row("POST", "/api/engine/agents/{agent}/restart", null, w => w.AgentUnchangedAsync());
        Row("POST", "/api/engine/agents/{agent}/hot-update", """{"updates":{"displayName":"Viewer was here"}}""", w => w.AgentUnchangedAsync());
        Row("DELETE", "/api/engine/agents/{agent}", null, w => w.AgentUnchangedAsync());

        // Permission profiles; the decision route stays a member's.
        Row("PUT", "/api/engine/profiles/{agent}", """{"preset":"full-access","tools":{"blocked":["*"]}}""", w => w.ProfileUnchangedAsync());
        Row("POST", "/api/engine/profiles/{agent}/apply-preset", """{"presetName":"full-access"}""", w => w.ProfileUnchangedAsync());
        Row("POST", "/api/engine/permissions/check", """{"agentId":"{agent}","toolId":"agenticmail_send"}""", w => w.ProfileUnchangedAsync());

        // Approvals: deciding is open to approvers of any role, so a viewer who is not one is refused as such.
        Row("POST", "/api/engine/approvals/{pending}/decide", """{"action":"approve","reason":"viewer"}""", w => w.PendingApprovalUnchangedAsync(),
            code: "NOT_AN_APPROVER", note: "viewer not an approver");
        Row("POST", "/api/engine/approvals/policies", """{"name":"Viewer policy","triggers":{"toolIds":["agenticmail_send"]}}""", w => w.PoliciesUnchangedAsync());
        Row("DELETE", "/api/engine/approvals/policies/{policy}", null, w => w.PoliciesUnchangedAsync());

        // Workflow definitions.
        Row("POST", "/api/workflows/definitions", ViewerWorld.ViewerDefinition, w => w.ViewerDefinitionAbsentAsync());
        Row("PUT", "/api/workflows/definitions/{def}", ViewerWorld.ChangedSignalDefinition, w => w.DefinitionUnchangedAsync());
        Row("POST", "/api/workflows/definitions/validate", ViewerWorld.ViewerDefinition, w => w.ViewerDefinitionAbsentAsync());
        Row("POST", "/api/workflows/definitions/{draft}/publish", null, w => w.DraftUnchangedAsync());
        Row("POST", "/api/workflows/definitions/{def}/retract", null, w => w.DefinitionUnchangedAsync());
        Row("POST", "/api/workflows/definitions/{def}/revert/1", null, w => w.DefinitionUnchangedAsync());
        Row("DELETE", "/api/workflows/definitions/{def}", null, w => w.DefinitionUnchangedAsync());
        Row("POST", "/api/workflows/definitions/import", ViewerWorld.ViewerDefinition, w => w.ViewerDefinitionAbsentAsync());
        Row("POST", "/api/workflows/definitions/{def}/instances", """{"input":{}}""", w => w.SignalInstancesUnchangedAsync());

        // Workflow instances and their stimuli.
        Row("POST", "/api/workflows/instances/{signal}/cancel", """{"reason":"viewer"}""", w => w.SignalInstanceWaitingAsync());
        Row("POST", "/api/workflows/instances/{faulted}/retry", null, w => w.FaultedInstanceUnchangedAsync());
        Row("POST", "/api/workflows/instances/{signal}/signals/go", """{"from":"viewer"}""", w => w.SignalInstanceWaitingAsync());
        Row("POST", "/api/workflows/instances/{approval}/approvals/approve", """{"decision":"approved","comment":"viewer"}""",
            w => w.InstanceSuspendedAsync(w.ApprovalInstanceId, "approval"));
        return rows;
    }

    private static JsonElement Data(string body) => JsonDocument.Parse(body).RootElement.GetProperty("data");

    private static List<string?> ItemIds(string body, string property) =>
        [.. Data(body).EnumerateArray().Select(i => i.GetProperty(property).GetString())];
}

/// <summary>One organisation with an owner, a viewer and one of everything the viewer reads.</summary>
internal sealed class ViewerWorld
{
    public const string DefinitionId = "signal-flow";

    public const string DraftId = "quick-flow";

    /// <summary>A valid document under an id the organisation does not have: creating or importing it would add it.</summary>
    public static readonly string ViewerDefinition = Flows.Quick.Replace(DraftId, "viewer-flow", StringComparison.Ordinal);

    /// <summary>A valid document for the published definition's id, with another name.</summary>
    public static readonly string ChangedSignalDefinition = Flows.Signal.Replace("Wait for a signal", "Changed by a viewer", StringComparison.Ordinal);

    private static readonly ConditionalWeakTable<AgentFlowHostFixture, Lazy<Task<ViewerWorld>>> Worlds = new();

    private static readonly string[] SendTools = [ApprovalTestSupport.SendTool];

    private ViewerWorld(TestTenant tenant, TestUser viewer) => (Tenant, Viewer) = (tenant, viewer);

    public TestTenant Tenant { get; }

    public TestUser Viewer { get; }

    public HttpClient Owner => Tenant.Owner.Client;

    public Guid OrgId => Tenant.OrgId;

    public Guid AgentId { get; private set; }

    public string AgentName { get; private set; } = "";

    public string AgentState { get; private set; } = "";

    public int AgentVersion { get; private set; }

    public int ProfileVersion { get; private set; }

    public Guid PolicyId { get; private set; }

    public Guid PendingApprovalId { get; private set; }

    public Guid DecidedApprovalId { get; private set; }

    public Guid SignalInstanceId { get; private set; }

    public Guid ApprovalInstanceId { get; private set; }

    public Guid FaultedInstanceId { get; private set; }

    public string Fill(string template) => template
        .Replace("{agent}", AgentId.ToString(), StringComparison.Ordinal)
        .Replace("{org}", OrgId.ToString(), StringComparison.Ordinal)
        .Replace("{policy}", PolicyId.ToString(), StringComparison.Ordinal)
        .Replace("{pending}", PendingApprovalId.ToString(), StringComparison.Ordinal)
        .Replace("{def}", DefinitionId, StringComparison.Ordinal)
        .Replace("{draft}", DraftId, StringComparison.Ordinal)
        .Replace("{signal}", SignalInstanceId.ToString(), StringComparison.Ordinal)
        .Replace("{approval}", ApprovalInstanceId.ToString(), StringComparison.Ordinal)
        .Replace("{faulted}", FaultedInstanceId.ToString(), StringComparison.Ordinal)
        .Replace("{unknown}", Guid.NewGuid().ToString(), StringComparison.Ordinal);

    /// <summary>The world of this fixture (one database), built by the first row that asks for it.</summary>
    public static Task<ViewerWorld> ForAsync(AgentFlowHostFixture host) =>
        Worlds.GetValue(host, h => new Lazy<Task<ViewerWorld>>(() => CreateAsync(h))).Value;

    private static async Task<ViewerWorld> CreateAsync(AgentFlowHostFixture host)
    {
        var tenant = await host.CreateTenantAsync("Viewer access " + Guid.NewGuid().ToString("N")[..8]);
        var world = new ViewerWorld(tenant, await tenant.AddUserAsync(UserRole.Viewer));
        await world.ArrangeAsync(host);
        return world;
    }

    private async Task ArrangeAsync(AgentFlowHostFixture host)
    {
        // An agent whose profile (customer-support) asks approval for sending e-mail, and a policy for that tool.
        AgentId = await ApprovalTestSupport.CreateAgentAsync(Tenant);
        var agent = await GetDataAsync($"/api/engine/agents/{AgentId}");
        AgentName = agent.GetProperty("name").GetString()!;
        AgentState = agent.GetProperty("state").GetString()!;
        AgentVersion = agent.GetProperty("version").GetInt32();
        ProfileVersion = (await GetDataAsync($"/api/engine/profiles/{AgentId}")).GetProperty("version").GetInt32();
        PolicyId = await ApprovalTestSupport.CreatePolicyAsync(Owner, new { name = "Mail", triggers = new { toolIds = SendTools } });

        // Two requests through the runtime hook: one the owner (an approver) denies, one left pending.
        using (var agentKey = await ApprovalTestSupport.AgentClientAsync(host, Tenant, AgentId))
        {
            DecidedApprovalId = await ApprovalTestSupport.RequestAsync(agentKey, new { to = "decided@example.com" });
            await (await ApprovalTestSupport.DecideAsync(Owner, DecidedApprovalId, "deny", "not now")).AssertSuccessAsync();
            PendingApprovalId = await ApprovalTestSupport.RequestAsync(agentKey, new { to = "pending@example.com" });
        }

        // Published definitions with a suspended, an approval-waiting and a faulted instance, and a draft.
        foreach (var flow in new[] { Flows.Signal, Flows.Approval, Flows.Faulty })
        {
            var created = await Owner.CreateAsync(flow);
            await Owner.PublishAsync(created.GetProperty("definitionId").GetString()!);
        }

        await Owner.CreateAsync(Flows.Quick);
        SignalInstanceId = await StartAsync(DefinitionId);
        ApprovalInstanceId = await StartAsync("approval-flow");
        FaultedInstanceId = await StartAsync("faulty-flow");
        await SignalInstanceWaitingAsync();
        await InstanceSuspendedAsync(ApprovalInstanceId, "approval");
        await FaultedInstanceUnchangedAsync();
    }

    // ------------------------------------------------------------------------------------------ re-read as the owner

    public async Task AgentUnchangedAsync()
    {
        var agent = await GetDataAsync($"/api/engine/agents/{AgentId}");
        Assert.Equal(AgentName, agent.GetProperty("name").GetString());
        Assert.Equal(AgentState, agent.GetProperty("state").GetString());
        Assert.Equal(AgentVersion, agent.GetProperty("version").GetInt32());
        Assert.NotEqual("Viewer was here", agent.GetProperty("displayName").GetString());
        await ProfileUnchangedAsync();
    }

    public async Task AgentCountUnchangedAsync()
    {
        var list = await GetAsync("/api/engine/agents");
        Assert.Equal(AgentId, Assert.Single(list.GetProperty("data").EnumerateArray()).GetProperty("id").GetGuid());
    }

    public async Task ProfileUnchangedAsync()
    {
        var profile = await GetDataAsync($"/api/engine/profiles/{AgentId}");
        Assert.Equal(ProfileVersion, profile.GetProperty("version").GetInt32());
    }

    public async Task PendingApprovalUnchangedAsync()
    {
        var request = await GetDataAsync($"/api/engine/approvals/{PendingApprovalId}");
        Assert.Equal("pending", request.GetProperty("status").GetString());
        Assert.Empty(request.GetProperty("votes").EnumerateArray());
    }

    public async Task PoliciesUnchangedAsync()
    {
        var policies = await GetAsync("/api/engine/approvals/policies");
        var policy = Assert.Single(policies.GetProperty("data").EnumerateArray());
        Assert.Equal(PolicyId, policy.GetProperty("id").GetGuid());
        Assert.Equal("Mail", policy.GetProperty("name").GetString());
    }

    public async Task ViewerDefinitionAbsentAsync()
    {
        using var response = await Owner.GetAsync("/api/workflows/definitions/viewer-flow");
        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    public async Task DefinitionUnchangedAsync()
    {
        var versions = (await GetAsync($"/api/workflows/definitions/{DefinitionId}/versions")).GetProperty("data").EnumerateArray().ToList();
        var version = Assert.Single(versions);
        Assert.Equal("published", version.GetProperty("status").GetString());
        Assert.Equal("Wait for a signal", version.GetProperty("name").GetString());
        await SignalInstanceWaitingAsync();
    }

    public async Task DraftUnchangedAsync()
    {
        var versions = (await GetAsync($"/api/workflows/definitions/{DraftId}/versions")).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal("draft", Assert.Single(versions).GetProperty("status").GetString());
    }

    public async Task SignalInstancesUnchangedAsync()
    {
        var list = await GetAsync($"/api/workflows/instances?definitionId={DefinitionId}");
        Assert.Equal(SignalInstanceId, Assert.Single(list.GetProperty("data").EnumerateArray()).GetProperty("id").GetGuid());
    }

    public Task SignalInstanceWaitingAsync() => InstanceSuspendedAsync(SignalInstanceId, "signal");

    public async Task InstanceSuspendedAsync(Guid instanceId, string waitKind)
    {
        var data = await GetDataAsync($"/api/workflows/instances/{instanceId}");
        Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
        Assert.Equal(waitKind, Assert.Single(data.GetProperty("waits").EnumerateArray()).GetProperty("kind").GetString());
    }

    public async Task FaultedInstanceUnchangedAsync()
    {
        var data = await GetDataAsync($"/api/workflows/instances/{FaultedInstanceId}");
        Assert.Equal("faulted", data.GetProperty("instance").GetProperty("status").GetString());
        Assert.Single(data.GetProperty("incidents").EnumerateArray());
    }

    // --------------------------------------------------------------------------------------------------- helpers

    private async Task<Guid> StartAsync(string definitionId)
    {
        var response = await Owner.PostAsync($"/api/workflows/definitions/{definitionId}/instances", Wf.Json("""{"input":{}}"""));
        var data = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        return Guid.Parse(data.GetProperty("instanceId").GetString()!);
    }

    private async Task<JsonElement> GetAsync(string url) => await (await Owner.GetAsync(url)).AssertSuccessAsync();

    private async Task<JsonElement> GetDataAsync(string url) => (await GetAsync(url)).GetProperty("data");
}
