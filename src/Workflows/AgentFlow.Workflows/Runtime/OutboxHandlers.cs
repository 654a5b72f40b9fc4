using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Workflows.Runtime;

/// <summary>
/// "http": sends the request of an <c>http.request</c> node with <c>Idempotency-Key</c> = the outbox id, and reports
/// the response to the waiting node. 5xx, 429 and network errors are retried; other answers are final.
/// </summary>
public sealed class HttpOutboxHandler(IHttpClientFactory clients, IServiceProvider services) : IOutboxHandler
{
    /// <summary>The named HttpClient used for workflow requests (configure timeouts and handlers on it).</summary>
    public const string ClientName = "AgentFlow.Workflows.Http";

    public string Kind => "http";

    public async Task HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = delivery.Payload as JsonObject ?? [];
        using var request = new HttpRequestMessage(
            new HttpMethod(payload["method"]?.GetValue<string>() ?? "GET"),
            payload["url"]?.GetValue<string>() ?? throw new InvalidOperationException("The http message has no url."));
        request.Headers.TryAddWithoutValidation("Idempotency-Key", delivery.Id.ToString());
        if (payload["headers"] is JsonObject headers)
        {
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value?.ToString());
            }
        }

        if (payload["body"] is { } body)
        {
            request.Content = body.GetValueKind() == System.Text.Json.JsonValueKind.String
                ? new StringContent(body.GetValue<string>(), Encoding.UTF8, "text/plain")
                : JsonContent.Create(body);
        }

        using var response = await clients.CreateClient(ClientName).SendAsync(request, cancellationToken);
        var status = (int)response.StatusCode;
        if (status >= 500 || status == 429)
        {
            throw new HttpRequestException($"{payload["url"]} answered {status}.");
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        JsonNode? responseBody;
        try
        {
            responseBody = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
            responseBody = text;
        }

        var responseHeaders = new JsonObject();
        foreach (var header in response.Headers.Concat(response.Content.Headers))
        {
            responseHeaders[header.Key] = string.Join(", ", header.Value);
        }

        await ReportAsync(delivery, new JsonObject { ["statusCode"] = status, ["headers"] = responseHeaders, ["body"] = responseBody }, cancellationToken);
    }

    public Task GiveUpAsync(OutboxDelivery delivery, string failure, CancellationToken cancellationToken) =>
        ReportAsync(delivery, new JsonObject { ["error"] = failure }, cancellationToken);

    private async Task ReportAsync(OutboxDelivery delivery, JsonObject result, CancellationToken cancellationToken)
    {
        if ((delivery.Payload as JsonObject)?["responseKey"]?.GetValue<string>() is not { } responseKey)
        {
            return;
        }

        try
        {
            // Resolved late: the runtime and the dispatcher's handlers depend on each other only through the container.
            await services.GetRequiredService<IWorkflowRuntime>().DeliverAsync(
                delivery.OrgId, delivery.InstanceId, new Stimulus("job", responseKey, result, $"outbox:{delivery.Id:N}"), cancellationToken);
        }
        catch (NoMatchingBookmarkException)
        {
            // The instance stopped waiting (cancelled, timed out): nobody needs the answer any more.
        }
    }
}

/// <summary>"workflow.start": starts the child workflow of a <c>core.runWorkflow</c> node exactly once per child key.</summary>
public sealed class WorkflowStartOutboxHandler(IWorkflowRuntime runtime) : IOutboxHandler
{
    public string Kind => "workflow.start";

    public async Task HandleAsync(OutboxDelivery delivery, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        var payload = delivery.Payload as JsonObject ?? [];
        var childKey = payload["childKey"]?.GetValue<string>() ?? delivery.Id.ToString("N");
        var parent = new ParentLink(delivery.InstanceId, childKey);
        try
        {
            await runtime.StartAsync(new StartWorkflowRequest
            {
                OrgId = delivery.OrgId,
                DefinitionId = payload["definitionId"]?.GetValue<string>() ?? "",
                Input = payload["input"]?.DeepClone() as JsonObject,
                IdempotencyKey = $"child:{childKey}",
                Parent = parent,
            }, cancellationToken);
        }
        catch (Exception ex) when (ex is WorkflowNotFoundException or WorkflowInputException)
        {
            // The child can never start: the parent takes its failure path instead of waiting forever.
            await runtime.DeliverAsync(delivery.OrgId, delivery.InstanceId, new Stimulus("child", childKey,
                new JsonObject { ["status"] = "Faulted", ["error"] = ex.Message }, $"outbox:{delivery.Id:N}"), cancellationToken);
        }
    }
}
