using System.Text.Json.Nodes;
using AgentFlow.Workflows.Activities;
using AgentFlow.Workflows.Activities.Builtin;
using static AgentFlow.Workflows.Tests.Activities.Builtin.Results;

namespace AgentFlow.Workflows.Tests.Activities.Builtin;

public sealed class HttpActivitiesTests
{
    [Theory]
    [InlineData("post", "/expenses", "POST /expenses")]
    [InlineData("GET", "Expenses/{Id}/", "GET /expenses/{Id}")]
    [InlineData(" put ", "//API//Orders//{orderId}/Lines", "PUT /api/orders/{orderId}/lines")]
    [InlineData("DELETE", "/files/{Name}.PDF", "DELETE /files/{Name}.pdf")]
    [InlineData("GET", "/", "GET /")]
    public async Task Endpoint_Execute_WaitsOnNormalisedRoute(string method, string path, string expectedKey)
    {
        var step = new ActivityStep<HttpEndpointActivity>(new() { ["method"] = method, ["path"] = path });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Http, wait.Kind);
        Assert.Equal(expectedKey, wait.Key);
    }

    [Fact]
    public async Task Endpoint_NoMethod_DefaultsToPost()
    {
        var step = new ActivityStep<HttpEndpointActivity>(new() { ["path"] = "/expenses" });

        Assert.Equal("POST /expenses", SingleWait(await step.ExecuteAsync()).Key);
    }

    [Theory]
    [InlineData("POST", "", "required")]
    [InlineData("POST", "/expenses?id=1", "query")]
    [InlineData("POST", "/expenses/{id", "unbalanced")]
    [InlineData("POST", "/expenses/id}", "unbalanced")]
    [InlineData("POST", "/expenses/{{id}}", "unbalanced")]
    [InlineData("POST", "/expenses/{}", "without a name")]
    [InlineData("PO ST", "/expenses", "not an HTTP method")]
    public async Task Endpoint_InvalidRoute_FailsPermanently(string method, string path, string message)
    {
        var step = new ActivityStep<HttpEndpointActivity>(new() { ["method"] = method, ["path"] = path });

        Failed(await step.ExecuteAsync(), message);
    }

    [Fact]
    public async Task Endpoint_Resume_OutputsTheRequest()
    {
        var step = new ActivityStep<HttpEndpointActivity>(new() { ["path"] = "/expenses/{id}" });
        var request = JsonNode.Parse("""{"method":"POST","path":"/expenses/7","routeValues":{"id":"7"},"query":{},"headers":{},"body":{"amount":12}}""");

        var completed = Completed(await step.ResumeAsync(WaitKind.Http, "POST /expenses/{id}", request), "Done");

        Assert.True(JsonNode.DeepEquals(request, completed.Outputs["request"]));
        Assert.NotSame(request, completed.Outputs["request"]);
    }

    [Fact]
    public async Task Respond_Execute_EmitsHttpResponse()
    {
        var step = new ActivityStep<HttpRespondActivity>(new()
        {
            ["status"] = 201,
            ["headers"] = new JsonObject { ["Location"] = "/expenses/7" },
            ["body"] = new JsonObject { ["id"] = 7 },
        });

        Completed(await step.ExecuteAsync(), "Done");

        var message = Assert.Single(step.Context.EmittedMessages);
        Assert.Equal("http.response", message.Kind);
        AssertJson("""{"status":201,"headers":{"Location":"/expenses/7"},"body":{"id":7}}""", message.Payload);
    }

    [Fact]
    public async Task Respond_NoInputs_Emits200WithEmptyHeadersAndNullBody()
    {
        var step = new ActivityStep<HttpRespondActivity>();

        Completed(await step.ExecuteAsync(), "Done");

        AssertJson("""{"status":200,"headers":{},"body":null}""", Assert.Single(step.Context.EmittedMessages).Payload);
    }

    [Theory]
    [InlineData(99)]
    [InlineData(600)]
    public async Task Respond_StatusOutOfRange_FailsWithoutEmitting(int status)
    {
        var step = new ActivityStep<HttpRespondActivity>(new() { ["status"] = status });

        Failed(await step.ExecuteAsync(), "not an HTTP status code");
        Assert.Empty(step.Context.EmittedMessages);
    }

    [Fact]
    public async Task Request_Execute_EmitsRequestAndWaitsOnJobKeyedByStep()
    {
        var step = new ActivityStep<HttpRequestActivity>(new()
        {
            ["url"] = "https://api.example.com/orders",
            ["method"] = "post",
            ["headers"] = new JsonObject { ["X-Trace"] = "1" },
            ["body"] = new JsonObject { ["sku"] = "A-1" },
        });

        var wait = SingleWait(await step.ExecuteAsync());

        Assert.Equal(WaitKind.Job, wait.Kind);
        Assert.Equal(step.Context.IdempotencyKey, wait.Key);
        var message = Assert.Single(step.Context.EmittedMessages);
        Assert.Equal("http", message.Kind);
        var expected = new JsonObject
        {
            ["url"] = "https://api.example.com/orders",
            ["method"] = "POST",
            ["headers"] = new JsonObject { ["X-Trace"] = "1" },
            ["body"] = new JsonObject { ["sku"] = "A-1" },
            ["responseKey"] = step.Context.IdempotencyKey,
        };
        AssertJson(expected.ToJsonString(), message.Payload);
    }

    [Fact]
    public async Task Request_DefaultsAndNoWait_EmitsGetWithoutResponseKeyAndCompletes()
    {
        var step = new ActivityStep<HttpRequestActivity>(new() { ["url"] = "http://hooks.example.com/ping", ["waitForResponse"] = false });

        Completed(await step.ExecuteAsync(), "Done");

        AssertJson("""{"url":"http://hooks.example.com/ping","method":"GET","headers":{},"body":null}""", Assert.Single(step.Context.EmittedMessages).Payload);
    }

    [Theory]
    [InlineData("/relative/path")]
    [InlineData("ftp://files.example.com/a")]
    [InlineData("not a url")]
    public async Task Request_InvalidUrl_FailsWithoutEmitting(string url)
    {
        var step = new ActivityStep<HttpRequestActivity>(new() { ["url"] = url });

        Failed(await step.ExecuteAsync(), "not an absolute http or https URL");
        Assert.Empty(step.Context.EmittedMessages);
    }

    [Fact]
    public async Task Request_Resume2xx_CompletesDoneWithResponse()
    {
        var step = new ActivityStep<HttpRequestActivity>(new() { ["url"] = "https://api.example.com/orders" });
        var response = JsonNode.Parse("""{"statusCode":201,"headers":{"Content-Type":"application/json"},"body":{"id":9}}""");

        var completed = Completed(await step.ResumeAsync(WaitKind.Job, step.Context.IdempotencyKey, response), "Done");

        Assert.Equal(201, completed.Outputs["statusCode"]!.GetValue<int>());
        AssertJson("""{"id":9}""", completed.Outputs["body"]);
        AssertJson("""{"Content-Type":"application/json"}""", completed.Outputs["headers"]);
        Assert.Null(completed.Outputs["error"]);
    }

    [Fact]
    public async Task Request_ResumeNon2xx_CompletesFailedWithStatusAndError()
    {
        var step = new ActivityStep<HttpRequestActivity>(new() { ["url"] = "https://api.example.com/orders" });

        var completed = Completed(await step.ResumeAsync(WaitKind.Job, "k", JsonNode.Parse("""{"statusCode":503,"headers":{},"body":"busy"}""")), "Failed");

        Assert.Equal(503, completed.Outputs["statusCode"]!.GetValue<int>());
        Assert.Equal("busy", completed.Outputs["body"]!.GetValue<string>());
        Assert.Contains("503", completed.Outputs["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Request_ResumeWithError_CompletesFailedWithThatError()
    {
        var step = new ActivityStep<HttpRequestActivity>(new() { ["url"] = "https://api.example.com/orders" });

        var completed = Completed(await step.ResumeAsync(WaitKind.Job, "k", new JsonObject { ["error"] = "Connection refused" }), "Failed");

        Assert.Equal("Connection refused", completed.Outputs["error"]!.GetValue<string>());
        Assert.Null(completed.Outputs["statusCode"]);
    }

    [Fact]
    public async Task Request_ResumeWithoutPayload_CompletesFailed()
    {
        var step = new ActivityStep<HttpRequestActivity>(new() { ["url"] = "https://api.example.com/orders" });

        var completed = Completed(await step.ResumeAsync(WaitKind.Job, "k"), "Failed");

        Assert.Contains("no response", completed.Outputs["error"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
