using AgentFlow.Engine.Identity;
using AgentFlow.Host.Auth;
using AgentFlow.Host.Middleware;
using Microsoft.AspNetCore.Http.HttpResults;

namespace AgentFlow.Host.Endpoints.Admin;

/// <summary>A key as listed: never its hash or plaintext, only the prefix that identifies it.</summary>
public sealed record ApiKeyResponse(Guid Id, string Name, string KeyPrefix, IReadOnlyList<string> Scopes, Guid CreatedBy, DateTimeOffset CreatedAt, DateTimeOffset? LastUsedAt, DateTimeOffset? ExpiresAt, bool Revoked, DateTimeOffset? RevokedAt, Guid? AgentId)
{
    internal static ApiKeyResponse From(ApiKey k) => new(k.Id, k.Name, k.KeyPrefix, k.Scopes, k.CreatedBy, k.CreatedAt, k.LastUsedAt, k.ExpiresAt, k.RevokedAt is not null, k.RevokedAt, k.AgentId);
}

public sealed record CreatedApiKeyResponse(ApiKeyResponse Key, string Plaintext, string Warning);

/// <summary><c>agentId</c> binds the key to an agent of the organisation: the credential of that agent's runtime hook.</summary>
public sealed record CreateApiKeyRequest(string? Name, IReadOnlyList<string>? Scopes, DateTimeOffset? ExpiresAt, Guid? AgentId = null);

internal static class ApiKeysApi
{
    public static IEndpointRouteBuilder MapApiKeysApi(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/api-keys").WithTags("API keys");
        group.MapGet("/", ListKeys).WithName("ListApiKeys").WithSummary("List API keys (hashes never shown)").RequireRole(UserRole.Admin);
        group.MapPost("/", CreateKey).WithName("CreateApiKey").WithSummary("Create an API key; the plaintext is returned once").RequireRole(UserRole.Admin).Audited("api_key.create");
        group.MapDelete("/{id:guid}", RevokeKey).WithName("RevokeApiKey").WithSummary("Revoke an API key").RequireRole(UserRole.Admin).Audited("api_key.revoke");
        return routes;
    }

    private static async Task<Ok<ListResponse<ApiKeyResponse>>> ListKeys(ApiKeyService keys, string? limit, string? offset, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.List(await keys.ListAsync(Paging.Parse(limit, offset, 50, 200), cancellationToken), ApiKeyResponse.From));

    private static async Task<Created<DataResponse<CreatedApiKeyResponse>>> CreateKey(CreateApiKeyRequest request, ApiKeyService keys, AuditContext audit, HttpContext http, CancellationToken cancellationToken)
    {
        var created = await keys.CreateAsync(new CreateApiKeyCommand(request.Name, request.Scopes, request.ExpiresAt, request.AgentId), http.User.Actor(), cancellationToken);
        audit.Resource = $"api_key:{created.Key.Id}";
        audit.Details["scopes"] = created.Key.Scopes;
        if (created.Key.AgentId is { } agentId)
        {
            audit.Details["agentId"] = agentId;
        }

        var response = new CreatedApiKeyResponse(ApiKeyResponse.From(created.Key), created.Plaintext,
            "Store this key now: it is shown only once and cannot be recovered.");
        return TypedResults.Created($"/api/api-keys/{created.Key.Id}", Envelope.Of(response));
    }

    private static async Task<Ok<DataResponse<ApiKeyResponse>>> RevokeKey(Guid id, ApiKeyService keys, CancellationToken cancellationToken) =>
        TypedResults.Ok(Envelope.Of(ApiKeyResponse.From(await keys.RevokeAsync(id, cancellationToken))));
}
