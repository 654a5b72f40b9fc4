using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using AgentFlow.Studio.Session;

namespace AgentFlow.Studio.Api;

/// <summary>
/// The Studio is a client of AgentFlow's own REST API, called with the signed-in user's token: every rule the API
/// enforces (roles, tenancy, validation, audit, rate limits) applies to the Studio as it does to any client, so a
/// hidden button is a convenience, never the protection. Failures become <see cref="StudioApiException"/>.
/// </summary>
public sealed class StudioApiClient(HttpClient http, StudioSession session)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public async Task<byte[]> GetBytesAsync(string path, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken = default) =>
        SendForAsync<T>(HttpMethod.Post, path, body, cancellationToken);

    public Task<T> PutAsync<T>(string path, object? body, CancellationToken cancellationToken = default) =>
        SendForAsync<T>(HttpMethod.Put, path, body, cancellationToken);

    public Task<T> PatchAsync<T>(string path, object? body, CancellationToken cancellationToken = default) =>
        SendForAsync<T>(HttpMethod.Patch, path, body, cancellationToken);

    public async Task PostAsync(string path, object? body, CancellationToken cancellationToken = default)
    {
        using var _ = await SendAsync(HttpMethod.Post, path, body, cancellationToken);
    }

    public async Task PutAsync(string path, object? body, CancellationToken cancellationToken = default)
    {
        using var _ = await SendAsync(HttpMethod.Put, path, body, cancellationToken);
    }

    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        using var _ = await SendAsync(HttpMethod.Delete, path, null, cancellationToken);
    }

    /// <summary>Posts raw content (a plugin package, an imported file).</summary>
    public async Task<T> PostContentAsync<T>(string path, HttpContent content, CancellationToken cancellationToken = default)
    {
        using var request = CreateRequest(HttpMethod.Post, path);
        request.Content = content;
        using var response = await http.SendAsync(request, cancellationToken);
        await EnsureSuccessAsync(response, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    /// <summary>Opens a streaming response (Server-Sent Events); the caller disposes it.</summary>
    public async Task<HttpResponseMessage> OpenStreamAsync(string path, string? lastEventId, CancellationToken cancellationToken)
    {
        var request = CreateRequest(HttpMethod.Get, path);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        try
        {
            await EnsureSuccessAsync(response, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
        finally
        {
            request.Dispose();
        }
    }

    private async Task<T> SendForAsync<T>(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, body, cancellationToken);
        return (await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken))!;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, CancellationToken cancellationToken)
    {
        using var request = CreateRequest(method, path);
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body, body.GetType(), options: Json);
        }

        var response = await http.SendAsync(request, cancellationToken);
        try
        {
            await EnsureSuccessAsync(response, cancellationToken);
            return response;
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    private HttpRequestMessage CreateRequest(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, path.TrimStart('/'));
        var parameters = session.Parameters;
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", parameters.AccessToken);
        if (parameters.ClientIp is { Length: > 0 } ip)
        {
            // The API trusts loopback proxies: rate limits and audit entries then name the browser's address, not the Studio's.
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", ip);
        }

        return request;
    }

    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var code = "HTTP_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = $"The server answered {(int)response.StatusCode} {response.ReasonPhrase}.";
        JsonElement? details = null;
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (text.Length > 0)
            {
                using var document = JsonDocument.Parse(text);
                var root = document.RootElement;
                if (root.ValueKind == JsonValueKind.Object)
                {
                    if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String)
                    {
                        message = error.GetString()!;
                    }

                    if (root.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String)
                    {
                        code = c.GetString()!;
                    }

                    if (root.TryGetProperty("details", out var d) && d.ValueKind != JsonValueKind.Null)
                    {
                        details = d.Clone();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Not the API's error shape (a proxy's page): the status line is all there is.
        }

        throw new StudioApiException(response.StatusCode, code, message, details);
    }
}
