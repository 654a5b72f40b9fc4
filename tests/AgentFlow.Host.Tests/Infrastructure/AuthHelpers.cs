using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentFlow.Host.Tests.Infrastructure;

/// <summary>Clients and calls the authentication tests share: bare clients, sign-in, API keys.</summary>
public static class AuthHelpers
{
    /// <summary>A client that keeps no cookies and sends no credential unless the test adds one.</summary>
    public static HttpClient CreateBareClient(this AgentFlowHostFixture host) =>
        host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });

    /// <summary>A client that authenticates only with <c>X-API-Key</c>.</summary>
    public static HttpClient CreateApiKeyClient(this AgentFlowHostFixture host, string plaintext)
    {
        var client = host.CreateBareClient();
        client.DefaultRequestHeaders.Add("X-API-Key", plaintext);
        return client;
    }

    /// <summary>A client that sends exactly these cookies on every request and nothing else.</summary>
    public static HttpClient CreateCookieClient(this AgentFlowHostFixture host, params (string Name, string Value)[] cookies)
    {
        var client = host.CreateBareClient();
        client.DefaultRequestHeaders.Add("Cookie", string.Join("; ", cookies.Select(c => $"{c.Name}={c.Value}")));
        return client;
    }

    /// <summary><c>POST /auth/login</c> that must succeed; returns the session body.</summary>
    public static async Task<JsonElement> LoginAsync(this AgentFlowHostFixture host, string email, string password = TestTenant.Password)
    {
        using var client = host.CreateBareClient();
        var response = await client.PostAsJsonAsync("/auth/login", new { email, password });
        return await response.AssertSuccessAsync();
    }

    /// <summary>Creates an API key as <paramref name="creator"/>; returns its id and plaintext.</summary>
    public static async Task<(string Id, string Plaintext)> CreateApiKeyAsync(this TestUser creator, string[] scopes, DateTimeOffset? expiresAt = null)
    {
        var response = await creator.Client.PostAsJsonAsync("/api/api-keys", new { name = "key-" + Guid.NewGuid().ToString("N")[..8], scopes, expiresAt });
        var data = (await response.AssertSuccessAsync(HttpStatusCode.Created)).GetProperty("data");
        return (data.GetProperty("key").GetProperty("id").GetString()!, data.GetProperty("plaintext").GetString()!);
    }

    /// <summary>Changes a user's role through <c>PATCH /api/users/{id}</c> as <paramref name="actor"/>.</summary>
    public static async Task ChangeRoleAsync(this TestUser actor, Guid userId, string role) =>
        await (await actor.Client.PatchAsJsonAsync($"/api/users/{userId}", new { role })).AssertSuccessAsync();

    /// <summary>The <c>Set-Cookie</c> line of one cookie, or <see langword="null"/>.</summary>
    public static string? SetCookie(this HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith(name + "=", StringComparison.Ordinal))
            : null;

    /// <summary>The value of a <c>Set-Cookie</c> line (up to the first <c>;</c>).</summary>
    public static string CookieValue(string setCookie)
    {
        var pair = setCookie.Split(';')[0];
        return pair[(pair.IndexOf('=', StringComparison.Ordinal) + 1)..];
    }

    /// <summary>The attributes of a <c>Set-Cookie</c> line, lower-cased (<c>path=/</c>, <c>httponly</c>, ...).</summary>
    public static string[] CookieAttributes(string setCookie) =>
        [.. setCookie.Split(';').Skip(1).Select(a => a.Trim().ToLowerInvariant())];

    /// <summary>Property names anywhere in the JSON, to prove a secret field is never serialised.</summary>
    public static IEnumerable<string> AllPropertyNames(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => AllPropertyNames(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(AllPropertyNames),
        _ => [],
    };
}
