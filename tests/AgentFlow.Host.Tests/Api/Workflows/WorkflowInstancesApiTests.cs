using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Tests.Infrastructure;
using AgentFlow.Workflows.Runtime;

namespace AgentFlow.Host.Tests.Api.Workflows;

/// <summary>
/// <c>/api/workflows/instances</c>, events, job results, incidents and <c>/workflows/http/{path}</c> over a Host whose
/// background workers run (polling every 50 ms), so stimuli are applied as they would be in production. Outcomes are
/// awaited by polling the instance through the API, never by sleeping.
/// </summary>
public abstract class WorkflowInstancesApiTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    private const string Instances = "/api/workflows/instances";
    private static readonly TimeSpan WaitTimeout = TimeSpan.FromSeconds(20);

    // ------------------------------------------------------------------------------------------- start/detail/journal

    [Fact]
    public async Task GetInstance_StartedFlowWaitingForSignal_ShowsStatusWaitAndVariables()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var started = await StartAsync(member.Client, "signal-flow", new JsonObject { ["orderId"] = "o-17" }, "order-17");
        var response = await member.Client.GetAsync($"{Instances}/{started.Id}");

        Assert.Equal("suspended", started.Data.GetProperty("status").GetString());
        var data = (await response.AssertSuccessAsync()).GetProperty("data");
        var instance = data.GetProperty("instance");
        Assert.Equal(started.Id.ToString(), instance.GetProperty("id").GetString());
        Assert.Equal("signal-flow", instance.GetProperty("definitionId").GetString());
        Assert.Equal(1, instance.GetProperty("version").GetInt32());
        Assert.Equal("suspended", instance.GetProperty("status").GetString());
        Assert.Equal("signal", instance.GetProperty("subStatus").GetString());
        Assert.Equal("order-17", instance.GetProperty("correlationId").GetString());
        Assert.Equal(JsonValueKind.Null, instance.GetProperty("finishedAt").ValueKind);
        var wait = Assert.Single(data.GetProperty("waits").EnumerateArray());
        Assert.Equal("signal", wait.GetProperty("kind").GetString());
        Assert.Equal("go", wait.GetProperty("key").GetString());
        Assert.Equal("wait", wait.GetProperty("nodeId").GetString());
        var token = Assert.Single(data.GetProperty("tokens").EnumerateArray());
        Assert.Equal(wait.GetProperty("tokenId").GetString(), token.GetProperty("id").GetString());
        Assert.Equal("o-17", data.GetProperty("input").GetProperty("orderId").GetString());
        Assert.Equal("waiting", data.GetProperty("variables").GetProperty("stage").GetString());
        Assert.Equal(JsonValueKind.Null, data.GetProperty("variables").GetProperty("received").ValueKind);
        Assert.Equal(JsonValueKind.Null, data.GetProperty("output").ValueKind);
        Assert.Empty(data.GetProperty("incidents").EnumerateArray());
    }

    [Fact]
    public async Task GetInstance_ApprovalFlow_WaitListsTheApprovalBookmarkWithItsRequest()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Approval);

        var started = await StartAsync(tenant.Owner.Client, "approval-flow");
        var data = await GetInstanceAsync(tenant.Owner.Client, started.Id);

        Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
        var wait = Assert.Single(data.GetProperty("waits").EnumerateArray());
        Assert.Equal("approval", wait.GetProperty("kind").GetString());
        Assert.Equal("approve", wait.GetProperty("key").GetString());
        Assert.Equal("finance", wait.GetProperty("payload").GetProperty("assignee").GetString());
        Assert.Equal("Expense 120", wait.GetProperty("payload").GetProperty("subject").GetString());
    }

    [Fact]
    public async Task GetInstance_UnknownOrOtherTenantsInstance_Returns404()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var started = await StartAsync(tenant.Owner.Client, "signal-flow");

        var unknown = await tenant.Owner.Client.GetAsync($"{Instances}/{Guid.NewGuid()}");
        var foreign = await other.Owner.Client.GetAsync($"{Instances}/{started.Id}");
        var foreignJournal = await other.Owner.Client.GetAsync($"{Instances}/{started.Id}/journal");

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await foreign.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await foreignJournal.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task GetJournal_FinishedInstance_ReturnsEntriesInSeqOrder_AndAfterPages()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var started = await StartAsync(tenant.Owner.Client, "signal-flow");
        await (await SignalAsync(tenant.Owner.Client, started.Id, "go", "{\"ok\":true}")).AssertSuccessAsync(HttpStatusCode.Accepted);
        await WaitForStatusAsync(tenant.Owner.Client, started.Id, "finished");

        var all = await JournalAsync(tenant.Owner.Client, started.Id, "");
        var seqs = all.Select(e => e.GetProperty("seq").GetInt64()).ToList();
        var afterThird = await JournalAsync(tenant.Owner.Client, started.Id, $"?after={seqs[2]}");
        var firstTwo = await JournalAsync(tenant.Owner.Client, started.Id, "?limit=2");
        var badAfter = await tenant.Owner.Client.GetAsync($"{Instances}/{started.Id}/journal?after=-1");

        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        var events = all.Select(e => e.GetProperty("event").GetString()).ToList();
        Assert.Equal("started", events[0]);
        Assert.Equal("finished", events[^1]);
        Assert.Contains(all, e => e.GetProperty("event").GetString() == "suspended" && e.GetProperty("nodeId").GetString() == "wait");
        Assert.Contains(all, e => e.GetProperty("event").GetString() == "resumed" && e.GetProperty("nodeId").GetString() == "wait");
        Assert.True(all[^1].GetProperty("burst").GetInt64() > all[0].GetProperty("burst").GetInt64(), "the resume is a later burst than the start");
        Assert.Equal(seqs.Skip(3), afterThird.Select(e => e.GetProperty("seq").GetInt64()));
        Assert.Equal(seqs.Take(2), firstTwo.Select(e => e.GetProperty("seq").GetInt64()));
        await badAfter.AssertValidationErrorForAsync("after");
    }

    // ----------------------------------------------------------------------------------------------------------- list

    [Fact]
    public async Task ListInstances_Filters_ReturnOnlyMatchingInstancesWithTotals()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        await DeployAsync(tenant.Owner.Client, Flows.Quick);
        var waitingA = await StartAsync(tenant.Owner.Client, "signal-flow", correlationId: "c-1");
        var waitingB = await StartAsync(tenant.Owner.Client, "signal-flow", correlationId: "c-2");
        var quick = await StartAsync(tenant.Owner.Client, "quick-flow", correlationId: "c-1");

        var suspended = await ListAsync(tenant.Owner.Client, "?status=suspended");
        var finished = await ListAsync(tenant.Owner.Client, "?status=Finished");
        var byDefinition = await ListAsync(tenant.Owner.Client, "?definitionId=signal-flow");
        var byCorrelation = await ListAsync(tenant.Owner.Client, "?correlationId=c-1");
        var both = await ListAsync(tenant.Owner.Client, "?definitionId=signal-flow&correlationId=c-1");
        var none = await ListAsync(tenant.Owner.Client, "?status=cancelled");

        Assert.Equal([waitingB.Id, waitingA.Id], Ids(suspended));
        Assert.Equal(2, suspended.GetProperty("meta").GetProperty("total").GetInt32());
        Assert.Equal([quick.Id], Ids(finished));
        Assert.Equal("finished", finished.GetProperty("data")[0].GetProperty("status").GetString());
        Assert.Equal([waitingB.Id, waitingA.Id], Ids(byDefinition));
        Assert.Equal([quick.Id, waitingA.Id], Ids(byCorrelation));
        Assert.Equal([waitingA.Id], Ids(both));
        Assert.Empty(Ids(none));
        Assert.Equal(0, none.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ListInstances_Paging_ReturnsNewestFirstWithMeta()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Quick);
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            ids.Add((await StartAsync(tenant.Owner.Client, "quick-flow")).Id);
        }

        var first = await ListAsync(tenant.Owner.Client, "?limit=2");
        var second = await ListAsync(tenant.Owner.Client, "?limit=2&offset=2");

        ids.Reverse();
        Assert.Equal(ids.Take(2), Ids(first));
        Assert.Equal(ids.Skip(2), Ids(second));
        var meta = first.GetProperty("meta");
        Assert.Equal(3, meta.GetProperty("total").GetInt32());
        Assert.Equal(2, meta.GetProperty("limit").GetInt32());
        Assert.Equal(0, meta.GetProperty("offset").GetInt32());
        Assert.Equal(2, second.GetProperty("meta").GetProperty("offset").GetInt32());
        Assert.Equal(3, second.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Theory]
    [InlineData("sleeping")]
    [InlineData("1")]
    public async Task ListInstances_BadStatusFilter_Returns400NamingStatus(string status)
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.GetAsync($"{Instances}?status={status}");

        await response.AssertValidationErrorForAsync("status");
    }

    [Fact]
    public async Task ListInstances_OtherTenantsInstances_AreNotListed()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        await DeployAsync(other.Owner.Client, Flows.Quick);
        await StartAsync(other.Owner.Client, "quick-flow");

        var list = await ListAsync(tenant.Owner.Client, "");

        Assert.Empty(Ids(list));
        Assert.Equal(0, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    // -------------------------------------------------------------------------------------------------------- signals

    [Fact]
    public async Task Signal_WaitingInstance_Returns202AndTheInstanceFinishesWithThePayload()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var member = await tenant.AddUserAsync(UserRole.Member);
        var started = await StartAsync(member.Client, "signal-flow", new JsonObject { ["orderId"] = "o-5" });

        var response = await SignalAsync(member.Client, started.Id, "go", "{\"approvedBy\":\"ops\",\"items\":[1,2]}");

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        Assert.Equal(started.Id.ToString(), data.GetProperty("instanceId").GetString());
        Assert.False(data.GetProperty("duplicate").GetBoolean());
        Assert.False(data.GetProperty("retained").GetBoolean());
        Assert.NotEqual(JsonValueKind.Null, data.GetProperty("workItemId").ValueKind);
        Assert.Equal($"{Instances}/{started.Id}", response.Headers.Location?.ToString());
        var finished = await WaitForStatusAsync(member.Client, started.Id, "finished");
        var output = finished.GetProperty("output");
        Assert.Equal("ops", output.GetProperty("received").GetProperty("approvedBy").GetString());
        Assert.Equal(2, output.GetProperty("received").GetProperty("items").GetArrayLength());
        Assert.Equal("o-5", output.GetProperty("orderId").GetString());
        Assert.Empty(finished.GetProperty("waits").EnumerateArray());
        Assert.NotEqual(JsonValueKind.Null, finished.GetProperty("instance").GetProperty("finishedAt").ValueKind);
    }

    [Fact]
    public async Task Signal_SameIdempotencyKeyTwice_SecondIsDuplicateAndTheInstanceResumesOnce()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var started = await StartAsync(tenant.Owner.Client, "signal-flow");

        var first = await SignalAsync(tenant.Owner.Client, started.Id, "go", "{\"n\":1}", idempotencyKey: "sig-1");
        var second = await SignalAsync(tenant.Owner.Client, started.Id, "go", "{\"n\":2}", idempotencyKey: "sig-1");

        Assert.False((await first.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data").GetProperty("duplicate").GetBoolean());
        Assert.True((await second.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data").GetProperty("duplicate").GetBoolean());
        var finished = await WaitForStatusAsync(tenant.Owner.Client, started.Id, "finished");
        Assert.Equal(1, finished.GetProperty("output").GetProperty("received").GetProperty("n").GetInt32());
        // Once applied, the key is remembered: a third send is still a duplicate, not a 404.
        var third = await SignalAsync(tenant.Owner.Client, started.Id, "go", "{\"n\":3}", idempotencyKey: "sig-1");
        Assert.True((await third.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data").GetProperty("duplicate").GetBoolean());
        var journal = await JournalAsync(tenant.Owner.Client, started.Id, "");
        Assert.Single(journal, e => e.GetProperty("event").GetString() == "resumed");
    }

    [Fact]
    public async Task Signal_NameTheInstanceDoesNotWaitFor_Returns404NoMatchingBookmark()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var started = await StartAsync(tenant.Owner.Client, "signal-flow");

        var response = await SignalAsync(tenant.Owner.Client, started.Id, "stop", "{}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
        var data = await GetInstanceAsync(tenant.Owner.Client, started.Id);
        Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
        Assert.Equal("go", Assert.Single(data.GetProperty("waits").EnumerateArray()).GetProperty("key").GetString());
    }

    [Fact]
    public async Task Signal_FinishedInstance_Returns404NoMatchingBookmark()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Quick);
        var started = await StartAsync(tenant.Owner.Client, "quick-flow");

        var response = await SignalAsync(tenant.Owner.Client, started.Id, "go", "{}");

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
    }

    [Fact]
    public async Task Signal_UnknownOrOtherTenantsInstance_Returns404NotFound()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var started = await StartAsync(tenant.Owner.Client, "signal-flow");

        var unknown = await SignalAsync(tenant.Owner.Client, Guid.NewGuid(), "go", "{}");
        var foreign = await SignalAsync(other.Owner.Client, started.Id, "go", "{}");

        await unknown.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await foreign.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var data = await GetInstanceAsync(tenant.Owner.Client, started.Id);
        Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Signal_MalformedJsonBody_Returns400NamingBody()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var started = await StartAsync(tenant.Owner.Client, "signal-flow");

        var response = await SignalAsync(tenant.Owner.Client, started.Id, "go", "{\"approvedBy\": ");

        await response.AssertValidationErrorForAsync("body");
        var data = await GetInstanceAsync(tenant.Owner.Client, started.Id);
        Assert.Single(data.GetProperty("waits").EnumerateArray());
    }

    [Fact]
    public async Task Signal_AsViewer_Returns403()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var started = await StartAsync(tenant.Owner.Client, "signal-flow");
        var viewer = await tenant.AddUserAsync(UserRole.Viewer);

        var response = await SignalAsync(viewer.Client, started.Id, "go", "{}");

        await response.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        var data = await GetInstanceAsync(tenant.Owner.Client, started.Id);
        Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
    }

    // ------------------------------------------------------------------------------------------------------ approvals

    [Theory]
    [InlineData("approved", "approved", "Approved")]
    [InlineData("REJECTED", "rejected", "Rejected")]
    public async Task DecideApproval_Decision_TakesTheOutcomePath(string decision, string expectedPath, string expectedDecision)
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Approval);
        var member = await tenant.AddUserAsync(UserRole.Member);
        var started = await StartAsync(member.Client, "approval-flow");

        var response = await member.Client.PostAsync($"{Instances}/{started.Id}/approvals/approve", Wf.Json($"{{\"decision\":\"{decision}\",\"comment\":\"looks fine\"}}"));

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        Assert.False(data.GetProperty("duplicate").GetBoolean());
        var finished = await WaitForStatusAsync(member.Client, started.Id, "finished");
        Assert.Equal(expectedPath, finished.GetProperty("output").GetProperty("path").GetString());
        Assert.Equal(expectedDecision, finished.GetProperty("output").GetProperty("decision").GetString());
        var variables = finished.GetProperty("variables");
        Assert.Equal("looks fine", variables.GetProperty("comment").GetString());
        Assert.Equal(member.Email, variables.GetProperty("decidedBy").GetString());
        var journal = await JournalAsync(member.Client, started.Id, "");
        Assert.Contains(journal, e => e.GetProperty("event").GetString() == "completed" && e.GetProperty("nodeId").GetString() == (expectedPath == "approved" ? "onApproved" : "onRejected"));
        Assert.DoesNotContain(journal, e => e.GetProperty("nodeId").GetString() == (expectedPath == "approved" ? "onRejected" : "onApproved"));
    }

    [Theory]
    [InlineData("{\"decision\":\"maybe\"}")]
    [InlineData("{\"comment\":\"no decision\"}")]
    public async Task DecideApproval_InvalidDecision_Returns400NamingDecision(string body)
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Approval);
        var started = await StartAsync(tenant.Owner.Client, "approval-flow");

        var response = await tenant.Owner.Client.PostAsync($"{Instances}/{started.Id}/approvals/approve", Wf.Json(body));

        await response.AssertValidationErrorForAsync("decision");
        var data = await GetInstanceAsync(tenant.Owner.Client, started.Id);
        Assert.Equal("approval", Assert.Single(data.GetProperty("waits").EnumerateArray()).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task DecideApproval_SecondDecisionAfterTheFirst_Returns404NoMatchingBookmark()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Approval);
        var started = await StartAsync(tenant.Owner.Client, "approval-flow");
        await (await tenant.Owner.Client.PostAsync($"{Instances}/{started.Id}/approvals/approve", Wf.Json("{\"decision\":\"approved\"}")))
            .AssertSuccessAsync(HttpStatusCode.Accepted);
        await WaitForStatusAsync(tenant.Owner.Client, started.Id, "finished");

        var second = await tenant.Owner.Client.PostAsync($"{Instances}/{started.Id}/approvals/approve", Wf.Json("{\"decision\":\"rejected\"}"));

        await second.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
        var data = await GetInstanceAsync(tenant.Owner.Client, started.Id);
        Assert.Equal("approved", data.GetProperty("output").GetProperty("path").GetString());
    }

    [Fact]
    public async Task DecideApproval_NodeThatIsNotWaiting_Returns404NoMatchingBookmark()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Approval);
        var started = await StartAsync(tenant.Owner.Client, "approval-flow");

        var response = await tenant.Owner.Client.PostAsync($"{Instances}/{started.Id}/approvals/onApproved", Wf.Json("{\"decision\":\"approved\"}"));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
    }

    // --------------------------------------------------------------------------------------------------------- events

    [Fact]
    public async Task PublishEvent_TriggeredDefinition_StartsAnInstanceWithThePayloadAsInput()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.EventTriggered);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await member.Client.PostAsync("/api/workflows/events/order.placed", Wf.Json("{\"payload\":{\"orderId\":\"o-99\"},\"correlationId\":\"order-99\"}"));

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        var instanceId = Guid.Parse(Assert.Single(data.GetProperty("startedInstances").EnumerateArray()).GetString()!);
        Assert.Equal(0, data.GetProperty("resumedInstances").GetInt32());
        Assert.False(data.GetProperty("duplicate").GetBoolean());
        var instance = await WaitForStatusAsync(member.Client, instanceId, "finished");
        Assert.Equal("order-placed", instance.GetProperty("instance").GetProperty("definitionId").GetString());
        Assert.Equal("order-99", instance.GetProperty("instance").GetProperty("correlationId").GetString());
        Assert.Equal("o-99", instance.GetProperty("output").GetProperty("orderId").GetString());
    }

    [Fact]
    public async Task PublishEvent_SameIdempotencyKeyTwice_StartsOneInstance()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.EventTriggered);

        var first = await PostAsync(tenant.Owner.Client, "/api/workflows/events/order.placed", "{\"payload\":{\"orderId\":\"o-1\"}}", ("Idempotency-Key", "evt-1"));
        var second = await PostAsync(tenant.Owner.Client, "/api/workflows/events/order.placed", "{\"payload\":{\"orderId\":\"o-1\"}}", ("Idempotency-Key", "evt-1"));

        var firstData = (await first.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        var secondData = (await second.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        Assert.False(firstData.GetProperty("duplicate").GetBoolean());
        Assert.True(secondData.GetProperty("duplicate").GetBoolean());
        Assert.Equal(firstData.GetProperty("startedInstances")[0].GetString(), secondData.GetProperty("startedInstances")[0].GetString());
        var list = await ListAsync(tenant.Owner.Client, "?definitionId=order-placed");
        Assert.Equal(1, list.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task PublishEvent_WaitingInstances_CorrelationIdNarrowsWhichResume()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.WaitEvent);
        var invoice1 = await StartAsync(tenant.Owner.Client, "invoice-wait", new JsonObject { ["invoice"] = "inv-1" });
        var invoice2 = await StartAsync(tenant.Owner.Client, "invoice-wait", new JsonObject { ["invoice"] = "inv-2" });
        var anyInvoice = await StartAsync(tenant.Owner.Client, "invoice-wait");

        var response = await tenant.Owner.Client.PostAsync("/api/workflows/events/invoice.paid", Wf.Json("{\"payload\":{\"amount\":250},\"correlationId\":\"inv-1\"}"));

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        Assert.Empty(data.GetProperty("startedInstances").EnumerateArray());
        // inv-1's wait names this correlation id, the third names none: both resume; inv-2's does not.
        Assert.Equal(2, data.GetProperty("resumedInstances").GetInt32());
        var paid = await WaitForStatusAsync(tenant.Owner.Client, invoice1.Id, "finished");
        Assert.Equal(250, paid.GetProperty("output").GetProperty("paid").GetProperty("amount").GetInt32());
        await WaitForStatusAsync(tenant.Owner.Client, anyInvoice.Id, "finished");
        var unpaid = await GetInstanceAsync(tenant.Owner.Client, invoice2.Id);
        Assert.Equal("suspended", unpaid.GetProperty("instance").GetProperty("status").GetString());
        var wait = Assert.Single(unpaid.GetProperty("waits").EnumerateArray());
        Assert.Equal("event", wait.GetProperty("kind").GetString());
        Assert.Equal("invoice.paid", wait.GetProperty("key").GetString());
        Assert.Equal("inv-2", wait.GetProperty("payload").GetProperty("correlationId").GetString());
    }

    [Fact]
    public async Task PublishEvent_NobodyListens_Returns404NoMatchingBookmark()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.WaitEvent);
        await StartAsync(tenant.Owner.Client, "invoice-wait", new JsonObject { ["invoice"] = "inv-1" });

        var unheard = await tenant.Owner.Client.PostAsync("/api/workflows/events/invoice.cancelled", Wf.Json("{\"payload\":{}}"));
        var otherCorrelation = await tenant.Owner.Client.PostAsync("/api/workflows/events/invoice.paid", Wf.Json("{\"payload\":{},\"correlationId\":\"inv-7\"}"));

        await unheard.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
        await otherCorrelation.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
    }

    [Fact]
    public async Task PublishEvent_OtherTenantsTrigger_DoesNotStartIt()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        await DeployAsync(other.Owner.Client, Flows.EventTriggered);

        var response = await tenant.Owner.Client.PostAsync("/api/workflows/events/order.placed", Wf.Json("{\"payload\":{\"orderId\":\"o-1\"}}"));

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
        Assert.Empty(Ids(await ListAsync(other.Owner.Client, "")));
    }

    // ----------------------------------------------------------------------------------------------------------- jobs

    [Fact]
    public async Task JobResult_Succeeded_TakesDonePathWithOutputsMapped()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Job);
        var started = await StartAsync(tenant.Owner.Client, "deploy-flow");
        var jobRequestId = await JobRequestIdAsync(tenant.Owner.Client, started.Id);

        var response = await JobResultAsync(tenant.Owner.Client, jobRequestId, "{\"status\":\"succeeded\",\"outputs\":{\"version\":\"1.4.2\",\"url\":\"https://billing\"}}");

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        Assert.Equal(started.Id.ToString(), data.GetProperty("instanceId").GetString());
        Assert.Equal($"{Instances}/{started.Id}", response.Headers.Location?.ToString());
        var finished = await WaitForStatusAsync(tenant.Owner.Client, started.Id, "finished");
        Assert.Equal("done", finished.GetProperty("output").GetProperty("path").GetString());
        Assert.Equal("1.4.2", finished.GetProperty("output").GetProperty("version").GetString());
        Assert.Equal(JsonValueKind.Null, finished.GetProperty("output").GetProperty("error").ValueKind);
    }

    [Fact]
    public async Task JobResult_Failed_TakesFailedPathWithTheError()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Job);
        var started = await StartAsync(tenant.Owner.Client, "deploy-flow");
        var jobRequestId = await JobRequestIdAsync(tenant.Owner.Client, started.Id);

        var response = await JobResultAsync(tenant.Owner.Client, jobRequestId, "{\"status\":\"failed\",\"error\":\"disk full\"}");

        await response.AssertSuccessAsync(HttpStatusCode.Accepted);
        var finished = await WaitForStatusAsync(tenant.Owner.Client, started.Id, "finished");
        Assert.Equal("failed", finished.GetProperty("output").GetProperty("path").GetString());
        Assert.Equal("disk full", finished.GetProperty("output").GetProperty("error").GetString());
        Assert.Equal(JsonValueKind.Null, finished.GetProperty("output").GetProperty("version").ValueKind);
    }

    [Fact]
    public async Task JobResult_BadStatus_Returns400NamingStatus()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Job);
        var started = await StartAsync(tenant.Owner.Client, "deploy-flow");
        var jobRequestId = await JobRequestIdAsync(tenant.Owner.Client, started.Id);

        var response = await JobResultAsync(tenant.Owner.Client, jobRequestId, "{\"status\":\"done\"}");

        await response.AssertValidationErrorForAsync("status");
        var data = await GetInstanceAsync(tenant.Owner.Client, started.Id);
        Assert.Equal("job", Assert.Single(data.GetProperty("waits").EnumerateArray()).GetProperty("kind").GetString());
    }

    [Fact]
    public async Task JobResult_UnknownJobRequestId_Returns404()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Job);
        var started = await StartAsync(tenant.Owner.Client, "deploy-flow");
        var jobRequestId = await JobRequestIdAsync(tenant.Owner.Client, started.Id);
        const string Succeeded = "{\"status\":\"succeeded\"}";

        var notAJobId = await JobResultAsync(tenant.Owner.Client, "not-a-job", Succeeded);
        var unknownInstance = await JobResultAsync(tenant.Owner.Client, $"{Guid.NewGuid():N}:deploy:{Guid.NewGuid():N}:1", Succeeded);
        var unknownJob = await JobResultAsync(tenant.Owner.Client, $"{started.Id:N}:deploy:{Guid.NewGuid():N}:1", Succeeded);
        var foreign = await JobResultAsync(other.Owner.Client, jobRequestId, Succeeded);

        await notAJobId.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
        await unknownInstance.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await unknownJob.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
        await foreign.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        var data = await GetInstanceAsync(tenant.Owner.Client, started.Id);
        Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
    }

    // ------------------------------------------------------------------------------------------------- cancel/retry

    [Fact]
    public async Task Cancel_AsAdmin_CancelsTheInstanceAndRemovesItsWaits()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        var started = await StartAsync(admin.Client, "signal-flow");

        var response = await admin.Client.PostAsync($"{Instances}/{started.Id}/cancel", Wf.Json("{\"reason\":\"customer withdrew\"}"));

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        Assert.Equal("cancel", data.GetProperty("operation").GetString());
        var cancelled = await WaitForStatusAsync(admin.Client, started.Id, "cancelled");
        Assert.Empty(cancelled.GetProperty("waits").EnumerateArray());
        Assert.Empty(cancelled.GetProperty("tokens").EnumerateArray());
        Assert.Equal("customer withdrew", cancelled.GetProperty("error").GetString());
        var journal = await JournalAsync(admin.Client, started.Id, "");
        Assert.Equal("cancelled", journal[^1].GetProperty("event").GetString());
        // Nothing waits any more: a late signal finds no bookmark.
        await (await SignalAsync(admin.Client, started.Id, "go", "{}")).AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
    }

    [Fact]
    public async Task Cancel_CancelledOrFinishedInstance_Returns409InvalidState()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        await DeployAsync(tenant.Owner.Client, Flows.Quick);
        var waiting = await StartAsync(tenant.Owner.Client, "signal-flow");
        var finished = await StartAsync(tenant.Owner.Client, "quick-flow");
        await (await tenant.Owner.Client.PostAsync($"{Instances}/{waiting.Id}/cancel", null)).AssertSuccessAsync(HttpStatusCode.Accepted);
        await WaitForStatusAsync(tenant.Owner.Client, waiting.Id, "cancelled");

        var again = await tenant.Owner.Client.PostAsync($"{Instances}/{waiting.Id}/cancel", null);
        var done = await tenant.Owner.Client.PostAsync($"{Instances}/{finished.Id}/cancel", null);

        await again.AssertProblemAsync(HttpStatusCode.Conflict, "INVALID_STATE");
        await done.AssertProblemAsync(HttpStatusCode.Conflict, "INVALID_STATE");
        var data = await GetInstanceAsync(tenant.Owner.Client, finished.Id);
        Assert.Equal("finished", data.GetProperty("instance").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancel_AsMember_Returns403AndTheInstanceKeepsWaiting()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var member = await tenant.AddUserAsync(UserRole.Member);
        var started = await StartAsync(member.Client, "signal-flow");

        var cancel = await member.Client.PostAsync($"{Instances}/{started.Id}/cancel", null);
        var retry = await member.Client.PostAsync($"{Instances}/{started.Id}/retry", null);

        await cancel.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        await retry.AssertProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_PERMISSIONS");
        var data = await GetInstanceAsync(member.Client, started.Id);
        Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
        Assert.Single(data.GetProperty("waits").EnumerateArray());
    }

    [Fact]
    public async Task Cancel_UnknownInstance_Returns404()
    {
        var tenant = await host.CreateTenantAsync();

        var response = await tenant.Owner.Client.PostAsync($"{Instances}/{Guid.NewGuid()}/cancel", null);

        await response.AssertProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Retry_InstanceThatIsNotFaulted_Returns409InvalidState()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Signal);
        var started = await StartAsync(tenant.Owner.Client, "signal-flow");

        var response = await tenant.Owner.Client.PostAsync($"{Instances}/{started.Id}/retry", null);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "INVALID_STATE");
    }

    [Fact]
    public async Task FaultedInstance_ShowsItsIncident_InDetailAndIncidentList()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Faulty);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var started = await StartAsync(member.Client, "faulty-flow");
        var data = await GetInstanceAsync(member.Client, started.Id);
        var incidents = await member.Client.GetAsync("/api/workflows/incidents");

        Assert.Equal("faulted", started.Data.GetProperty("status").GetString());
        var instance = data.GetProperty("instance");
        Assert.Equal("faulted", instance.GetProperty("status").GetString());
        Assert.Equal(1, instance.GetProperty("incidentCount").GetInt32());
        Assert.Contains("disk on fire", data.GetProperty("error").GetString(), StringComparison.Ordinal);
        var incident = Assert.Single(data.GetProperty("incidents").EnumerateArray());
        Assert.Equal("boom", incident.GetProperty("nodeId").GetString());
        Assert.Contains("disk on fire", incident.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, incident.GetProperty("resolvedAt").ValueKind);
        var token = Assert.Single(data.GetProperty("tokens").EnumerateArray());
        Assert.Equal("boom", token.GetProperty("nodeId").GetString());
        Assert.Equal("faulted", token.GetProperty("status").GetString());
        var listed = await incidents.AssertSuccessAsync();
        Assert.Equal(incident.GetProperty("id").GetString(), Assert.Single(listed.GetProperty("data").EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(1, listed.GetProperty("meta").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task ListIncidents_OpenIncident_NamesTheInstanceItBelongsTo()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Faulty);
        var started = await StartAsync(tenant.Owner.Client, "faulty-flow");

        var response = await tenant.Owner.Client.GetAsync("/api/workflows/incidents");

        // An operator's list of open incidents is only actionable if each one leads to its instance (to inspect and retry it).
        var incident = Assert.Single((await response.AssertSuccessAsync()).GetProperty("data").EnumerateArray());
        Assert.True(incident.TryGetProperty("instanceId", out var instanceId), $"the incident does not name its instance: {incident}");
        Assert.Equal(started.Id.ToString(), instanceId.GetString());
    }

    [Fact]
    public async Task Retry_FaultedInstanceThatFaultsAgain_ResolvesTheOldIncidentAndOpensANewOne()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Faulty);
        var admin = await tenant.AddUserAsync(UserRole.Admin);
        var started = await StartAsync(admin.Client, "faulty-flow");
        var firstIncident = Assert.Single((await GetInstanceAsync(admin.Client, started.Id)).GetProperty("incidents").EnumerateArray());

        var response = await admin.Client.PostAsync($"{Instances}/{started.Id}/retry", null);

        var data = (await response.AssertSuccessAsync(HttpStatusCode.Accepted)).GetProperty("data");
        Assert.Equal("retry", data.GetProperty("operation").GetString());
        var after = await WaitUntilAsync(admin.Client, started.Id, d => d.GetProperty("incidents").GetArrayLength() == 2, "a second incident");
        Assert.Equal("faulted", after.GetProperty("instance").GetProperty("status").GetString());
        var all = after.GetProperty("incidents").EnumerateArray().ToList();
        Assert.Equal(firstIncident.GetProperty("id").GetString(), all[0].GetProperty("id").GetString());
        Assert.NotEqual(JsonValueKind.Null, all[0].GetProperty("resolvedAt").ValueKind);
        Assert.Equal(JsonValueKind.Null, all[1].GetProperty("resolvedAt").ValueKind);
        Assert.Equal("boom", all[1].GetProperty("nodeId").GetString());
        // The count is of open incidents: the retry resolved one and the new fault opened one.
        Assert.Equal(1, after.GetProperty("instance").GetProperty("incidentCount").GetInt32());
        var open = (await (await admin.Client.GetAsync("/api/workflows/incidents")).AssertSuccessAsync()).GetProperty("data");
        Assert.Equal(all[1].GetProperty("id").GetString(), Assert.Single(open.EnumerateArray()).GetProperty("id").GetString());
        var journal = await JournalAsync(admin.Client, started.Id, "");
        Assert.Single(journal, e => e.GetProperty("event").GetString() == "retried" && e.GetProperty("data").GetProperty("manual").GetBoolean());
        Assert.Equal(2, journal.Count(e => e.GetProperty("event").GetString() == "faulted"));
    }

    // ------------------------------------------------------------------------------------------------- HTTP triggers

    [Fact]
    public async Task HttpTrigger_PostToTriggerRoute_StartsAndAnswersWithTheRespondNodesReply()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Expenses);
        var member = await tenant.AddUserAsync(UserRole.Member);

        var response = await PostAsync(member.Client, "/workflows/http/expenses", "{\"id\":\"e-1\",\"amount\":120}", (WorkflowHttpHeaders.Correlation, "exp-1"));

        var body = await response.AssertSuccessAsync(HttpStatusCode.Created);
        Assert.Equal("e-1", body.GetProperty("id").GetString());
        Assert.Equal(120, body.GetProperty("amount").GetInt32());
        Assert.Equal("submitted", body.GetProperty("state").GetString());
        var instanceId = Guid.Parse(Assert.Single(response.Headers.GetValues("X-Workflow-Instance")));
        var data = await GetInstanceAsync(member.Client, instanceId);
        Assert.Equal("expenses", data.GetProperty("instance").GetProperty("definitionId").GetString());
        Assert.Equal("exp-1", data.GetProperty("instance").GetProperty("correlationId").GetString());
        Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
        var wait = Assert.Single(data.GetProperty("waits").EnumerateArray());
        Assert.Equal("http", wait.GetProperty("kind").GetString());
        Assert.Equal("POST /expenses/{id}/confirm", wait.GetProperty("key").GetString());
    }

    [Fact]
    public async Task HttpTrigger_ConfirmWithCorrelationId_ResumesThatInstanceAndAnswersItsReply()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Expenses);
        var first = await StartExpenseAsync(tenant.Owner.Client, "e-1", "exp-1");
        var second = await StartExpenseAsync(tenant.Owner.Client, "e-2", "exp-2");

        var response = await PostAsync(tenant.Owner.Client, "/workflows/http/expenses/e-2/confirm", "{\"by\":\"alice\"}", (WorkflowHttpHeaders.Correlation, "exp-2"));

        var body = await response.AssertSuccessAsync();
        Assert.Equal("e-2", body.GetProperty("id").GetString());
        Assert.True(body.GetProperty("confirmed").GetBoolean());
        Assert.Equal("alice", body.GetProperty("by").GetString());
        Assert.Equal(second.ToString(), Assert.Single(response.Headers.GetValues("X-Workflow-Instance")));
        var resumed = await GetInstanceAsync(tenant.Owner.Client, second);
        Assert.Equal("finished", resumed.GetProperty("instance").GetProperty("status").GetString());
        Assert.Equal("e-2", resumed.GetProperty("variables").GetProperty("confirmRequest").GetProperty("routeValues").GetProperty("id").GetString());
        var untouched = await GetInstanceAsync(tenant.Owner.Client, first);
        Assert.Equal("suspended", untouched.GetProperty("instance").GetProperty("status").GetString());
        Assert.Single(untouched.GetProperty("waits").EnumerateArray());
    }

    [Fact]
    public async Task HttpTrigger_ConfirmWithoutCorrelationIdWhileSeveralWait_Returns409InvalidState()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Expenses);
        var first = await StartExpenseAsync(tenant.Owner.Client, "e-1", "exp-1");
        var second = await StartExpenseAsync(tenant.Owner.Client, "e-2", "exp-2");

        var response = await PostAsync(tenant.Owner.Client, "/workflows/http/expenses/e-1/confirm", "{\"by\":\"bob\"}");

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "INVALID_STATE");
        foreach (var id in new[] { first, second })
        {
            var data = await GetInstanceAsync(tenant.Owner.Client, id);
            Assert.Equal("suspended", data.GetProperty("instance").GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task HttpTrigger_RouteNobodyServes_Returns404()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Expenses);

        var unknownPath = await PostAsync(tenant.Owner.Client, "/workflows/http/invoices", "{}");
        var wrongMethod = await tenant.Owner.Client.GetAsync("/workflows/http/expenses");
        var nobodyWaiting = await PostAsync(tenant.Owner.Client, "/workflows/http/expenses/e-9/confirm", "{}");

        await unknownPath.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
        await wrongMethod.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
        await nobodyWaiting.AssertProblemAsync(HttpStatusCode.NotFound, "NO_MATCHING_BOOKMARK");
        Assert.Empty(Ids(await ListAsync(tenant.Owner.Client, "")));
    }

    [Fact]
    public async Task HttpTrigger_Unauthenticated_Returns401AndStartsNothing()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Expenses);
        using var anonymous = host.CreateClient();

        var response = await PostAsync(anonymous, "/workflows/http/expenses", "{\"id\":\"e-1\",\"amount\":1}");

        await response.AssertProblemAsync(HttpStatusCode.Unauthorized, "AUTHENTICATION_REQUIRED");
        Assert.Empty(Ids(await ListAsync(tenant.Owner.Client, "")));
    }

    [Fact]
    public async Task HttpTrigger_Credentials_NeverEnterTheInstancesStoredRequest()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Expenses);
        var instanceId = await StartExpenseAsync(tenant.Owner.Client, "e-3", "exp-3");

        var response = await PostAsync(tenant.Owner.Client, "/workflows/http/expenses/e-3/confirm", "{\"by\":\"carol\"}", ("X-Trace-Note", "visible"));

        await response.AssertSuccessAsync();
        var detail = await tenant.Owner.Client.GetAsync($"{Instances}/{instanceId}");
        var text = await detail.Content.ReadAsStringAsync();
        var headers = (await detail.AssertSuccessAsync()).GetProperty("data").GetProperty("variables").GetProperty("confirmRequest").GetProperty("headers");
        Assert.Equal("visible", headers.GetProperty("x-trace-note").GetString());
        Assert.False(headers.TryGetProperty("authorization", out _), $"stored headers: {headers}");
        Assert.DoesNotContain(tenant.Owner.AccessToken, text, StringComparison.Ordinal);
        var journal = await tenant.Owner.Client.GetAsync($"{Instances}/{instanceId}/journal");
        Assert.DoesNotContain(tenant.Owner.AccessToken, await journal.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishDefinition_SecondWorkflowOnTheSameRoute_Returns409RouteConflict()
    {
        var tenant = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Expenses);
        await tenant.Owner.Client.CreateAsync(Flows.Expenses.Replace("\"definitionId\": \"expenses\"", "\"definitionId\": \"expenses-copy\"", StringComparison.Ordinal));

        var response = await tenant.Owner.Client.PostAsync("/api/workflows/definitions/expenses-copy/publish", null);

        await response.AssertProblemAsync(HttpStatusCode.Conflict, "ROUTE_CONFLICT");
        // The first workflow still answers the route.
        await StartExpenseAsync(tenant.Owner.Client, "e-4", "exp-4");
    }

    [Fact]
    public async Task ListTasks_WaitingApproval_ListsItForItsAssigneeUntilDecided()
    {
        var tenant = await host.CreateTenantAsync();
        var other = await host.CreateTenantAsync();
        await DeployAsync(tenant.Owner.Client, Flows.Approval);
        await DeployAsync(other.Owner.Client, Flows.Approval);
        var (id, _) = await StartAsync(tenant.Owner.Client, "approval-flow");
        await StartAsync(other.Owner.Client, "approval-flow");

        var tasks = (await (await tenant.Owner.Client.GetAsync("/api/workflows/tasks?assignee=finance")).AssertSuccessAsync(HttpStatusCode.OK));
        var task = Assert.Single(tasks.GetProperty("data").EnumerateArray());
        Assert.Equal(id.ToString(), task.GetProperty("instanceId").GetString());
        Assert.Equal("approve", task.GetProperty("nodeId").GetString());
        Assert.Equal("Expense 120", task.GetProperty("subject").GetString());
        Assert.Equal(1, tasks.GetProperty("meta").GetProperty("total").GetInt32());
        var nobody = await (await tenant.Owner.Client.GetAsync("/api/workflows/tasks?assignee=legal")).AssertSuccessAsync(HttpStatusCode.OK);
        Assert.Empty(nobody.GetProperty("data").EnumerateArray());

        (await PostAsync(tenant.Owner.Client, $"{Instances}/{id}/approvals/approve", """{"decision": "approved"}""")).EnsureSuccessStatusCode();
        await WaitForStatusAsync(tenant.Owner.Client, id, "finished");

        var after = await (await tenant.Owner.Client.GetAsync("/api/workflows/tasks")).AssertSuccessAsync(HttpStatusCode.OK);
        Assert.Empty(after.GetProperty("data").EnumerateArray());
    }

    // ------------------------------------------------------------------------------------------------------ helpers

    private static async Task DeployAsync(HttpClient client, string json)
    {
        var created = await client.CreateAsync(json);
        await client.PublishAsync(created.GetProperty("definitionId").GetString()!);
    }

    private static async Task<(Guid Id, JsonElement Data)> StartAsync(HttpClient client, string definitionId, JsonObject? input = null, string? correlationId = null)
    {
        var body = new JsonObject { ["input"] = input ?? [], ["correlationId"] = correlationId };
        var response = await client.PostAsync($"/api/workflows/definitions/{definitionId}/instances", Wf.Json(body.ToJsonString()));
        var data = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        return (Guid.Parse(data.GetProperty("instanceId").GetString()!), data);
    }

    private static async Task<Guid> StartExpenseAsync(HttpClient client, string expenseId, string correlationId)
    {
        var response = await PostAsync(client, "/workflows/http/expenses", $"{{\"id\":\"{expenseId}\",\"amount\":10}}", (WorkflowHttpHeaders.Correlation, correlationId));
        await response.AssertSuccessAsync(HttpStatusCode.Created);
        return Guid.Parse(Assert.Single(response.Headers.GetValues("X-Workflow-Instance")));
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await client.SendAsync(request);
    }

    private static Task<HttpResponseMessage> SignalAsync(HttpClient client, Guid instanceId, string name, string body, string? idempotencyKey = null) =>
        idempotencyKey is null
            ? PostAsync(client, $"{Instances}/{instanceId}/signals/{name}", body)
            : PostAsync(client, $"{Instances}/{instanceId}/signals/{name}", body, ("Idempotency-Key", idempotencyKey));

    private static Task<HttpResponseMessage> JobResultAsync(HttpClient client, string jobRequestId, string body) =>
        PostAsync(client, $"/api/workflows/jobs/{Uri.EscapeDataString(jobRequestId)}/result", body);

    /// <summary>The job request id a job.run node waits on, as the instance detail shows it.</summary>
    private static async Task<string> JobRequestIdAsync(HttpClient client, Guid instanceId)
    {
        var data = await GetInstanceAsync(client, instanceId);
        var wait = Assert.Single(data.GetProperty("waits").EnumerateArray());
        Assert.Equal("job", wait.GetProperty("kind").GetString());
        Assert.Equal("deploy", wait.GetProperty("nodeId").GetString());
        var key = wait.GetProperty("key").GetString()!;
        Assert.StartsWith($"{instanceId:N}:", key, StringComparison.Ordinal);
        return key;
    }

    private static async Task<JsonElement> GetInstanceAsync(HttpClient client, Guid instanceId) =>
        (await (await client.GetAsync($"{Instances}/{instanceId}")).AssertSuccessAsync()).GetProperty("data");

    private static async Task<List<JsonElement>> JournalAsync(HttpClient client, Guid instanceId, string query) =>
        [.. (await (await client.GetAsync($"{Instances}/{instanceId}/journal{query}")).AssertSuccessAsync()).GetProperty("data").EnumerateArray()];

    private static async Task<JsonElement> ListAsync(HttpClient client, string query) =>
        await (await client.GetAsync(Instances + query)).AssertSuccessAsync();

    private static List<Guid> Ids(JsonElement list) =>
        [.. list.GetProperty("data").EnumerateArray().Select(i => Guid.Parse(i.GetProperty("id").GetString()!))];

    private static Task<JsonElement> WaitForStatusAsync(HttpClient client, Guid instanceId, string status) =>
        WaitUntilAsync(client, instanceId, d => d.GetProperty("instance").GetProperty("status").GetString() == status, $"status {status}");

    /// <summary>Polls the instance detail until <paramref name="condition"/> holds; fails with the last detail after the timeout.</summary>
    private static async Task<JsonElement> WaitUntilAsync(HttpClient client, Guid instanceId, Func<JsonElement, bool> condition, string what)
    {
        var deadline = TimeProvider.System.GetUtcNow() + WaitTimeout;
        while (true)
        {
            var data = await GetInstanceAsync(client, instanceId);
            if (condition(data))
            {
                return data;
            }

            if (TimeProvider.System.GetUtcNow() > deadline)
            {
                Assert.Fail($"Instance {instanceId} did not reach {what} within {WaitTimeout.TotalSeconds} s; last seen: {data}");
            }

            await Task.Delay(25);
        }
    }
}

