using System.Collections.Frozen;
using System.Net.Http.Json;
using System.Text.Json;

namespace AgentFlow.Client;

/// <summary>
/// The agent side of the runtime hook: asks the server before every tool call (<see cref="BeforeToolCallAsync"/>)
/// and reports how it ended (<see cref="AfterToolCallAsync"/>). When the server cannot be reached (network error,
/// 5xx, timeout) it fails closed for high and critical tools and open for low and medium ones, as configured; an
/// answer of the server that refuses the request (4xx: a bad key, a bad body) always denies.
/// </summary>
/// <remarks>The <see cref="HttpClient"/> is the caller's (typically from IHttpClientFactory) and is not disposed here.</remarks>
public sealed class EnterpriseHook(HttpClient http, EnterpriseHookOptions options)
{
    private const string ToolCallsPath = "api/engine/runtime/tool-calls";
    private const string ToolsPath = "api/engine/tools?limit=500";
    private const string ApprovalsPath = "api/engine/approvals";
    private const int MaxPollSeconds = 30;
    private static readonly TimeSpan InitialBackoff = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan MinPollInterval = TimeSpan.FromSeconds(1);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private volatile FrozenDictionary<string, ToolRisk>? _risks;

    /// <summary>Decides a tool call. Never throws for an unreachable server; a cancelled token still cancels.</summary>
    /// <param name="toolId">The catalog id of the tool.</param>
    /// <param name="arguments">The call's arguments (any JSON-serialisable value; the server masks secrets).</param>
    /// <param name="riskHint">The tool's risk, when the caller knows it; otherwise the cached catalog's.</param>
    /// <param name="sessionId">The agent's session, for the activity timeline.</param>
    /// <param name="approvalId">
    /// The approval granted for this call (<see cref="HookDecision.ApprovalId"/> of an earlier decision that required one,
    /// approved as <see cref="WaitForApprovalAsync"/> reported); null for a first attempt.
    /// </param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<HookDecision> BeforeToolCallAsync(string toolId, object? arguments = null, ToolRisk? riskHint = null, string? sessionId = null,
        Guid? approvalId = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(toolId);
        if (riskHint is null && options.UseToolCatalog && _risks is null)
        {
            await TryLoadCatalogAsync(cancellationToken);
        }

