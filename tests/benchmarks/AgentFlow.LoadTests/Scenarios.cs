using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace AgentFlow.LoadTests;

/// <summary>One kind of request, repeated by every worker. Each call of <see cref="CreateRequest"/> gives a fresh message.</summary>
internal sealed record Scenario(string Name, string Description, Func<HttpRequestMessage> CreateRequest, HttpStatusCode ExpectedStatus = HttpStatusCode.OK)
{
    /// <summary>
    /// A second request made from the first one's answer, measured together with it (the hook's tool call and its
    /// completion); null when the scenario is a single request. It returns null when the answer does not allow one.
    /// </summary>
    public Func<HttpResponseMessage, CancellationToken, Task<HttpRequestMessage?>>? FollowUp { get; init; }
}

internal static class Scenarios
{
    public const string Health = "health";
    public const string Me = "me";
    public const string ListAgents = "list-agents";
    public const string Login = "login";
    public const string PermissionCheck = "permission-check";
    public const string Hook = "hook";

    /// <summary>In the order they run: reads first, so the rows login writes (sessions, audit) cannot affect them.</summary>
    public static readonly IReadOnlyList<string> All = [Health, Me, ListAgents, PermissionCheck, Hook, Login];

    /// <summary>The tool the permission-check scenario asks about: allowed for a Developer Assistant profile.</summary>
    public const string CheckedTool = "github_issue_create";

    /// <param name="name">One of <see cref="All"/>.</param>
    /// <param name="token">The admin's access token, sent as a bearer token by the scenarios that need one (and only by them:
    /// the Host authenticates any bearer token it is given, even on anonymous routes).</param>
    /// <param name="limit">The page size list-agents asks for.</param>
    /// <param name="agentId">The agent whose profile permission-check asks about.</param>
    /// <param name="agentKey">The agent-bound API key the hook scenario calls with.</param>
    public static Scenario Create(string name, string token, int limit, Guid? agentId = null, string? agentKey = null)
    {
        var bearer = new AuthenticationHeaderValue("Bearer", token);
        switch (name)
        {
            case Health:
                return new Scenario(Health, "GET /health (the pipeline without database or auth)",
                    () => new HttpRequestMessage(HttpMethod.Get, "/health"));
            case Me:
                return new Scenario(Me, "GET /auth/me with a bearer token (the pipeline plus authentication, no query)",
                    () => new HttpRequestMessage(HttpMethod.Get, "/auth/me") { Headers = { Authorization = bearer } });
            case ListAgents:
                var listUri = $"/api/agents?limit={limit}";
                return new Scenario(ListAgents, $"GET {listUri} with a bearer token",
                    () => new HttpRequestMessage(HttpMethod.Get, listUri) { Headers = { Authorization = bearer } });
            case PermissionCheck:
                var check = Encoding.UTF8.GetBytes($$"""{"agentId":"{{agentId}}","toolId":"{{CheckedTool}}"}""");
                return new Scenario(PermissionCheck, $"POST /api/engine/permissions/check ({CheckedTool}, a Developer Assistant profile) with a bearer token", () =>
                {
                    var content = new ByteArrayContent(check);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    return new HttpRequestMessage(HttpMethod.Post, "/api/engine/permissions/check") { Content = content, Headers = { Authorization = bearer } };
                });
            case Hook:
                var toolCall = Encoding.UTF8.GetBytes("{\"toolId\":\"" + CheckedTool + "\",\"arguments\":{\"title\":\"bench\"}}");
                var completion = Encoding.UTF8.GetBytes("""{"success":true,"durationMs":3,"inputTokens":10,"outputTokens":20}""");
                return new Scenario(Hook, "POST /api/engine/runtime/tool-calls then POST …/{id}/complete with an agent-bound API key (one round trip of the hook)", () =>
                {
                    var content = new ByteArrayContent(toolCall);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    return new HttpRequestMessage(HttpMethod.Post, "/api/engine/runtime/tool-calls") { Content = content, Headers = { { "X-API-Key", agentKey } } };
                })
                {
                    FollowUp = async (response, cancellationToken) =>
                    {
                        using var decision = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                        var data = decision.RootElement.TryGetProperty("data", out var d) ? d : decision.RootElement;
                        if (!data.GetProperty("allowed").GetBoolean() || data.GetProperty("toolCallId").ValueKind != System.Text.Json.JsonValueKind.String)
                        {
                            return null;
                        }

                        var content = new ByteArrayContent(completion);
                        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                        return new HttpRequestMessage(HttpMethod.Post, $"/api/engine/runtime/tool-calls/{data.GetProperty("toolCallId").GetString()}/complete")
                        {
                            Content = content, Headers = { { "X-API-Key", agentKey } },
                        };
                    },
                };
            case Login:
                var body = Encoding.UTF8.GetBytes($$"""{"email":"{{HostProcess.AdminEmail}}","password":"{{HostProcess.AdminPassword}}"}""");
                return new Scenario(Login, "POST /auth/login with the admin's email and password", () =>
                {
                    var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
                    return new HttpRequestMessage(HttpMethod.Post, "/auth/login") { Content = content };
                });
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "Unknown scenario.");
        }
    }
}
