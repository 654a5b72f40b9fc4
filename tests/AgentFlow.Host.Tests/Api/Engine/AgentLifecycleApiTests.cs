using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Lifecycle;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Api.Engine;

public abstract class AgentLifecycleApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string Agents = "/api/engine/agents";

    private static readonly object CompleteUpdates = new
    {
        displayName = "Support Bot",
        identity = new { role = "Support" },
        model = new { provider = "anthropic", modelId = "claude-sonnet-4-20250514" },
        deployment = new { target = "docker" },
        permissionProfileId = "Customer Support Agent",
    };

    private OrchestratorLog Log => host.Services.GetRequiredService<OrchestratorLog>();

    [Fact]
    public async Task UpdateConfig_DraftPartialThenComplete_MovesToConfiguringThenReady()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant);

        var partial = await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new { updates = new { displayName = "Half" } });
        var complete = await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new { updates = CompleteUpdates });

        Assert.Equal("configuring", (await partial.AssertSuccessAsync()).GetProperty("data").GetProperty("state").GetString());
        Assert.Equal("ready", (await complete.AssertSuccessAsync()).GetProperty("data").GetProperty("state").GetString());
    }

    [Fact]
    public async Task GetHistory_AfterConfigureAndDeploy_ListsEveryTransitionNewestFirstWithActor()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant);
        await (await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new { updates = new { displayName = "Half" } })).AssertSuccessAsync();
        await (await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new { updates = CompleteUpdates })).AssertSuccessAsync();
        await (await tenant.Owner.Client.PostAsJsonAsync($"{Agents}/{id}/deploy", new { reason = "go live" })).AssertSuccessAsync(HttpStatusCode.Accepted);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var body = await (await member.Client.GetAsync($"{Agents}/{id}/history")).AssertSuccessAsync();

        var rows = body.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(4, body.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal(["deploy", "configComplete", "configure", "create"], rows.Select(r => r.GetProperty("trigger").GetString()));
        Assert.Equal(["ready", "configuring", "draft", null], rows.Select(r => r.GetProperty("from").GetString()));
        Assert.Equal(["provisioning", "ready", "configuring", "draft"], rows.Select(r => r.GetProperty("to").GetString()));
        Assert.All(rows, r => Assert.Equal(tenant.Owner.Id.ToString(), r.GetProperty("actor").GetString()));
        Assert.Equal("go live", rows[0].GetProperty("reason").GetString());
        var page = await (await member.Client.GetAsync($"{Agents}/{id}/history?limit=1&offset=3")).AssertSuccessAsync();
        Assert.Equal("create", Assert.Single(page.GetProperty("data").EnumerateArray()).GetProperty("trigger").GetString());
    }

    [Fact]
    public async Task Deploy_ReadyAgent_Returns202StoresProvisioningThenCallsTheOrchestrator()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await ReadyAsync(tenant);

        var response = await tenant.Owner.Client.PostAsync($"{Agents}/{id}/deploy", null);

        var transition = (await response.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        Assert.Equal(("ready", "provisioning", "deploy"), (transition.GetProperty("from").GetString(), transition.GetProperty("to").GetString(), transition.GetProperty("trigger").GetString()));
        Assert.Equal($"{Agents}/{id}", response.Headers.Location?.ToString());
        var call = Assert.Single(Log.For(id));
        Assert.Equal(new OrchestratorCall("deploy", id, tenant.Owner.Id.ToString(), null, "provisioning"), call);
        Assert.Equal("provisioning", await StateAsync(tenant, id));
    }

    [Fact]
    public async Task Deploy_PlanNoLongerAllowsTheTarget_Returns403PlanLimitAndStaysReady()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await ReadyAsync(tenant);
        await (await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new { updates = new { deployment = new { target = "fly" } } })).AssertSuccessAsync();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<OrganizationService>().ChangePlanAsync(tenant.OrgId, PlanCatalog.Free.Name, new OrgCaller(Organization.DefaultId, UserRole.Owner));
        }

        var response = await tenant.Owner.Client.PostAsync($"{Agents}/{id}/deploy", null);

        var details = (await response.AssertProblemAsync(HttpStatusCode.Forbidden, "PLAN_LIMIT")).GetProperty("details");
        Assert.Equal("fly", details.GetProperty("target").GetString());
        Assert.Equal("ready", await StateAsync(tenant, id));
        Assert.Empty(Log.For(id));
    }

    [Fact]
    public async Task Stop_DraftAgent_Returns409WithStateTriggerAndAllowedAndCallsNothing()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant);

        var response = await tenant.Owner.Client.PostAsJsonAsync($"{Agents}/{id}/stop", new { reason = "why not" });

        var details = (await response.AssertProblemAsync(HttpStatusCode.Conflict, "INVALID_TRANSITION")).GetProperty("details");
        Assert.Equal("draft", details.GetProperty("state").GetString());
        Assert.Equal("stop", details.GetProperty("trigger").GetString());
        Assert.Equal(["configure", "configComplete", "destroy"], details.GetProperty("allowed").EnumerateArray().Select(e => e.GetString()));
        Assert.Empty(Log.For(id));
        Assert.Equal("draft", await StateAsync(tenant, id));
    }

    [Fact]
    public async Task UpdateConfig_RunningAgent_Returns409AllowingHotUpdate()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await RunningAsync(tenant);

        var response = await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new { updates = new { displayName = "Live edit" } });

        var details = (await response.AssertProblemAsync(HttpStatusCode.Conflict, "INVALID_TRANSITION")).GetProperty("details");
        Assert.Equal("running", details.GetProperty("state").GetString());
        Assert.Equal(["degrade", "fail", "stop", "restart", "hotUpdate", "destroy"], details.GetProperty("allowed").EnumerateArray().Select(e => e.GetString()));
        var agent = await GetAsync(tenant, id);
        Assert.Equal("Support Bot", agent.GetProperty("displayName").GetString());
    }

    [Fact]
    public async Task StopThenRestart_RunningAgent_StoresEachStateBeforeCallingTheOrchestrator()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await RunningAsync(tenant);

        var stop = await tenant.Owner.Client.PostAsJsonAsync($"{Agents}/{id}/stop", new { reason = "maintenance" });
        var restart = await tenant.Owner.Client.PostAsync($"{Agents}/{id}/restart", null);

        Assert.Equal("stopped", (await stop.AssertSuccessAsync()).GetProperty("data").GetProperty("to").GetString());
        Assert.Equal("starting", (await restart.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data").GetProperty("to").GetString());
        var calls = Log.For(id).Skip(1).ToList();
        Assert.Equal([("stop", "stopped", "maintenance"), ("restart", "starting", null)], calls.Select(c => (c.Operation, c.StateAtCall, c.Reason)));
    }

    [Fact]
    public async Task HotUpdate_RunningAgent_AppliesTheUpdatesMovesToUpdatingAndCallsTheOrchestrator()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await RunningAsync(tenant);

        var response = await tenant.Owner.Client.PostAsJsonAsync($"{Agents}/{id}/hot-update", new { updates = new { model = new { temperature = 0.1 } }, reason = "calmer" });

        var transition = (await response.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        Assert.Equal(("running", "updating"), (transition.GetProperty("from").GetString(), transition.GetProperty("to").GetString()));
        var agent = await GetAsync(tenant, id);
        Assert.Equal(0.1, agent.GetProperty("config").GetProperty("model").GetProperty("temperature").GetDouble());
        Assert.Equal(3, agent.GetProperty("version").GetInt32());
        Assert.Equal(("hotUpdate", "updating", "calmer"), Log.For(id).Select(c => (c.Operation, c.StateAtCall, c.Reason)).Last());
    }

    [Fact]
    public async Task HotUpdate_DraftAgent_Returns409BeforeLookingAtTheConfiguration()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await CreateAsync(tenant);

        var response = await tenant.Owner.Client.PostAsJsonAsync($"{Agents}/{id}/hot-update", new { updates = new { displayName = "Early" } });

        var details = (await response.AssertProblemAsync(HttpStatusCode.Conflict, "INVALID_TRANSITION")).GetProperty("details");
        Assert.Equal(("draft", "hotUpdate"), (details.GetProperty("state").GetString(), details.GetProperty("trigger").GetString()));
        var agent = await GetAsync(tenant, id);
        Assert.Equal((JsonValueKind.Null, 1), (agent.GetProperty("displayName").ValueKind, agent.GetProperty("version").GetInt32()));
        Assert.Empty(Log.For(id));
    }

    [Fact]
    public async Task Stop_OrchestratorFails_AgentMovesFromStoppedToErrorWithTheReason()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await RunningAsync(tenant);
        Log.FailOn[id] = "stop";

        var response = await tenant.Owner.Client.PostAsync($"{Agents}/{id}/stop", null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var last = (await (await tenant.Owner.Client.GetAsync($"{Agents}/{id}/history?limit=1")).AssertSuccessAsync()).GetProperty("data")[0];
        Assert.Equal(("stopped", "error", "stop failed: Injected stop failure with a second line."),
            (last.GetProperty("from").GetString(), last.GetProperty("to").GetString(), last.GetProperty("reason").GetString()));
    }

    [Fact]
    public async Task Destroy_RunningAgent_StopsThenTearsDownThenDeletes()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await RunningAsync(tenant);

        var response = await tenant.Owner.Client.DeleteAsync($"{Agents}/{id}");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        // Both calls saw the agent still stored, in destroying: nothing was removed before the deployment was.
        Assert.Equal([("stop", "destroying"), ("destroy", "destroying")], Log.For(id).Skip(1).Select(c => (c.Operation, c.StateAtCall)));
        await (await tenant.Owner.Client.GetAsync($"{Agents}/{id}")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await tenant.Owner.Client.GetAsync($"{Agents}/{id}/history")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Destroy_TeardownFails_AgentIsKeptInErrorWithTheFailureAndCanBeDestroyedAgain()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await RunningAsync(tenant);
        Log.FailOn[id] = "destroy";

        var failed = await tenant.Owner.Client.DeleteAsync($"{Agents}/{id}");

        await failed.AssertProblemAsync(HttpStatusCode.InternalServerError, "INTERNAL_ERROR");
        Assert.Equal("error", await StateAsync(tenant, id));
        var history = (await (await tenant.Owner.Client.GetAsync($"{Agents}/{id}/history")).AssertSuccessAsync()).GetProperty("data");
        var fail = history[0];
        Assert.Equal(("destroying", "error", "fail", "system"), (fail.GetProperty("from").GetString(), fail.GetProperty("to").GetString(),
            fail.GetProperty("trigger").GetString(), fail.GetProperty("actor").GetString()));
        Assert.Equal("destroy failed: Injected destroy failure with a second line.", fail.GetProperty("reason").GetString());

        Log.FailOn.TryRemove(id, out _);
        var retry = await tenant.Owner.Client.DeleteAsync($"{Agents}/{id}");
        Assert.Equal(HttpStatusCode.NoContent, retry.StatusCode);
    }

    [Fact]
    public async Task Deploy_OrchestratorFails_AgentMovesToError()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await ReadyAsync(tenant);
        Log.FailOn[id] = "deploy";

        var response = await tenant.Owner.Client.PostAsync($"{Agents}/{id}/deploy", null);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("error", await StateAsync(tenant, id));
    }

    [Fact]
    public async Task LifecycleRoutes_AnotherOrganisationsAgent_Return404AndTouchNothing()
    {
        var owner = await host.CreateTenantAsync();
        var intruder = await host.CreateTenantAsync();
        var id = await RunningAsync(owner);
        var before = Log.For(id).Count;

        var responses = new[]
        {
            await intruder.Owner.Client.GetAsync($"{Agents}/{id}/history"),
            await intruder.Owner.Client.PostAsync($"{Agents}/{id}/stop", null),
            await intruder.Owner.Client.PostAsync($"{Agents}/{id}/restart", null),
            await intruder.Owner.Client.PostAsync($"{Agents}/{id}/hot-update", null),
            await intruder.Owner.Client.PostAsync($"{Agents}/{id}/deploy", null),
            await intruder.Owner.Client.DeleteAsync($"{Agents}/{id}"),
        };

        foreach (var response in responses)
        {
            await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }

        Assert.Equal(before, Log.For(id).Count);
        Assert.Equal("running", await StateAsync(owner, id));
    }

    [Fact]
    public async Task LifecycleRoutes_ViewerAndMember_MayOnlyRead()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await ReadyAsync(tenant);
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var viewerHistory = await viewer.Client.GetAsync($"{Agents}/{id}/history");
        var viewerDeploy = await viewer.Client.PostAsync($"{Agents}/{id}/deploy", null);
        var memberDeploy = await member.Client.PostAsync($"{Agents}/{id}/deploy", null);
        var memberDestroy = await member.Client.DeleteAsync($"{Agents}/{id}");
        var memberHistory = await member.Client.GetAsync($"{Agents}/{id}/history");

        await viewerHistory.AssertSuccessAsync();
        await viewerDeploy.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal(HttpStatusCode.Forbidden, memberDeploy.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, memberDestroy.StatusCode);
        await memberHistory.AssertSuccessAsync();
        Assert.Equal("ready", await StateAsync(tenant, id));
    }

    [Fact]
    public async Task AdminDelete_DeployedAgent_Returns409AgentDeployedAndKeepsIt()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await RunningAsync(tenant);

        var response = await tenant.Owner.Client.DeleteAsync($"/api/agents/{id}");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "AGENT_DEPLOYED");
        Assert.Equal("running", await StateAsync(tenant, id));
    }

    [Fact]
    public async Task Stop_ConcurrentRequests_ExactlyOneSucceedsTheOthersGet409()
    {
        var tenant = await host.CreateTenantAsync();
        var id = await RunningAsync(tenant);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => tenant.Owner.Client.PostAsync($"{Agents}/{id}/stop", null)));

        Assert.Single(responses, r => r.StatusCode == HttpStatusCode.OK);
        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        Assert.Single(Log.For(id), c => c.Operation == "stop");
    }

    private static async Task<Guid> CreateAsync(TestTenant tenant)
    {
        var body = await (await tenant.Owner.Client.PostAsJsonAsync(Agents, new { config = new { name = "agent-" + Guid.NewGuid().ToString("N")[..8] } }))
            .AssertSuccessAsync(HttpStatusCode.Created);
        return body.GetProperty("data").GetProperty("id").GetGuid();
    }

    private static async Task<Guid> ReadyAsync(TestTenant tenant)
    {
        var id = await CreateAsync(tenant);
        await (await tenant.Owner.Client.PatchAsJsonAsync($"{Agents}/{id}/config", new { updates = CompleteUpdates })).AssertSuccessAsync();
        return id;
    }

    /// <summary>Deployed through the API; the progress an orchestrator would report is fired as the system.</summary>
    private async Task<Guid> RunningAsync(TestTenant tenant)
    {
        var id = await ReadyAsync(tenant);
        await (await tenant.Owner.Client.PostAsync($"{Agents}/{id}/deploy", null)).AssertSuccessAsync(HttpStatusCode.Accepted);
        foreach (var trigger in new[] { AgentTrigger.Provisioned, AgentTrigger.Deployed, AgentTrigger.Healthy })
        {
            await using var scope = host.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<ScopedTenantContext>().Use(tenant.OrgId);
            await scope.ServiceProvider.GetRequiredService<AgentLifecycleService>().FireAsync(id, trigger, AgentActors.System, null);
        }

        Assert.Equal("running", await StateAsync(tenant, id));
        return id;
    }

    private static async Task<JsonElement> GetAsync(TestTenant tenant, Guid id) =>
        (await (await tenant.Owner.Client.GetAsync($"{Agents}/{id}")).AssertSuccessAsync()).GetProperty("data");

    private static async Task<string?> StateAsync(TestTenant tenant, Guid id) => (await GetAsync(tenant, id)).GetProperty("state").GetString();
}

