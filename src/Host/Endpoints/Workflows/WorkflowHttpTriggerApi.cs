using System.Text.Json.Nodes;
using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using AgentFlow.Host.Startup;
using AgentFlow.Workflows.Runtime;

namespace AgentFlow.Host.Endpoints.Workflows;

/// <summary>
/// <c>/workflows/http/{path}</c>: requests to routes declared by published <c>http</c> triggers start an instance;
/// requests to routes an <c>http.endpoint</c> node waits on resume the waiting instance (several waiting: the
/// <c>X-Correlation-Id</c> header picks one). The burst runs inline, so an <c>http.respond</c> node answers the
/// request; without one the answer is 202 with the instance. Callers authenticate like any API client (the
/// organisation comes from the caller), so a workflow route is never an anonymous door into a tenant.
/// </summary>
internal static class WorkflowHttpTriggerApi
{
    public const string Prefix = "/workflows/http";
    public const string CorrelationHeader = "X-Correlation-Id";

    private static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    public static IEndpointRouteBuilder MapWorkflowHttpTriggers(this IEndpointRouteBuilder routes)
    {
        routes.MapMethods(Prefix + "/{**path}", Methods, HandleAsync).WithTags("Workflow instances").WithName("WorkflowHttpTrigger")
            .WithSummary("Start or resume a workflow through one of its HTTP routes (the reply of its http.respond node, else 202)")
            .WithWorkflowSeeding().RequireRole(UserRole.Member).Audited("workflow.http");
        return routes;
    }

    private static async Task<IResult> HandleAsync(string? path, IWorkflowRuntime runtime, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var query = new JsonObject();
        foreach (var (key, value) in http.Request.Query)
        {
            query[key] = value.ToString();
        }

        var headers = new JsonObject();
        foreach (var (key, value) in http.Request.Headers)
        {
            // Credentials never enter workflow state (it is journalled and readable by every user of the organisation,
            // viewers included).
            if (!IsSecret(key))
            {
                headers[key.ToLowerInvariant()] = value.ToString();
            }
        }

        var body = await WorkflowInstancesApi.ReadJsonAsync(http.Request, cancellationToken);
        var correlationId = http.Request.Headers[CorrelationHeader].ToString() is { Length: > 0 } c ? c : null;
        var result = await runtime.HandleHttpAsync(
            http.User.OrgId(), new HttpTriggerRequest(http.Request.Method, "/" + (path ?? ""), query, headers, body, correlationId), cancellationToken);
        audit.Resource = $"workflow_instance:{result.InstanceId}";
        audit.Details["started"] = result.Started;
        if (result.Reply is { } reply)
        {
            if (reply.Headers is { } replyHeaders)
            {
                foreach (var (name, value) in replyHeaders)
                {
                    if (!IsSecret(name) && value is not null)
                    {
                        http.Response.Headers[name] = value.ToString();
                    }
                }
            }

            http.Response.Headers["X-Workflow-Instance"] = result.InstanceId.ToString();
            return reply.Body is null ? Results.StatusCode(reply.Status) : Results.Json(reply.Body, statusCode: reply.Status);
        }

        return Results.Accepted($"/api/workflows/instances/{result.InstanceId}",
            Envelope.Of(new HttpTriggerResponse(result.InstanceId, result.Started, WorkflowNames.Of(result.Status))));
    }

    private static bool IsSecret(string header) =>
        header.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || header.Equals("Set-Cookie", StringComparison.OrdinalIgnoreCase)
        || header.Equals("X-API-Key", StringComparison.OrdinalIgnoreCase)
        || header.Equals("X-CSRF-Token", StringComparison.OrdinalIgnoreCase);
}

/// <summary>The answer of an HTTP-triggered burst that produced no reply.</summary>
public sealed record HttpTriggerResponse(Guid InstanceId, bool Started, string Status);
