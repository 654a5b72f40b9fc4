using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace AgentFlow.Host;

/// <summary>Declares the two ways to authenticate (bearer JWT and X-API-Key) in the OpenAPI document.</summary>
internal sealed class OpenApiSecurityTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = "AgentFlow API";
        document.Info.Description = "Run AI agents as managed employees. Authenticate with `Authorization: Bearer <token>` from POST /auth/login, or `X-API-Key: ek_...`.";
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = "Access token from POST /auth/login (24 h).",
        };
        document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Header,
            Name = "X-API-Key",
            Description = "An ek_ key from POST /api/api-keys; its scopes cap the creator's role.",
        };
        return Task.CompletedTask;
    }
}
