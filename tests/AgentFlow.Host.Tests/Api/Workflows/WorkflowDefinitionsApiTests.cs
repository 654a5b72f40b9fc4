using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Startup;
using AgentFlow.Host.Tests.Infrastructure;
using AgentFlow.Workflows.Definitions;
using AgentFlow.Workflows.Persistence;
using AgentFlow.Workflows.Runtime;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentFlow.Host.Tests.Api.Workflows;

public abstract class WorkflowDefinitionsApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string Definitions = "/api/workflows/definitions";

    // ------------------------------------------------------------------------------------------------ create/validate

    [Fact]
    public async Task CreateDefinition_ValidDocument_Returns201DraftV1WithStoredVersion()
    {
        var tenant = await host.CreateTenantAsync();
        var json = Wf.Definition("order-intake", "Order intake", d => d["version"] = 7);

        var response = await tenant.Owner.Client.PostAsync(Definitions, Wf.Json(json));

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        Assert.Equal("order-intake", data.GetProperty("definitionId").GetString());
        Assert.Equal(1, data.GetProperty("version").GetInt32());
        Assert.Equal("draft", data.GetProperty("status").GetString());
        Assert.True(data.GetProperty("isLatest").GetBoolean());
        Assert.Equal("Order intake", data.GetProperty("name").GetString());
        Assert.Equal(64, data.GetProperty("contentHash").GetString()!.Length);
        // The stored document carries the row's version, whatever the body said.
        Assert.Equal(1, data.GetProperty("definition").GetProperty("version").GetInt32());
        Assert.Equal("wf/1", data.GetProperty("definition").GetProperty("schema").GetString());
        Assert.Equal($"{Definitions}/order-intake", response.Headers.Location?.ToString());
    }

    [Fact]
    public async Task CreateDefinition_ExistingId_Returns409()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("dup-flow"));

        var response = await tenant.Owner.Client.PostAsync(Definitions, Wf.Json(Wf.Definition("dup-flow")));

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "CONFLICT");
    }

    [Fact]
    public async Task CreateDefinition_UnknownTypeAndCycleWithoutWait_Returns400WithOneDetailPerProblem()
    {
        var tenant = await host.CreateTenantAsync();
        var json = Wf.Definition("broken-flow", customize: d =>
        {
            var nodes = d["nodes"]!.AsArray();
            nodes.Add(new JsonObject { ["id"] = "mystery", ["type"] = "nope.missing" });
            nodes.Add(new JsonObject { ["id"] = "loopA", ["type"] = "test.step" });
            nodes.Add(new JsonObject { ["id"] = "loopB", ["type"] = "test.step" });
            var edges = d["edges"]!.AsArray();
            edges.Add(new JsonObject { ["from"] = "work", ["to"] = "mystery" });
            edges.Add(new JsonObject { ["from"] = "work", ["to"] = "loopA" });
            edges.Add(new JsonObject { ["from"] = "loopA", ["to"] = "loopB" });
            edges.Add(new JsonObject { ["from"] = "loopB", ["to"] = "loopA" });
        });

        var response = await tenant.Owner.Client.PostAsync(Definitions, Wf.Json(json));

        var problems = await response.AssertDefinitionProblemsAsync();
        Assert.Contains(problems, p => p.GetProperty("nodeId").GetString() == "mystery" && p.GetProperty("field").GetString() == "type"
            && p.GetProperty("message").GetString()!.Contains("nope.missing", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.GetProperty("nodeId").GetString() == "loopA" && p.GetProperty("field").GetString() == "edges"
            && p.GetProperty("message").GetString()!.Contains("cycle", StringComparison.Ordinal));
        // One entry per problem: the same count the validate route reports, and no duplicates.
        var validated = await ValidateAsync(tenant.Owner.Client, json);
        Assert.Equal(validated.GetProperty("problems").GetArrayLength(), problems.Count);
        Assert.Equal(problems.Count, problems.Select(p => p.GetRawText()).Distinct(StringComparer.Ordinal).Count());
        await (await tenant.Owner.Client.GetAsync($"{Definitions}/broken-flow")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task CreateDefinition_BadJavaScriptAndLiquid_Returns400NamingNodeAndInput()
    {
        var tenant = await host.CreateTenantAsync();
        var json = Wf.Definition("bad-expressions", customize: d =>
        {
            d["nodes"]!.AsArray().Add(new JsonObject
            {
                ["id"] = "compute", ["type"] = "core.set",
                ["inputs"] = new JsonObject { ["variable"] = "total", ["value"] = new JsonObject { ["js"] = "input.amount * (" } },
            });
            d["nodes"]!.AsArray().Add(new JsonObject
            {
                ["id"] = "note", ["type"] = "core.log",
                ["inputs"] = new JsonObject { ["message"] = new JsonObject { ["liquid"] = "Total {{ vars.total " } },
            });
            d["edges"]!.AsArray().Add(new JsonObject { ["from"] = "work", ["to"] = "compute" });
            d["edges"]!.AsArray().Add(new JsonObject { ["from"] = "compute", ["to"] = "note" });
        });

        var response = await tenant.Owner.Client.PostAsync(Definitions, Wf.Json(json));

        var problems = await response.AssertDefinitionProblemsAsync();
        Assert.Contains(problems, p => p.GetProperty("nodeId").GetString() == "compute" && p.GetProperty("field").GetString() == "inputs.value"
            && p.GetProperty("message").GetString()!.Contains("JavaScript", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.GetProperty("nodeId").GetString() == "note" && p.GetProperty("field").GetString() == "inputs.message"
            && p.GetProperty("message").GetString()!.Contains("Liquid", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{not json", "$")]
    [InlineData("", "$")]
    [InlineData("{\"schema\":\"wf/1\",\"definitionId\":\"x-flow\",\"nodes\":\"many\"}", "$.nodes")]
    public async Task CreateDefinition_UnreadableDocument_Returns400WithTheParseProblem(string body, string fieldPrefix)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync(Definitions, Wf.Json(body));

        var problems = await response.AssertDefinitionProblemsAsync();
        var problem = Assert.Single(problems);
        Assert.StartsWith(fieldPrefix, problem.GetProperty("field").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateDefinition_InvalidTriggerConfig_Returns400NamingTheConfigField()
    {
        var tenant = await host.CreateTenantAsync();
        var json = Wf.Definition("bad-cron", customize: d => Wf.AddTrigger(d, "cron", new JsonObject { ["expression"] = "every tuesday" }));

        var response = await tenant.Owner.Client.PostAsync(Definitions, Wf.Json(json));

        var problems = await response.AssertDefinitionProblemsAsync();
        var problem = Assert.Single(problems);
        Assert.Equal("triggers[0].config.expression", problem.GetProperty("field").GetString());
        Assert.Equal("start", problem.GetProperty("nodeId").GetString());
    }

    [Fact]
    public async Task ValidateDefinition_ReportsProblemsAndWarningsWithoutSaving()
    {
        var tenant = await host.CreateTenantAsync();
        var invalid = Wf.Definition("checked-flow", customize: d => d["nodes"]!.AsArray().Add(new JsonObject { ["id"] = "orphan", ["type"] = "test.step" }));

        var result = await ValidateAsync(tenant.Owner.Client, invalid);
        var valid = await ValidateAsync(tenant.Owner.Client, Wf.Definition("checked-flow"));

        Assert.False(result.GetProperty("valid").GetBoolean());
        var problem = Assert.Single(result.GetProperty("problems").EnumerateArray());
        Assert.Equal("orphan", problem.GetProperty("nodeId").GetString());
        Assert.Equal("error", problem.GetProperty("severity").GetString());
        Assert.True(valid.GetProperty("valid").GetBoolean());
        Assert.Equal(0, valid.GetProperty("problems").GetArrayLength());
        await (await tenant.Owner.Client.GetAsync($"{Definitions}/checked-flow")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    // ----------------------------------------------------------------------------------------------- drafts/versions

    [Fact]
    public async Task SaveDraft_LatestIsDraft_ReplacesItsContent()
    {
        var tenant = await host.CreateTenantAsync();
        var created = await tenant.Owner.Client.CreateAsync(Wf.Definition("draft-flow", "First"));

        var response = await tenant.Owner.Client.PutAsync($"{Definitions}/draft-flow", Wf.Json(Wf.Definition("draft-flow", "Second")));

        var data = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(1, data.GetProperty("version").GetInt32());
        Assert.Equal("Second", data.GetProperty("name").GetString());
        Assert.Equal(created.GetProperty("id").GetString(), data.GetProperty("id").GetString());
        Assert.NotEqual(created.GetProperty("contentHash").GetString(), data.GetProperty("contentHash").GetString());
        Assert.Single(await tenant.Owner.Client.VersionsAsync("draft-flow"));
    }

    [Fact]
    public async Task SaveDraft_AfterPublish_AddsNextVersionAsLatestDraft()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("next-flow", "One"));
        await tenant.Owner.Client.PublishAsync("next-flow");

        var response = await tenant.Owner.Client.PutAsync($"{Definitions}/next-flow", Wf.Json(Wf.Definition("next-flow", "Two")));

        var data = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(2, data.GetProperty("version").GetInt32());
        Assert.Equal("draft", data.GetProperty("status").GetString());
        Assert.Equal(2, data.GetProperty("definition").GetProperty("version").GetInt32());
        var versions = await tenant.Owner.Client.VersionsAsync("next-flow");
        Assert.Equal([2, 1], versions.Select(v => v.GetProperty("version").GetInt32()));
        Assert.Equal(["draft", "published"], versions.Select(v => v.GetProperty("status").GetString()));
        Assert.Equal([true, false], versions.Select(v => v.GetProperty("isLatest").GetBoolean()));
        var summary = await FindInListAsync(tenant.Owner.Client, "next-flow");
        Assert.Equal(2, summary.GetProperty("latestVersion").GetInt32());
        Assert.Equal(1, summary.GetProperty("publishedVersion").GetInt32());
        Assert.Equal("draft", summary.GetProperty("status").GetString());
    }

    [Fact]
    public async Task SaveDraft_BodyForAnotherDefinition_Returns400NamingDefinitionId()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("route-flow"));

        var response = await tenant.Owner.Client.PutAsync($"{Definitions}/route-flow", Wf.Json(Wf.Definition("other-flow")));

        var problems = await response.AssertDefinitionProblemsAsync();
        Assert.Equal("definitionId", Assert.Single(problems).GetProperty("field").GetString());
    }

    [Fact]
    public async Task SaveDraft_UnknownDefinition_Returns404()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PutAsync($"{Definitions}/ghost-flow", Wf.Json(Wf.Definition("ghost-flow")));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task GetDefinition_ByVersion_ReturnsThatVersion()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("versioned-flow", "One"));
        await tenant.Owner.Client.PublishAsync("versioned-flow");
        await (await tenant.Owner.Client.PutAsync($"{Definitions}/versioned-flow", Wf.Json(Wf.Definition("versioned-flow", "Two")))).AssertSuccessAsync();

        var latest = (await (await tenant.Owner.Client.GetAsync($"{Definitions}/versioned-flow")).AssertSuccessAsync()).GetProperty("data");
        var first = (await (await tenant.Owner.Client.GetAsync($"{Definitions}/versioned-flow?version=1")).AssertSuccessAsync()).GetProperty("data");
        var missing = await tenant.Owner.Client.GetAsync($"{Definitions}/versioned-flow?version=9");
        var bad = await tenant.Owner.Client.GetAsync($"{Definitions}/versioned-flow?version=abc");

        Assert.Equal("Two", latest.GetProperty("name").GetString());
        Assert.Equal("One", first.GetProperty("name").GetString());
        Assert.Equal("published", first.GetProperty("status").GetString());
        await missing.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await bad.AssertValidationErrorForAsync("version");
    }

    [Fact]
    public async Task ListDefinitions_FiltersBySearchAndStatus_AndPages()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        await client.CreateAsync(Wf.Definition("alpha-billing", "Alpha billing"));
        await client.CreateAsync(Wf.Definition("beta-billing", "Beta Billing"));
        await client.CreateAsync(Wf.Definition("gamma-report", "Gamma"));
        await client.PublishAsync("beta-billing");

        var searched = await ListAsync(client, "?search=BILLING");
        var published = await ListAsync(client, "?status=published");
        var drafts = await ListAsync(client, "?status=draft");
        var page = await ListAsync(client, "?limit=1&offset=1");
        var bad = await client.GetAsync($"{Definitions}?status=running");

        Assert.Equal(["alpha-billing", "beta-billing"], Ids(searched));
        Assert.Equal(["beta-billing"], Ids(published));
        Assert.Equal(["alpha-billing", "gamma-report"], Ids(drafts));
        // The seeded definition is part of every organisation.
        Assert.Equal(4, page.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal(["beta-billing"], Ids(page));
        await bad.AssertValidationErrorForAsync("status");
    }

    // ------------------------------------------------------------------------------------------------------- publish

    [Fact]
    public async Task Publish_NewerVersion_RetiresThePreviousSoExactlyOneIsPublished()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        await client.CreateAsync(Wf.Definition("pub-flow", "One"));
        var first = await client.PublishAsync("pub-flow");
        await (await client.PutAsync($"{Definitions}/pub-flow", Wf.Json(Wf.Definition("pub-flow", "Two")))).AssertSuccessAsync();

        var second = await client.PublishAsync("pub-flow");

        Assert.Equal("published", first.GetProperty("status").GetString());
        Assert.NotEqual(JsonValueKind.Null, first.GetProperty("publishedAt").ValueKind);
        Assert.Equal(2, second.GetProperty("version").GetInt32());
        var versions = await client.VersionsAsync("pub-flow");
        Assert.Equal(["published", "retired"], versions.Select(v => v.GetProperty("status").GetString()));
        Assert.NotEqual(JsonValueKind.Null, versions[1].GetProperty("retiredAt").ValueKind);
    }

    [Fact]
    public async Task Publish_OlderVersion_BringsItBackAndRetiresTheCurrent()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        await client.CreateAsync(Wf.Definition("rollback-flow", "One"));
        await client.PublishAsync("rollback-flow");
        await (await client.PutAsync($"{Definitions}/rollback-flow", Wf.Json(Wf.Definition("rollback-flow", "Two")))).AssertSuccessAsync();
        await client.PublishAsync("rollback-flow");

        var republished = await client.PublishAsync("rollback-flow", version: 1);

        Assert.Equal(1, republished.GetProperty("version").GetInt32());
        var versions = await client.VersionsAsync("rollback-flow");
        Assert.Equal(["retired", "published"], versions.Select(v => v.GetProperty("status").GetString()));
        Assert.True(versions[0].GetProperty("isLatest").GetBoolean());
    }

    [Fact]
    public async Task Publish_AlreadyPublished_Returns409()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("once-flow"));
        await tenant.Owner.Client.PublishAsync("once-flow");

        var response = await tenant.Owner.Client.PostEmptyAsync($"{Definitions}/once-flow/publish");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "ALREADY_PUBLISHED");
    }

    [Fact]
    public async Task Publish_ConcurrentRequestsForOneDraft_OneSucceedsTheOthersGet409()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("race-flow"));

        var responses = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => tenant.Owner.Client.PostEmptyAsync($"{Definitions}/race-flow/publish")));

        var statuses = responses.Select(r => r.StatusCode).ToList();
        Assert.Single(statuses, s => s == HttpStatusCode.OK);
        Assert.All(statuses.Where(s => s != HttpStatusCode.OK), s => Assert.Equal(HttpStatusCode.Conflict, s));
        Assert.Single(await tenant.Owner.Client.VersionsAsync("race-flow"), v => v.GetProperty("status").GetString() == "published");
    }

    [Fact]
    public async Task Publish_InvalidStoredVersion_Returns400AndKeepsTheDraft()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("stale-flow"));
        // An activity type can disappear after a draft was saved (a plugin removed): publishing re-validates.
        await UpdateContentAsync(tenant.OrgId, "stale-flow", json => json.Replace("test.step", "gone.step", StringComparison.Ordinal));

        var response = await tenant.Owner.Client.PostEmptyAsync($"{Definitions}/stale-flow/publish");

        var problems = await response.AssertDefinitionProblemsAsync();
        Assert.Contains(problems, p => p.GetProperty("nodeId").GetString() == "work" && p.GetProperty("field").GetString() == "type");
        Assert.Equal("draft", Assert.Single(await tenant.Owner.Client.VersionsAsync("stale-flow")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Publish_HttpRouteOfAnotherPublishedWorkflow_Returns409RouteConflict()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        await client.CreateAsync(Wf.Definition("orders-a", customize: d => Wf.AddHttpTrigger(d, "POST", "/orders/{id}")));
        await client.PublishAsync("orders-a");
        // Same canonical route: method case, literal segment case and trailing slash do not matter.
        await client.CreateAsync(Wf.Definition("orders-b", customize: d => Wf.AddHttpTrigger(d, "post", "/Orders/{id}/")));

        var response = await client.PostEmptyAsync($"{Definitions}/orders-b/publish");

        var problem = await response.AssertProblemAsync(HttpStatusCode.Conflict, "ROUTE_CONFLICT");
        Assert.Contains("orders-a", problem.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("draft", Assert.Single(await client.VersionsAsync("orders-b")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Publish_HttpEndpointNodeOnARouteAnotherWorkflowTriggers_Returns409RouteConflict()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        await client.CreateAsync(Wf.Definition("hook-a", customize: d => Wf.AddHttpTrigger(d, "PUT", "/hooks/deploy")));
        await client.PublishAsync("hook-a");
        await client.CreateAsync(Wf.Definition("hook-b", customize: d =>
        {
            d["nodes"]!.AsArray().Add(new JsonObject
            {
                ["id"] = "callback", ["type"] = "http.endpoint",
                ["inputs"] = new JsonObject { ["method"] = "PUT", ["path"] = "/hooks/deploy" },
            });
            d["edges"]!.AsArray().Add(new JsonObject { ["from"] = "work", ["to"] = "callback" });
        }));

        var response = await client.PostEmptyAsync($"{Definitions}/hook-b/publish");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "ROUTE_CONFLICT");
    }

    [Fact]
    public async Task Publish_RouteFreedByRetractOrUsedInAnotherTenant_Succeeds()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        var route = (Action<JsonObject>)(d => Wf.AddHttpTrigger(d, "POST", "/invoices"));
        await tenant.Owner.Client.CreateAsync(Wf.Definition("invoices-a", customize: route));
        await tenant.Owner.Client.PublishAsync("invoices-a");
        await other.Owner.Client.CreateAsync(Wf.Definition("invoices-a", customize: route));
        await tenant.Owner.Client.CreateAsync(Wf.Definition("invoices-b", customize: route));

        await other.Owner.Client.PublishAsync("invoices-a");
        await (await tenant.Owner.Client.PostEmptyAsync($"{Definitions}/invoices-a/retract")).AssertSuccessAsync();
        var published = await tenant.Owner.Client.PublishAsync("invoices-b");

        Assert.Equal("published", published.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Publish_Triggers_IndexesTriggerAndScheduleRowsOfThePublishedVersionOnly()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        await client.CreateAsync(Wf.Definition("indexed-flow", customize: d =>
        {
            Wf.AddHttpTrigger(d, "post", "/Indexed/{id}");
            Wf.AddTrigger(d, "cron", new JsonObject { ["expression"] = "0 6 * * 1", ["timeZone"] = "Europe/Paris" });
            Wf.AddTrigger(d, "event", new JsonObject { ["name"] = "order.created" });
            Wf.AddTrigger(d, "timer", new JsonObject { ["interval"] = "PT15M" });
        }));
        var v1 = await client.PublishAsync("indexed-flow");
        await (await client.PutAsync($"{Definitions}/indexed-flow", Wf.Json(Wf.Definition("indexed-flow", customize: d =>
            Wf.AddTrigger(d, "signal", new JsonObject { ["name"] = "go" }))))).AssertSuccessAsync();

        var (triggersV1, schedulesV1) = await TriggerRowsAsync(tenant.OrgId, "indexed-flow");
        var v2 = await client.PublishAsync("indexed-flow");
        var (triggersV2, schedulesV2) = await TriggerRowsAsync(tenant.OrgId, "indexed-flow");
        await (await client.PostEmptyAsync($"{Definitions}/indexed-flow/retract")).AssertSuccessAsync();
        var (triggersAfterRetract, schedulesAfterRetract) = await TriggerRowsAsync(tenant.OrgId, "indexed-flow");

        Assert.Equal(4, triggersV1.Count);
        Assert.All(triggersV1, t => Assert.Equal(Guid.Parse(v1.GetProperty("id").GetString()!), t.DefinitionVersionId));
        var http = Assert.Single(triggersV1, t => t.Kind == "http");
        Assert.Equal("POST /indexed/{id}", http.Key);
        Assert.Equal(RouteKeys.Hash("POST /indexed/{id}"), http.KeyHash);
        Assert.Equal("order.created", Assert.Single(triggersV1, t => t.Kind == "event").Key);
        var cron = Assert.Single(schedulesV1, s => s.Kind == "cron");
        Assert.Equal("0 6 * * 1", cron.Expression);
        Assert.Equal("Europe/Paris", cron.TimeZone);
        Assert.NotNull(cron.NextFireAt);
        Assert.Equal(DayOfWeek.Monday, TimeZoneInfo.ConvertTime(cron.NextFireAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).DayOfWeek);
        Assert.Equal(6, TimeZoneInfo.ConvertTime(cron.NextFireAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).Hour);
        Assert.Equal("PT15M", Assert.Single(schedulesV1, s => s.Kind == "interval").Expression);
        Assert.Equal(2, schedulesV1.Count);
        var signal = Assert.Single(triggersV2);
        Assert.Equal(("signal", "go"), (signal.Kind, signal.Key));
        Assert.Equal(Guid.Parse(v2.GetProperty("id").GetString()!), signal.DefinitionVersionId);
        Assert.Empty(schedulesV2);
        Assert.Empty(triggersAfterRetract);
        Assert.Empty(schedulesAfterRetract);
    }

    [Fact]
    public async Task SchedulePoller_DueCronScheduleInAnotherTimeZone_FiresOnceAndAdvancesInUtc()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("paris-cron", customize: d =>
            Wf.AddTrigger(d, "cron", new JsonObject { ["expression"] = "0 9 * * *", ["timeZone"] = "Europe/Paris" })));
        await tenant.Owner.Client.PublishAsync("paris-cron");
        var (_, schedules) = await TriggerRowsAsync(tenant.OrgId, "paris-cron");
        var scheduleId = Assert.Single(schedules).Id;
        var due = DateTimeOffset.UnixEpoch.AddYears(50);
        await using (var db = await WorkflowDbAsync())
        {
            await db.Schedules.Where(s => s.Id == scheduleId).ExecuteUpdateAsync(s => s.SetProperty(x => x.NextFireAt, due));
        }

        // The published row must be consumable by the runtime's poller: it computes the next fire from it.
        await host.Services.GetRequiredService<TimerPoller>().PollOnceAsync(CancellationToken.None);

        await using var check = await WorkflowDbAsync();
        var schedule = await check.Schedules.AsNoTracking().SingleAsync(s => s.Id == scheduleId);
        Assert.Equal(due, schedule.LastFireAt);
        Assert.NotNull(schedule.NextFireAt);
        Assert.True(schedule.NextFireAt > due);
        Assert.Equal(9, TimeZoneInfo.ConvertTime(schedule.NextFireAt!.Value, TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")).Hour);
        Assert.Single(await check.WorkItems.AsNoTracking().Where(w => w.OrgId == tenant.OrgId && w.Kind == "schedule").ToListAsync());
    }

    // ------------------------------------------------------------------------------------------ retract/revert/delete

    [Fact]
    public async Task Retract_Published_RetiresItAndLeavesNothingPublished()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("retract-flow"));
        await tenant.Owner.Client.PublishAsync("retract-flow");

        var response = await tenant.Owner.Client.PostEmptyAsync($"{Definitions}/retract-flow/retract");
        var again = await tenant.Owner.Client.PostEmptyAsync($"{Definitions}/retract-flow/retract");

        var data = (await response.AssertSuccessAsync()).GetProperty("data");
        Assert.Equal("retired", data.GetProperty("status").GetString());
        Assert.DoesNotContain(await tenant.Owner.Client.VersionsAsync("retract-flow"), v => v.GetProperty("status").GetString() == "published");
        Assert.Equal(JsonValueKind.Null, (await FindInListAsync(tenant.Owner.Client, "retract-flow")).GetProperty("publishedVersion").ValueKind);
        Assert.Equal(["retract-flow"], Ids(await ListAsync(tenant.Owner.Client, "?status=retired")));
        await again.AssertProblemAsync(HttpStatusCode.Conflict, "NOT_PUBLISHED");
    }

    [Fact]
    public async Task Revert_OldVersion_CreatesALatestDraftWithItsContent()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        var v1 = await client.CreateAsync(Wf.Definition("revert-flow", "Original"));
        await client.PublishAsync("revert-flow");
        await (await client.PutAsync($"{Definitions}/revert-flow", Wf.Json(Wf.Definition("revert-flow", "Changed")))).AssertSuccessAsync();

        var response = await client.PostEmptyAsync($"{Definitions}/revert-flow/revert/1");

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        Assert.Equal(3, data.GetProperty("version").GetInt32());
        Assert.Equal("draft", data.GetProperty("status").GetString());
        Assert.True(data.GetProperty("isLatest").GetBoolean());
        Assert.Equal("Original", data.GetProperty("name").GetString());
        var copied = JsonNode.Parse(data.GetProperty("definition").GetRawText())!.AsObject();
        var original = JsonNode.Parse(v1.GetProperty("definition").GetRawText())!.AsObject();
        Assert.Equal(3, copied["version"]!.GetValue<int>());
        copied["version"] = 1;
        Assert.True(JsonNode.DeepEquals(original, copied), $"{original} vs {copied}");
        var versions = await client.VersionsAsync("revert-flow");
        Assert.Equal(["draft", "draft", "published"], versions.Select(v => v.GetProperty("status").GetString()));
        await (await client.PostEmptyAsync($"{Definitions}/revert-flow/revert/9")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Delete_DefinitionWithoutInstances_RemovesEveryVersionAndTrigger()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;
        await client.CreateAsync(Wf.Definition("doomed-flow", customize: d => Wf.AddTrigger(d, "cron", new JsonObject { ["expression"] = "*/5 * * * *" })));
        await client.PublishAsync("doomed-flow");
        await (await client.PutAsync($"{Definitions}/doomed-flow", Wf.Json(Wf.Definition("doomed-flow", "v2")))).AssertSuccessAsync();

        var response = await client.DeleteAsync($"{Definitions}/doomed-flow");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await (await client.GetAsync($"{Definitions}/doomed-flow")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.GetAsync($"{Definitions}/doomed-flow/versions")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.DoesNotContain("doomed-flow", Ids(await ListAsync(client, "")));
        var (triggers, schedules) = await TriggerRowsAsync(tenant.OrgId, "doomed-flow");
        Assert.Empty(triggers);
        Assert.Empty(schedules);
        await (await client.DeleteAsync($"{Definitions}/doomed-flow")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Delete_WithSuspendedInstance_Returns409UntilItFinishes_ThenDeletesTheFinishedInstance()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("busy-flow"));
        var published = await tenant.Owner.Client.PublishAsync("busy-flow");
        var instanceId = await InsertInstanceAsync(tenant.OrgId, "busy-flow", Guid.Parse(published.GetProperty("id").GetString()!), InstanceStatus.Suspended);

        var refused = await tenant.Owner.Client.DeleteAsync($"{Definitions}/busy-flow");
        await SetInstanceStatusAsync(instanceId, InstanceStatus.Finished);
        var accepted = await tenant.Owner.Client.DeleteAsync($"{Definitions}/busy-flow");

        await refused.AssertProblemAsync(HttpStatusCode.Conflict, "HAS_INSTANCES");
        Assert.Equal(HttpStatusCode.NoContent, accepted.StatusCode);
        await using var db = await WorkflowDbAsync();
        Assert.False(await db.Instances.AnyAsync(i => i.Id == instanceId));
        Assert.False(await db.Journal.AnyAsync(j => j.InstanceId == instanceId));
    }

    // ------------------------------------------------------------------------------------------------ export/import

    [Fact]
    public async Task ExportThenImport_Json_RoundTripsIntoAnotherOrganisation()
    {
        var source = await host.CreateTenantAsync();
        var target = await host.CreateTenantAsync();
        var created = await source.Owner.Client.CreateAsync(Wf.Definition("export-flow", "Exported", d => Wf.AddHttpTrigger(d, "GET", "/exported")));

        var export = await source.Owner.Client.GetAsync($"{Definitions}/export-flow/export");
        var bytes = await export.Content.ReadAsByteArrayAsync();
        var import = await target.Owner.Client.PostAsync($"{Definitions}/import", new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } });

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/json", export.Content.Headers.ContentType?.MediaType);
        Assert.Equal("export-flow.json", export.Content.Headers.ContentDisposition?.FileNameStar ?? export.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        var result = Assert.Single((await import.AssertSuccessAsync()).GetProperty("data").EnumerateArray());
        Assert.Equal("draft", result.GetProperty("outcome").GetString());
        Assert.Equal("export-flow", result.GetProperty("definitionId").GetString());
        var imported = (await (await target.Owner.Client.GetAsync($"{Definitions}/export-flow")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(created.GetProperty("contentHash").GetString(), imported.GetProperty("contentHash").GetString());
        Assert.Equal("Exported", imported.GetProperty("name").GetString());
    }

    [Fact]
    public async Task ExportThenImport_Zip_PublishesEveryDefinitionInAnotherOrganisation()
    {
        var source = await host.CreateTenantAsync();
        var target = await host.CreateTenantAsync();
        await source.Owner.Client.CreateAsync(Wf.Definition("zip-one"));
        await source.Owner.Client.CreateAsync(Wf.Definition("zip-two", customize: d => Wf.AddTrigger(d, "event", new JsonObject { ["name"] = "zip.done" })));
        await source.Owner.Client.CreateAsync(Wf.Definition("zip-three"));

        var export = await source.Owner.Client.GetAsync($"{Definitions}/export?ids=zip-one,zip-two");
        var bytes = await export.Content.ReadAsByteArrayAsync();
        var import = await target.Owner.Client.PostAsync($"{Definitions}/import?publish=true", new ByteArrayContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } });

        Assert.Equal(HttpStatusCode.OK, export.StatusCode);
        Assert.Equal("application/zip", export.Content.Headers.ContentType?.MediaType);
        using (var zip = new ZipArchive(new MemoryStream(bytes)))
        {
            Assert.Equal(["zip-one.json", "zip-two.json"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }

        var results = (await import.AssertSuccessAsync()).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(2, results.Count);
        Assert.All(results, r => Assert.Equal("published", r.GetProperty("outcome").GetString()));
        Assert.Equal("published", (await (await target.Owner.Client.GetAsync($"{Definitions}/zip-two")).AssertSuccessAsync()).GetProperty("data").GetProperty("status").GetString());
        var (triggers, _) = await TriggerRowsAsync(target.OrgId, "zip-two");
        Assert.Equal("zip.done", Assert.Single(triggers).Key);
    }

    [Fact]
    public async Task ExportZip_WithoutIds_ContainsEveryDefinition_AndUnknownIdIs404()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("all-one"));

        var all = await tenant.Owner.Client.GetAsync($"{Definitions}/export");
        var unknown = await tenant.Owner.Client.GetAsync($"{Definitions}/export?ids=all-one,nope");

        using var zip = new ZipArchive(new MemoryStream(await all.Content.ReadAsByteArrayAsync()));
        Assert.Equal(["all-one.json", $"{WorkflowFixtureSetup.SeededDefinitionId}.json"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Import_ZipWithInvalidAndForeignEntries_ReportsEachFileAndImportsTheValidOne()
    {
        var tenant = await host.CreateTenantAsync();
        var zip = Zip(
            ("good-flow.json", Wf.Definition("good-flow")),
            ("bad-flow.json", Wf.Definition("bad-flow", customize: d => d["nodes"]!.AsArray()[1]!["type"] = "nope.missing")),
            ("notes/readme.txt", "not a workflow"),
            ("broken.json", "{\"schema\":"));

        var response = await tenant.Owner.Client.PostAsync($"{Definitions}/import", new ByteArrayContent(zip) { Headers = { ContentType = new MediaTypeHeaderValue("application/zip") } });

        var results = (await response.AssertSuccessAsync()).GetProperty("data").EnumerateArray()
            .ToDictionary(r => r.GetProperty("file").GetString()!.Split('/', 2)[1], StringComparer.Ordinal);
        Assert.Equal("draft", results["good-flow.json"].GetProperty("outcome").GetString());
        Assert.Equal("invalid", results["bad-flow.json"].GetProperty("outcome").GetString());
        Assert.Contains(results["bad-flow.json"].GetProperty("problems").EnumerateArray(), p => p.GetProperty("nodeId").GetString() == "work");
        Assert.Equal("invalid", results["broken.json"].GetProperty("outcome").GetString());
        Assert.Equal("skipped", results["notes/readme.txt"].GetProperty("outcome").GetString());
        await (await tenant.Owner.Client.GetAsync($"{Definitions}/good-flow")).AssertSuccessAsync();
        await (await tenant.Owner.Client.GetAsync($"{Definitions}/bad-flow")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Import_SameContentTwice_SecondIsUnchanged_ChangedContentAddsAVersion()
    {
        var tenant = await host.CreateTenantAsync();
        var client = tenant.Owner.Client;

        var first = await ImportJsonAsync(client, Wf.Definition("repeat-flow", "Same"));
        var second = await ImportJsonAsync(client, Wf.Definition("repeat-flow", "Same"));
        var third = await ImportJsonAsync(client, Wf.Definition("repeat-flow", "Different"));

        Assert.Equal(("draft", 1), (first.GetProperty("outcome").GetString(), first.GetProperty("version").GetInt32()));
        Assert.Equal(("unchanged", 1), (second.GetProperty("outcome").GetString(), second.GetProperty("version").GetInt32()));
        Assert.Equal(("draft", 2), (third.GetProperty("outcome").GetString(), third.GetProperty("version").GetInt32()));
        Assert.Equal(2, (await client.VersionsAsync("repeat-flow")).Count);
    }

    [Fact]
    public async Task Import_MultipartFiles_ImportsEachFile()
    {
        var tenant = await host.CreateTenantAsync();
        using var form = new MultipartFormDataContent
        {
            { new StringContent(Wf.Definition("multi-one"), Encoding.UTF8, "application/json"), "file", "multi-one.json" },
            { new ByteArrayContent(Zip(("multi-two.json", Wf.Definition("multi-two")))), "file", "more.zip" },
        };

        var response = await tenant.Owner.Client.PostAsync($"{Definitions}/import", form);

        var results = (await response.AssertSuccessAsync()).GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(["multi-one.json", "more.zip/multi-two.json"], results.Select(r => r.GetProperty("file").GetString()));
        Assert.All(results, r => Assert.Equal("draft", r.GetProperty("outcome").GetString()));
    }

    [Fact]
    public async Task Import_PublishWithRouteConflict_ReportsFailedAndStoresNothing()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("taken-route", customize: d => Wf.AddHttpTrigger(d, "POST", "/taken")));
        await tenant.Owner.Client.PublishAsync("taken-route");

        var result = await ImportJsonAsync(tenant.Owner.Client, Wf.Definition("wants-route", customize: d => Wf.AddHttpTrigger(d, "POST", "/taken")), publish: true);

        Assert.Equal("failed", result.GetProperty("outcome").GetString());
        Assert.Contains("ROUTE_CONFLICT", result.GetProperty("error").GetString(), StringComparison.Ordinal);
        await (await tenant.Owner.Client.GetAsync($"{Definitions}/wants-route")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    // ------------------------------------------------------------------------------------------------ roles/tenancy

    [Fact]
    public async Task MemberAndViewer_CanRead_OnlyMemberValidates_NeitherChangesDefinitions()
    {
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("guarded-flow"));
        var member = await tenant.AddUserAsync(UserRole.Member);
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        await (await member.Client.GetAsync(Definitions)).AssertSuccessAsync();
        await (await member.Client.GetAsync($"{Definitions}/guarded-flow")).AssertSuccessAsync();
        await (await member.Client.GetAsync($"{Definitions}/guarded-flow/export")).AssertSuccessAsync();
        await (await member.Client.GetAsync("/api/workflows/descriptors/activities")).AssertSuccessAsync();
        await (await member.Client.PostAsync($"{Definitions}/validate", Wf.Json(Wf.Definition("guarded-flow")))).AssertSuccessAsync();
        await (await member.Client.PostEmptyAsync($"{Definitions}/guarded-flow/publish")).AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        await (await member.Client.PostAsync(Definitions, Wf.Json(Wf.Definition("member-flow")))).AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        await (await member.Client.PutAsync($"{Definitions}/guarded-flow", Wf.Json(Wf.Definition("guarded-flow")))).AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        await (await member.Client.DeleteAsync($"{Definitions}/guarded-flow")).AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        await (await member.Client.PostAsync($"{Definitions}/import", Wf.Json(Wf.Definition("member-flow")))).AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        await (await viewer.Client.GetAsync(Definitions)).AssertSuccessAsync();
        await (await viewer.Client.PostAsync($"{Definitions}/validate", Wf.Json(Wf.Definition("guarded-flow")))).AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        Assert.Equal("draft", (await (await tenant.Owner.Client.GetAsync($"{Definitions}/guarded-flow")).AssertSuccessAsync()).GetProperty("data").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Admin_CanCreateAndPublish()
    {
        var tenant = await host.CreateTenantAsync();
        var admin = await tenant.AddUserAsync(UserRole.Admin);

        await admin.Client.CreateAsync(Wf.Definition("admin-flow"));
        var published = await admin.Client.PublishAsync("admin-flow");

        Assert.Equal("published", published.GetProperty("status").GetString());
        Assert.Equal(admin.Id.ToString(), published.GetProperty("createdBy").GetString());
    }

    [Fact]
    public async Task AnotherOrganisation_Gets404ForEveryRouteOfTheDefinition()
    {
        var owner = await host.CreateTenantAsync();
        var stranger = await host.CreateTenantAsync();
        await owner.Owner.Client.CreateAsync(Wf.Definition("private-flow"));
        var client = stranger.Owner.Client;

        await (await client.GetAsync($"{Definitions}/private-flow")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.GetAsync($"{Definitions}/private-flow/versions")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.GetAsync($"{Definitions}/private-flow/export")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.PutAsync($"{Definitions}/private-flow", Wf.Json(Wf.Definition("private-flow")))).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.PostEmptyAsync($"{Definitions}/private-flow/publish")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.PostEmptyAsync($"{Definitions}/private-flow/retract")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.PostEmptyAsync($"{Definitions}/private-flow/revert/1")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.DeleteAsync($"{Definitions}/private-flow")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        Assert.DoesNotContain("private-flow", Ids(await ListAsync(client, "")));
        Assert.Equal("draft", Assert.Single(await owner.Owner.Client.VersionsAsync("private-flow")).GetProperty("status").GetString());
    }

    // ------------------------------------------------------------------------------------------- descriptors/seeding

    [Fact]
    public async Task Descriptors_ListTheRegisteredActivityTypes()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync("/api/workflows/descriptors/activities");

        var data = (await response.AssertSuccessAsync()).GetProperty("data").EnumerateArray().ToList();
        var step = Assert.Single(data, d => d.GetProperty("type").GetString() == "test.step");
        Assert.Equal("action", step.GetProperty("kind").GetString());
        Assert.Equal("Test step", step.GetProperty("displayName").GetString());
        var input = Assert.Single(step.GetProperty("inputs").EnumerateArray());
        Assert.Equal("value", input.GetProperty("name").GetString());
        Assert.Contains("js", input.GetProperty("syntaxes").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("result", Assert.Single(step.GetProperty("outputs").EnumerateArray()).GetProperty("name").GetString());
        var wait = Assert.Single(data, d => d.GetProperty("type").GetString() == "test.wait");
        Assert.Equal("blocking", wait.GetProperty("kind").GetString());
        Assert.Equal(["Done", "Cancelled"], wait.GetProperty("outcomes").EnumerateArray().Select(o => o.GetString()));
        Assert.Contains(data, d => d.GetProperty("type").GetString() == "core.start");
    }

    [Fact]
    public async Task FirstRequest_OfANewOrganisation_SeedsTheFolderAsPublishedV1()
    {
        var tenant = await host.CreateTenantAsync();

        var seeded = await FindInListAsync(tenant.Owner.Client, WorkflowFixtureSetup.SeededDefinitionId);

        Assert.Equal(1, seeded.GetProperty("latestVersion").GetInt32());
        Assert.Equal(1, seeded.GetProperty("publishedVersion").GetInt32());
        Assert.Equal("published", seeded.GetProperty("status").GetString());
        var version = Assert.Single(await tenant.Owner.Client.VersionsAsync(WorkflowFixtureSetup.SeededDefinitionId));
        Assert.Equal(WorkflowSeeder.CreatedBy, version.GetProperty("createdBy").GetString());
    }

    [Fact]
    public async Task SeedingService_AtStart_SeedsEveryOrganisation_AfterTheDatabaseInitializer()
    {
        host.SkipIfUnavailable();
        Guid orgId;
        await using (var scope = host.Services.CreateAsyncScope())
        {
            // Created without any request to the workflow API, so nothing seeded it lazily.
            orgId = (await scope.ServiceProvider.GetRequiredService<OrganizationProvisioner>().CreateAsync("Seeded at start " + Guid.NewGuid().ToString("N")[..8])).Id;
        }

        var hostedServices = host.Services.GetServices<IHostedService>().ToList();
        var seeding = hostedServices.OfType<WorkflowSeedingService>().Single();
        await seeding.StartAsync(CancellationToken.None);

        Assert.True(hostedServices.FindIndex(s => s is DatabaseInitializer) < hostedServices.IndexOf(seeding), "seeding must start after the migrations");
        await using var db = await WorkflowDbAsync();
        var seeded = Assert.Single(await db.Definitions.AsNoTracking().Where(d => d.OrgId == orgId).ToListAsync());
        Assert.Equal((WorkflowFixtureSetup.SeededDefinitionId, DefinitionStatus.Published, 1), (seeded.DefinitionId, seeded.Status, seeded.Version));
    }

    [Fact]
    public async Task Seeder_ChangedFile_PublishesANewVersion_UnchangedFileStoresNothing_InvalidFileIsSkipped()
    {
        var tenant = await host.CreateTenantAsync();
        var seeder = host.Services.GetRequiredService<WorkflowSeeder>();
        var folder = Directory.CreateTempSubdirectory("agentflow-seed-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "seed-a.json"), Wf.Definition("seed-a", "First"));
            await File.WriteAllTextAsync(Path.Combine(folder, "seed-b.json"), Wf.Definition("seed-b"));
            await File.WriteAllTextAsync(Path.Combine(folder, "broken.json"), Wf.Definition("seed-c", customize: d => d["nodes"]!.AsArray()[1]!["type"] = "nope.missing"));
            await File.WriteAllTextAsync(Path.Combine(folder, "notes.txt"), "ignored");

            var first = await seeder.SeedAsync(tenant.OrgId, folder);
            var unchanged = await seeder.SeedAsync(tenant.OrgId, folder);
            // Key order and formatting are not content: the canonical hash sees the same document.
            var reformatted = JsonNode.Parse(Wf.Definition("seed-b"))!.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
            await File.WriteAllTextAsync(Path.Combine(folder, "seed-b.json"), reformatted);
            await File.WriteAllTextAsync(Path.Combine(folder, "seed-a.json"), Wf.Definition("seed-a", "Second"));
            var changed = await seeder.SeedAsync(tenant.OrgId, folder);

            Assert.Equal(["invalid", "published", "published"], first.Select(r => r.Outcome));
            Assert.Equal(["invalid", "unchanged", "unchanged"], unchanged.Select(r => r.Outcome));
            Assert.Equal(["invalid", "published", "unchanged"], changed.Select(r => r.Outcome));
            var a = await tenant.Owner.Client.VersionsAsync("seed-a");
            Assert.Equal([(2, "published", "Second"), (1, "retired", "First")],
                a.Select(v => (v.GetProperty("version").GetInt32(), v.GetProperty("status").GetString(), v.GetProperty("name").GetString())));
            Assert.Single(await tenant.Owner.Client.VersionsAsync("seed-b"));
            await (await tenant.Owner.Client.GetAsync($"{Definitions}/seed-c")).AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    // ----------------------------------------------------------------------------------------------------- instances

    [Fact]
    public async Task StartInstance_UnknownDefinition_Returns404()
    {
        SkipWithoutRuntime();
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostJsonAsync($"{Definitions}/nothing-here/instances", new { input = new { } });

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task StartInstance_PublishedDefinition_Returns201WithTheInstance_AndIdempotencyKeyReturnsTheSameOne()
    {
        SkipWithoutRuntime();
        var tenant = await host.CreateTenantAsync();
        await tenant.Owner.Client.CreateAsync(Wf.Definition("startable-flow"));
        await tenant.Owner.Client.PublishAsync("startable-flow");
        var member = await tenant.AddUserAsync(UserRole.Member);

        using var first = new HttpRequestMessage(HttpMethod.Post, $"{Definitions}/startable-flow/instances") { Content = Wf.Json("{\"input\":{},\"correlationId\":\"order-1\"}") };
        first.Headers.Add("Idempotency-Key", "start-1");
        using var second = new HttpRequestMessage(HttpMethod.Post, $"{Definitions}/startable-flow/instances") { Content = Wf.Json("{\"input\":{},\"correlationId\":\"order-1\"}") };
        second.Headers.Add("Idempotency-Key", "start-1");
        var created = await member.Client.SendAsync(first);
        var repeated = await member.Client.SendAsync(second);

        var data = (await created.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        var instanceId = data.GetProperty("instanceId").GetString();
        Assert.Equal("finished", data.GetProperty("status").GetString());
        Assert.Equal($"/api/workflows/instances/{instanceId}", created.Headers.Location?.ToString());
        Assert.Equal(instanceId, (await repeated.AssertSuccessAsync()).GetProperty("data").GetProperty("instanceId").GetString());
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private void SkipWithoutRuntime()
    {
        host.SkipIfUnavailable();
        if (host.Services.GetService<IWorkflowRuntime>() is null)
        {
            Assert.Skip("No IWorkflowRuntime is registered yet (the runtime lands separately).");
        }
    }

    private static async Task<JsonElement> ValidateAsync(HttpClient client, string json) =>
        (await (await client.PostAsync($"{Definitions}/validate", Wf.Json(json))).AssertSuccessAsync()).GetProperty("data");

    private static async Task<JsonElement> ListAsync(HttpClient client, string query) =>
        await (await client.GetAsync(Definitions + query)).AssertSuccessAsync();

    private static async Task<JsonElement> FindInListAsync(HttpClient client, string definitionId) =>
        Assert.Single((await ListAsync(client, "?limit=200")).GetProperty("data").EnumerateArray(), d => d.GetProperty("definitionId").GetString() == definitionId);

    private static List<string> Ids(JsonElement list) =>
        [.. list.GetProperty("data").EnumerateArray().Select(d => d.GetProperty("definitionId").GetString()!).Where(id => id != WorkflowFixtureSetup.SeededDefinitionId)];

    private static async Task<JsonElement> ImportJsonAsync(HttpClient client, string json, bool publish = false)
    {
        var response = await client.PostAsync($"{Definitions}/import{(publish ? "?publish=true" : "")}", Wf.Json(json));
        return Assert.Single((await response.AssertSuccessAsync()).GetProperty("data").EnumerateArray());
    }

    private static byte[] Zip(params (string Name, string Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(Encoding.UTF8.GetBytes(content));
            }
        }

        return buffer.ToArray();
    }

    private async Task<WorkflowDbContext> WorkflowDbAsync() =>
        await host.Services.GetRequiredService<IDbContextFactory<WorkflowDbContext>>().CreateDbContextAsync();

    private async Task<(List<WorkflowTriggerRecord> Triggers, List<WorkflowScheduleRecord> Schedules)> TriggerRowsAsync(Guid orgId, string definitionId)
    {
        await using var db = await WorkflowDbAsync();
        var triggers = await db.Triggers.AsNoTracking().Where(t => t.OrgId == orgId && t.DefinitionId == definitionId).ToListAsync();
        var ids = triggers.Select(t => t.Id).ToList();
        var schedules = await db.Schedules.AsNoTracking().Where(s => ids.Contains(s.TriggerId)).ToListAsync();
        return (triggers, schedules);
    }

    private async Task UpdateContentAsync(Guid orgId, string definitionId, Func<string, string> change)
    {
        await using var db = await WorkflowDbAsync();
        var record = await db.Definitions.SingleAsync(d => d.OrgId == orgId && d.DefinitionId == definitionId && d.IsLatest);
        record.ContentJson = change(record.ContentJson);
        await db.SaveChangesAsync();
    }

    private async Task<Guid> InsertInstanceAsync(Guid orgId, string definitionId, Guid versionId, InstanceStatus status)
    {
        await using var db = await WorkflowDbAsync();
        var now = DateTimeOffset.UnixEpoch.AddYears(56);
        var instance = new WorkflowInstanceRecord
        {
            Id = Guid.CreateVersion7(),
            OrgId = orgId,
            DefinitionId = definitionId,
            DefinitionVersionId = versionId,
            DefinitionVersion = 1,
            Status = status,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Instances.Add(instance);
        db.Journal.Add(new JournalRecord { InstanceId = instance.Id, Seq = 1, OrgId = orgId, At = now, Event = "started" });
        await db.SaveChangesAsync();
        return instance.Id;
    }

    private async Task SetInstanceStatusAsync(Guid instanceId, InstanceStatus status)
    {
        await using var db = await WorkflowDbAsync();
        await db.Instances.Where(i => i.Id == instanceId).ExecuteUpdateAsync(s => s.SetProperty(i => i.Status, status));
    }
}

public sealed class SqliteWorkflowDefinitionsApiTests(SqliteWorkflowHostFixture host) : WorkflowDefinitionsApiTests<SqliteWorkflowHostFixture>(host);

public sealed class PostgresWorkflowDefinitionsApiTests(PostgresWorkflowHostFixture host) : WorkflowDefinitionsApiTests<PostgresWorkflowHostFixture>(host);
