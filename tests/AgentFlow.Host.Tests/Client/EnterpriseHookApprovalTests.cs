using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using AgentFlow.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Client;

/// <summary>
/// The client's approval support (approvalId on the decision route, WaitForApprovalAsync) against a minimal fake of the
/// two server routes: the real ones (POST /api/engine/runtime/tool-calls with approvalId, GET
/// /api/engine/approvals/{id}/wait) are built in parallel, and the fake answers exactly the documented shapes:
/// decision <c>{data:{allowed, requiresApproval, reason, toolCallId, approvalId}}</c>, wait
/// <c>{data:{id, status, reason?, decidedAt?}}</c>. The end-to-end test against the real server belongs with those routes.
/// </summary>
public sealed class EnterpriseHookApprovalTests
{
    [Fact]
    public async Task Before_RequiresApproval_ReadsTheApprovalIdThenSendsItBack()
    {
        // Arrange: the fake opens an approval on the first ask and allows the call when the approval id comes back.
        var approvalId = Guid.NewGuid();
        var bodies = new ConcurrentQueue<JsonElement>();
        await using var server = await StartServerAsync(app => app.MapPost("/api/engine/runtime/tool-calls", (JsonElement body) =>
        {
            bodies.Enqueue(body.Clone());
            var given = body.TryGetProperty("approvalId", out var a) ? a.GetGuid() : (Guid?)null;
            return given == approvalId
                ? Results.Json(new { data = new { allowed = true, requiresApproval = false, reason = "approved", toolCallId = Guid.NewGuid() } })
                : Results.Json(new { data = new { allowed = false, requiresApproval = true, reason = "needs a human", toolCallId = (Guid?)null, approvalId } });
        }));
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = server.Address });
        var ct = TestContext.Current.CancellationToken;

        // Act
        var first = await hook.BeforeToolCallAsync("agenticmail_send", new { to = "a@example.com" }, cancellationToken: ct);
        var second = await hook.BeforeToolCallAsync("agenticmail_send", new { to = "a@example.com" }, approvalId: first.ApprovalId, cancellationToken: ct);

        // Assert
        Assert.False(first.Allowed);
        Assert.True(first.RequiresApproval);
        Assert.Equal(approvalId, first.ApprovalId);
        Assert.True(second.Allowed);
        Assert.Null(second.ApprovalId);
        var sent = bodies.ToArray();
        // A first attempt sends no approvalId at all (the server refuses unknown members).
        Assert.False(sent[0].TryGetProperty("approvalId", out _));
        Assert.Equal(approvalId, sent[1].GetProperty("approvalId").GetGuid());
    }

    [Fact]
    public async Task WaitForApproval_PendingThenApproved_ReturnsApprovedWithTheDecision()
    {
        // Arrange: pending twice (the server's long poll ran out), then approved.
        var approvalId = Guid.NewGuid();
        var decidedAt = new DateTimeOffset(2026, 11, 28, 10, 0, 0, TimeSpan.Zero);
        var polls = new ConcurrentQueue<string?>();
        await using var server = await StartServerAsync(app => app.MapGet("/api/engine/approvals/{id:guid}/wait", (Guid id, string? timeout) =>
        {
            polls.Enqueue(timeout);
            return polls.Count < 3
                ? Results.Json(new { data = new { id, status = "pending" } })
                : Results.Json(new { data = new { id, status = "approved", reason = "ok by ops", decidedAt } });
        }));
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = server.Address });

        // Act
        var result = await hook.WaitForApprovalAsync(approvalId, TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);

        // Assert
        Assert.Equal(ApprovalStatus.Approved, result.Status);
        Assert.Equal(approvalId, result.Id);
        Assert.Equal("ok by ops", result.Reason);
        Assert.Equal(decidedAt, result.DecidedAt);
        Assert.Equal(3, polls.Count);
        // The long poll is capped at 30 s per request, whatever the overall deadline.
        Assert.All(polls, t => Assert.Equal("30", t));
    }

    [Theory]
    [InlineData("denied", ApprovalStatus.Denied)]
    [InlineData("expired", ApprovalStatus.Expired)]
    public async Task WaitForApproval_Decided_ReturnsTheStatusAndReason(string status, ApprovalStatus expected)
    {
        await using var server = await StartServerAsync(app => app.MapGet("/api/engine/approvals/{id:guid}/wait",
            (Guid id) => Results.Json(new { data = new { id, status, reason = "not today" } })));
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = server.Address });

        var result = await hook.WaitForApprovalAsync(Guid.NewGuid(), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(expected, result.Status);
        Assert.Equal("not today", result.Reason);
    }

    [Fact]
    public async Task WaitForApproval_StillPendingAtTheDeadline_ReturnsPending()
    {
        await using var server = await StartServerAsync(app => app.MapGet("/api/engine/approvals/{id:guid}/wait",
            (Guid id) => Results.Json(new { data = new { id, status = "pending" } })));
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = server.Address });

        var result = await hook.WaitForApprovalAsync(Guid.NewGuid(), TimeSpan.FromMilliseconds(300), TestContext.Current.CancellationToken);

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Null(result.DecidedAt);
    }

    [Fact]
    public async Task WaitForApproval_ServerErrorsThenDecision_RetriesUntilDecided()
    {
        var calls = 0;
        await using var server = await StartServerAsync(app => app.MapGet("/api/engine/approvals/{id:guid}/wait", (Guid id) =>
            Interlocked.Increment(ref calls) <= 2
                ? Results.StatusCode(StatusCodes.Status503ServiceUnavailable)
                : Results.Json(new { data = new { id, status = "approved" } })));
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = server.Address });

        var result = await hook.WaitForApprovalAsync(Guid.NewGuid(), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(ApprovalStatus.Approved, result.Status);
        Assert.Equal(3, calls);
    }

    [Fact]
    public async Task WaitForApproval_UnknownApproval_ThrowsWithTheStatusCode()
    {
        await using var server = await StartServerAsync(app => app.MapGet("/api/engine/approvals/{id:guid}/wait",
            () => Results.Json(new { error = "Approval not found", code = "NOT_FOUND" }, statusCode: StatusCodes.Status404NotFound)));
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = server.Address });

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => hook.WaitForApprovalAsync(Guid.NewGuid(), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken));

        Assert.Equal(HttpStatusCode.NotFound, error.StatusCode);
        Assert.Contains("NOT_FOUND", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForApproval_StoppedServer_RetriesThenReturnsPendingWithTheLastError()
    {
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_test", BaseAddress = StoppedServerAddress() });

        var result = await hook.WaitForApprovalAsync(Guid.NewGuid(), TimeSpan.FromMilliseconds(800), TestContext.Current.CancellationToken);

        Assert.Equal(ApprovalStatus.Pending, result.Status);
        Assert.Contains("last error", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WaitForApproval_SendsTheAgentKey()
    {
        var keys = new ConcurrentQueue<string>();
        await using var server = await StartServerAsync(app => app.MapGet("/api/engine/approvals/{id:guid}/wait", (Guid id, HttpRequest request) =>
        {
            keys.Enqueue(request.Headers["X-API-Key"].ToString());
            return Results.Json(new { data = new { id, status = "approved" } });
        }));
        using var http = new HttpClient();
        var hook = new EnterpriseHook(http, new EnterpriseHookOptions { ApiKey = "ek_agent", BaseAddress = server.Address });

        await hook.WaitForApprovalAsync(Guid.NewGuid(), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);

        Assert.Equal(["ek_agent"], keys.ToArray());
    }

    /// <summary>An address where a server listened a moment ago: connections to it are refused.</summary>
    internal static Uri StoppedServerAddress()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return new Uri($"http://127.0.0.1:{port}/");
    }

    /// <summary>A Kestrel server on a free loopback port with the routes <paramref name="map"/> adds.</summary>
    internal static async Task<FakeServer> StartServerAsync(Action<WebApplication> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new FakeServer(app, new Uri(address.TrimEnd('/') + "/"));
    }

    internal sealed class FakeServer(WebApplication app, Uri address) : IAsyncDisposable
    {
        public Uri Address { get; } = address;

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
