using AgentFlow.Host.Errors;
using AgentFlow.Host.Options;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.Middleware;

/// <summary>
/// Refuses oversized bodies with 413 before anything reads them: declared lengths are checked here, and the
/// server's own limit (which also covers chunked bodies) is set to the same value. The limit is the endpoint's
/// <see cref="IRequestSizeLimitMetadata"/> when it has one, else <c>AgentFlow:Http:MaxRequestBodyBytes</c>.
/// </summary>
internal sealed class RequestBodyLimitMiddleware(RequestDelegate next, IOptions<HttpOptions> options)
{
    public async Task InvokeAsync(HttpContext context)
    {
        // An endpoint may accept more (plugin upload): its RequestSizeLimit metadata wins over the default.
        var limit = context.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? options.Value.MaxRequestBodyBytes;
        if (context.Request.ContentLength > limit)
        {
            await ApiProblem.WriteAsync(context, ApiProblem.Create(StatusCodes.Status413PayloadTooLarge, ErrorCodes.PayloadTooLarge,
                $"The request body is larger than the {limit} bytes accepted.", new { limit }));
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } feature)
        {
            feature.MaxRequestBodySize = limit;
        }

        await next(context);
    }
}
