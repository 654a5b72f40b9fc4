using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace AgentFlow.Host.Tests.Workflows.Infrastructure;

/// <summary>A request the stub received.</summary>
public sealed record StubRequest(string Method, string Path, string? IdempotencyKey, JsonNode? Body);

/// <summary>
/// A real HTTP server (Kestrel on 127.0.0.1, a free port) that records every request and answers with a fixed status
/// and JSON body: the far side of the outbox's <c>http</c> messages, reached over a real socket.
/// </summary>
public sealed class StubHttpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<StubRequest> _requests = new();

    private StubHttpServer(int status, JsonNode? responseBody)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = "Stub" });
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            JsonNode? body = null;
            using (var reader = new StreamReader(context.Request.Body))
            {
                var text = await reader.ReadToEndAsync(context.RequestAborted);
                body = text.Length == 0 ? null : JsonNode.Parse(text);
            }

            var key = context.Request.Headers["Idempotency-Key"].ToString();
            _requests.Enqueue(new StubRequest(context.Request.Method, context.Request.Path.Value ?? "", key.Length == 0 ? null : key, body));
            context.Response.StatusCode = status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(responseBody?.ToJsonString() ?? "null", context.RequestAborted);
        });
    }

    /// <summary>The server's base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    public IReadOnlyList<StubRequest> Requests => [.. _requests];

    public static async Task<StubHttpServer> StartAsync(int status, JsonNode? responseBody)
    {
        var server = new StubHttpServer(status, responseBody);
        await server._app.StartAsync();
        server.BaseAddress = new Uri(server._app.Urls.Single());
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