public sealed class SqliteWorkflowInstancesApiTests(SqliteWorkflowRuntimeHostFixture host) : WorkflowInstancesApiTests<SqliteWorkflowRuntimeHostFixture>(host);

public sealed class PostgresWorkflowInstancesApiTests(PostgresWorkflowRuntimeHostFixture host) : WorkflowInstancesApiTests<PostgresWorkflowRuntimeHostFixture>(host);

/// <summary>The Host with its workflow workers running and polling often, so stimuli are applied within milliseconds.</summary>
public sealed class SqliteWorkflowRuntimeHostFixture : SqliteHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => WorkflowRuntimeHostSettings.Values;
}

/// <inheritdoc cref="SqliteWorkflowRuntimeHostFixture"/>
public sealed class PostgresWorkflowRuntimeHostFixture : PostgresHostFixture
{
    protected override IReadOnlyDictionary<string, string?> ExtraSettings => WorkflowRuntimeHostSettings.Values;
}

internal static class WorkflowRuntimeHostSettings
{
    public static readonly IReadOnlyDictionary<string, string?> Values = new Dictionary<string, string?>
    {
        [$"{WorkflowRuntimeOptions.SectionName}:RunBackgroundServices"] = "true",
        [$"{WorkflowRuntimeOptions.SectionName}:PollInterval"] = "00:00:00.050",
        [$"{WorkflowRuntimeOptions.SectionName}:TimerPollInterval"] = "00:00:00.050",
        [$"{WorkflowRuntimeOptions.SectionName}:StimulusRetryDelay"] = "00:00:00.050",
    };
}