public sealed class SqliteAgentLifecycleApiTests(SqliteLifecycleHostFixture host) : AgentLifecycleApiTests<SqliteLifecycleHostFixture>(host);

public sealed class PostgresAgentLifecycleApiTests(PostgresLifecycleHostFixture host) : AgentLifecycleApiTests<PostgresLifecycleHostFixture>(host);

/// <summary>Until the Host registers an orchestrator, the lifecycle routes refuse with 501 and change nothing.</summary>
public abstract class AgentLifecycleWithoutOrchestratorTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Theory]
    [InlineData("POST", "deploy")]
    [InlineData("POST", "stop")]
    [InlineData("POST", "restart")]
    [InlineData("POST", "hot-update")]
    [InlineData("DELETE", "")]
    public async Task LifecycleRoute_NoOrchestrator_Returns501AndChangesNothing(string method, string action)
    {
        var tenant = await host.CreateTenantAsync();
        var created = await (await tenant.Owner.Client.PostAsJsonAsync("/api/engine/agents", new { config = new { name = "idle" } })).AssertSuccessAsync(HttpStatusCode.Created);
        var id = created.GetProperty("data").GetProperty("id").GetGuid();

        var response = await tenant.Owner.Client.SendAsync(new HttpRequestMessage(new HttpMethod(method), $"/api/engine/agents/{id}/{action}".TrimEnd('/')));

        await response.AssertProblemAsync(HttpStatusCode.NotImplemented, "DEPLOYMENT_UNAVAILABLE");
        var history = await (await tenant.Owner.Client.GetAsync($"/api/engine/agents/{id}/history")).AssertSuccessAsync();
        Assert.Equal("draft", Assert.Single(history.GetProperty("data").EnumerateArray()).GetProperty("to").GetString());
    }
}

public sealed class SqliteAgentLifecycleWithoutOrchestratorTests(SqliteNoOrchestratorHostFixture host) : AgentLifecycleWithoutOrchestratorTests<SqliteNoOrchestratorHostFixture>(host);

public sealed class PostgresAgentLifecycleWithoutOrchestratorTests(PostgresNoOrchestratorHostFixture host) : AgentLifecycleWithoutOrchestratorTests<PostgresNoOrchestratorHostFixture>(host);