        try
        {
            // approvalId only when there is one: the server refuses unknown members, so a first attempt keeps the
            // body every server version accepts.
            object request = approvalId is { } approval ? new { toolId, arguments, sessionId, approvalId = approval } : new { toolId, arguments, sessionId };
            using var response = await SendAsync(HttpMethod.Post, ToolCallsPath, request, cancellationToken);
            if ((int)response.StatusCode >= 500)
            {
                return Fallback(toolId, riskHint, $"server error {(int)response.StatusCode}");
            }

            if (!response.IsSuccessStatusCode)
            {
                return new HookDecision(false, false, await RefusalAsync(response, cancellationToken), null);
            }

            var body = await response.Content.ReadFromJsonAsync<Envelope<DecisionBody>>(Json, cancellationToken);
            return body?.Data is { } d
                ? new HookDecision(d.Allowed, d.RequiresApproval, d.Reason ?? string.Empty, d.ToolCallId) { ApprovalId = d.ApprovalId }
                : new HookDecision(false, false, "The server's answer had no decision", null);
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            return Fallback(toolId, riskHint, e is OperationCanceledException ? "timeout" : e.Message);
        }
    }

    /// <summary>Reports how an allowed call ended. Answers false when the report could not be delivered (never throws for that).</summary>
    /// <param name="toolCallId">The <see cref="HookDecision.ToolCallId"/> of the allowed call.</param>
    /// <param name="result">The tool's result (any JSON-serialisable value).</param>
    /// <param name="success">Whether the tool succeeded.</param>
    /// <param name="error">The error, when it failed.</param>
    /// <param name="duration">How long the tool ran.</param>
    /// <param name="inputTokens">Input tokens spent by the call.</param>
    /// <param name="outputTokens">Output tokens spent by the call.</param>
    /// <param name="costUsd">The call's cost in US dollars.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    public async Task<bool> AfterToolCallAsync(Guid toolCallId, object? result = null, bool success = true, string? error = null, TimeSpan? duration = null,
        int? inputTokens = null, int? outputTokens = null, decimal? costUsd = null, CancellationToken cancellationToken = default)
    {
        var body = new { result, success, error, durationMs = duration is { } d ? (long?)d.TotalMilliseconds : null, inputTokens, outputTokens, costUsd };
        try
        {
            using var response = await SendAsync(HttpMethod.Post, $"{ToolCallsPath}/{toolCallId}/complete", body, cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            return false;
        }
    }

    /// <summary>
    /// Waits for a human decision on an approval (<see cref="HookDecision.ApprovalId"/>), long-polling
    /// <c>GET /api/engine/approvals/{id}/wait</c> until it is decided or <paramref name="timeout"/> has passed. Network
    /// errors and 5xx answers are retried with backoff until then; the answer is <see cref="ApprovalStatus.Pending"/>
    /// when the deadline passes first.
    /// </summary>
    /// <param name="approvalId">The approval.</param>
    /// <param name="timeout">The overall deadline, from now.</param>
    /// <param name="cancellationToken">Cancels the wait (propagates as <see cref="OperationCanceledException"/>).</param>
    /// <returns>The approval's status.</returns>
    /// <exception cref="HttpRequestException">The server refused the request (4xx: a bad key, an unknown approval); <see cref="HttpRequestException.StatusCode"/> says which.</exception>
    public async Task<ApprovalResult> WaitForApprovalAsync(Guid approvalId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(timeout, TimeSpan.Zero);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        var backoff = InitialBackoff;
        string? lastError = null;
        while (true)
        {
            var remaining = TimeSpan.FromMilliseconds(Math.Max(0, deadline - Environment.TickCount64));

            // The server holds the request up to `timeout` seconds; at least 1 so a last poll still asks once.
            var pollSeconds = (int)Math.Clamp(Math.Ceiling(remaining.TotalSeconds), 1, MaxPollSeconds);
            HttpResponseMessage? response = null;
            var pollStarted = Environment.TickCount64;
            var quickPending = false;
            try
            {
                response = await SendAsync(HttpMethod.Get, $"{ApprovalsPath}/{approvalId}/wait?timeout={pollSeconds}", null,
                    TimeSpan.FromSeconds(pollSeconds) + options.Timeout, cancellationToken);
                if ((int)response.StatusCode >= 500)
                {
                    lastError = $"server error {(int)response.StatusCode}";
                }
                else if (!response.IsSuccessStatusCode)
                {
                    // Retrying cannot help a refused request (bad key, unknown approval, not this agent's): the caller must know.
                    throw new HttpRequestException(await RefusalAsync(response, cancellationToken), null, response.StatusCode);
                }
                else
                {
                    var body = await response.Content.ReadFromJsonAsync<Envelope<ApprovalBody>>(Json, cancellationToken);
                    var status = ParseStatus(body?.Data?.Status);
                    if (status is null)
                    {
                        lastError = "the server's answer had no approval status";
                    }
                    else if (status != ApprovalStatus.Pending)
                    {
                        return new ApprovalResult(approvalId, status.Value, body!.Data!.Reason, body.Data.DecidedAt);
                    }
                    else
                    {
                        // A real answer: the server is back, so a later network error starts the backoff afresh.
                        lastError = null;
                        backoff = InitialBackoff;
                        quickPending = Environment.TickCount64 - pollStarted < MinPollInterval.TotalMilliseconds;
                    }
                }
            }
            catch (Exception e) when (e is not HttpRequestException { StatusCode: not null } && IsUnreachable(e, cancellationToken))
            {
                lastError = e is OperationCanceledException ? "timeout" : e.Message;
            }
            finally
            {
                response?.Dispose();
            }

            var left = deadline - Environment.TickCount64;
            if (left <= 0)
            {
                return new ApprovalResult(approvalId, ApprovalStatus.Pending,
                    lastError is null ? "No decision before the deadline" : $"No decision before the deadline (last error: {lastError})", null);
            }

            if (quickPending)
            {
                // A server that answers "pending" at once (no long poll) must not be asked in a tight loop.
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(left, MinPollInterval.TotalMilliseconds)), cancellationToken);
            }
            else if (lastError is not null)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(left, backoff.TotalMilliseconds)), cancellationToken);
                backoff = TimeSpan.FromMilliseconds(Math.Min(backoff.TotalMilliseconds * 2, MaxBackoff.TotalMilliseconds));
            }
        }
    }

    private static ApprovalStatus? ParseStatus(string? status) =>
        Enum.TryParse<ApprovalStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) ? parsed : null;

    private HookDecision Fallback(string toolId, ToolRisk? riskHint, string why)
    {
        var risk = riskHint ?? (_risks is { } risks && risks.TryGetValue(toolId, out var known) ? known : null);
        var mode = risk switch
        {
            ToolRisk.Low or ToolRisk.Medium => options.LowRiskFailMode,
            ToolRisk.High or ToolRisk.Critical => options.HighRiskFailMode,
            _ => options.UnknownRiskFailMode,
        };
        var riskName = risk?.ToString().ToLowerInvariant() ?? "unknown";
        var reason = $"AgentFlow server unreachable ({why}); fail {(mode == FailMode.Open ? "open" : "closed")} for {riskName} risk";
        return new HookDecision(mode == FailMode.Open, false, reason, null, ServerUnreachable: true);
    }

    private async Task TryLoadCatalogAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Get, ToolsPath, null, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return;
            }

            var body = await response.Content.ReadFromJsonAsync<Envelope<List<ToolBody>>>(Json, cancellationToken);
            var risks = new Dictionary<string, ToolRisk>(StringComparer.Ordinal);
            foreach (var tool in body?.Data ?? [])
            {
                if (tool.Id is not null && Enum.TryParse<ToolRisk>(tool.Risk, ignoreCase: true, out var risk))
                {
                    risks[tool.Id] = risk;
                }
            }

            _risks = risks.ToFrozenDictionary(StringComparer.Ordinal);
        }
        catch (Exception e) when (IsUnreachable(e, cancellationToken))
        {
            // Not loaded: tried again on the next call that needs it; until then an unknown risk uses its own fail mode.
        }
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken) =>
        SendAsync(method, path, body, options.Timeout, cancellationToken);

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, options.BaseAddress is { } baseAddress ? new Uri(baseAddress, path) : new Uri(path, UriKind.Relative));
        request.Headers.Add("X-API-Key", options.ApiKey);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: Json);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(requestTimeout);
        return await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
    }

    private static async Task<string> RefusalAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var problem = await response.Content.ReadFromJsonAsync<ProblemBody>(Json, cancellationToken);
            return $"Refused by the server ({(int)response.StatusCode} {problem?.Code}): {problem?.Error}";
        }
        catch (JsonException)
        {
            return $"Refused by the server ({(int)response.StatusCode})";
        }
    }

    /// <summary>Network errors and our own timeout; the caller's cancellation is not "unreachable" and propagates.</summary>
    private static bool IsUnreachable(Exception e, CancellationToken cancellationToken) =>
        e is HttpRequestException or IOException or JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private sealed record Envelope<T>(T? Data);

    private sealed record DecisionBody(bool Allowed, bool RequiresApproval, string? Reason, Guid? ToolCallId, Guid? ApprovalId);

    private sealed record ApprovalBody(Guid? Id, string? Status, string? Reason, DateTimeOffset? DecidedAt);

    private sealed record ToolBody(string? Id, string? Risk);

    private sealed record ProblemBody(string? Error, string? Code);
}