internal static class WorkflowHttpHeaders
{
    public const string Correlation = "X-Correlation-Id";
}

/// <summary>The definitions these tests run, built from built-in activities only.</summary>
internal static class Flows
{
    /// <summary>start → wait (core.waitSignal "go", payload → received) → end.</summary>
    public const string Signal = """
    {
      "schema": "wf/1", "definitionId": "signal-flow", "name": "Wait for a signal",
      "inputs": [{"name": "orderId", "type": "string"}],
      "variables": [{"name": "received"}, {"name": "stage", "type": "string", "default": "waiting"}],
      "outputs": [{"name": "received", "from": {"var": "received"}}, {"name": "orderId", "from": {"js": "input.orderId"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.waitSignal", "inputs": {"name": "go"}, "outputs": {"payload": "received"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "wait"}, {"from": "wait", "to": "end"}]
    }
    """;

    /// <summary>start → end: finishes in its first burst.</summary>
    public const string Quick = """
    {
      "schema": "wf/1", "definitionId": "quick-flow", "name": "Finishes at once",
      "nodes": [{"id": "start", "type": "core.start"}, {"id": "end", "type": "core.end"}],
      "edges": [{"from": "start", "to": "end"}]
    }
    """;

    /// <summary>start → approve (human.approval) → Approved: onApproved / Rejected: onRejected → end.</summary>
    public const string Approval = """
    {
      "schema": "wf/1", "definitionId": "approval-flow", "name": "Approve an expense",
      "variables": [{"name": "decision", "type": "string"}, {"name": "comment"}, {"name": "decidedBy"}, {"name": "path", "type": "string"}],
      "outputs": [{"name": "path", "from": {"var": "path"}}, {"name": "decision", "from": {"var": "decision"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "approve", "type": "human.approval", "inputs": {"assignee": "finance", "subject": "Expense 120"},
         "outputs": {"decision": "decision", "comment": "comment", "decidedBy": "decidedBy"}},
        {"id": "onApproved", "type": "core.set", "inputs": {"variable": "path", "value": "approved"}},
        {"id": "onRejected", "type": "core.set", "inputs": {"variable": "path", "value": "rejected"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "approve"},
        {"from": "approve", "on": "Approved", "to": "onApproved"}, {"from": "approve", "on": "Rejected", "to": "onRejected"},
        {"from": "onApproved", "to": "end"}, {"from": "onRejected", "to": "end"}
      ]
    }
    """;

    /// <summary>Started by the event "order.placed" (its payload is the input).</summary>
    public const string EventTriggered = """
    {
      "schema": "wf/1", "definitionId": "order-placed", "name": "On order placed",
      "inputs": [{"name": "orderId", "type": "string"}],
      "outputs": [{"name": "orderId", "from": {"js": "input.orderId"}}],
      "triggers": [{"node": "start", "kind": "event", "config": {"name": "order.placed"}}],
      "nodes": [{"id": "start", "type": "core.start"}, {"id": "end", "type": "core.end"}],
      "edges": [{"from": "start", "to": "end"}]
    }
    """;

    /// <summary>start → wait (core.waitEvent "invoice.paid", correlation id = input.invoice) → end.</summary>
    public const string WaitEvent = """
    {
      "schema": "wf/1", "definitionId": "invoice-wait", "name": "Wait for payment",
      "inputs": [{"name": "invoice", "type": "string"}],
      "variables": [{"name": "paid"}],
      "outputs": [{"name": "paid", "from": {"var": "paid"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "wait", "type": "core.waitEvent", "inputs": {"name": "invoice.paid", "correlationId": {"js": "input.invoice"}}, "outputs": {"payload": "paid"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "wait"}, {"from": "wait", "to": "end"}]
    }
    """;

    /// <summary>start → deploy (job.run) → Done: onDone / Failed: onFailed → end.</summary>
    public const string Job = """
    {
      "schema": "wf/1", "definitionId": "deploy-flow", "name": "Deploy",
      "variables": [{"name": "deployedVersion"}, {"name": "jobError"}, {"name": "path", "type": "string"}],
      "outputs": [
        {"name": "path", "from": {"var": "path"}}, {"name": "version", "from": {"var": "deployedVersion"}}, {"name": "error", "from": {"var": "jobError"}}
      ],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "deploy", "type": "job.run", "inputs": {"job": "deploy-service", "args": {"service": "billing"}},
         "outputs": {"version": "deployedVersion", "error": "jobError"}},
        {"id": "onDone", "type": "core.set", "inputs": {"variable": "path", "value": "done"}},
        {"id": "onFailed", "type": "core.set", "inputs": {"variable": "path", "value": "failed"}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "deploy"},
        {"from": "deploy", "on": "Done", "to": "onDone"}, {"from": "deploy", "on": "Failed", "to": "onFailed"},
        {"from": "onDone", "to": "end"}, {"from": "onFailed", "to": "end"}
      ]
    }
    """;

    /// <summary>start → boom (core.set whose value script throws) → end: faults in its first burst, every time.</summary>
    public const string Faulty = """
    {
      "schema": "wf/1", "definitionId": "faulty-flow", "name": "Always faults",
      "variables": [{"name": "x"}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "boom", "type": "core.set", "inputs": {"variable": "x", "value": {"js": "throw new Error('disk on fire')"}}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [{"from": "start", "to": "boom"}, {"from": "boom", "to": "end"}]
    }
    """;

    /// <summary>
    /// POST /expenses starts it and answers 201 at once; it then waits on POST /expenses/{id}/confirm and answers
    /// that request with 200.
    /// </summary>
    public const string Expenses = """
    {
      "schema": "wf/1", "definitionId": "expenses", "name": "Expense intake",
      "inputs": [{"name": "id", "type": "string"}, {"name": "amount", "type": "number"}],
      "variables": [{"name": "confirmRequest"}],
      "triggers": [{"node": "start", "kind": "http", "config": {"method": "POST", "path": "/expenses"}}],
      "nodes": [
        {"id": "start", "type": "core.start"},
        {"id": "created", "type": "http.respond", "inputs": {"status": 201, "body": {"js": "({ id: input.id, amount: input.amount, state: 'submitted' })"}}},
        {"id": "confirm", "type": "http.endpoint", "inputs": {"method": "POST", "path": "/expenses/{id}/confirm"}, "outputs": {"request": "confirmRequest"}},
        {"id": "confirmed", "type": "http.respond", "inputs": {"status": 200, "body": {"js": "({ id: input.id, confirmed: true, by: vars.confirmRequest.body.by })"}}},
        {"id": "end", "type": "core.end"}
      ],
      "edges": [
        {"from": "start", "to": "created"}, {"from": "created", "to": "confirm"},
        {"from": "confirm", "to": "confirmed"}, {"from": "confirmed", "to": "end"}
      ]
    }
    """;
}
