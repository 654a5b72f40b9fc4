using System.Net.Http.Json;
using System.Text.Json;
using AgentFlow.Engine.Audit;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tenancy;
using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Host.Tests.Api;

/// <summary>
/// Direct database access for tests that must see (or plant) rows the API does not expose: a service scope
/// acting for one organisation, so the tenant query filters apply exactly as they do for a request.
/// </summary>
internal static class TenantDatabase
{
    public static async Task<T> InTenantAsync<T>(this AgentFlowHostFixture host, Guid orgId, Func<AgentFlowDbContext, Task<T>> work)
    {
        await using var scope = host.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<ScopedTenantContext>().Use(orgId);
        return await work(scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>());
    }

    public static Task InTenantAsync(this AgentFlowHostFixture host, Guid orgId, Func<AgentFlowDbContext, Task> work) =>
        host.InTenantAsync(orgId, async db =>
        {
            await work(db);
            return true;
        });

    /// <summary>The Host's clock, so planted timestamps agree with what the services compare them to.</summary>
    public static DateTimeOffset Now(this AgentFlowHostFixture host) => host.Services.GetRequiredService<TimeProvider>().GetUtcNow();

    /// <summary>Plants an audit entry with the given age and fields in the organisation's log.</summary>
    public static Task<Guid> SeedAuditEntryAsync(this AgentFlowHostFixture host, Guid orgId, string action, DateTimeOffset timestamp,
        string actor = "seed-actor", string resource = "seed:1") =>
        host.InTenantAsync(orgId, async db =>
        {
            var entry = new AuditEntry
            {
                Id = Guid.CreateVersion7(timestamp),
                OrgId = orgId,
                Timestamp = timestamp,
                Actor = actor,
                ActorType = ActorTypes.System,
                Action = action,
                Resource = resource,
            };
            db.AuditEntries.Add(entry);
            await db.SaveChangesAsync();
            return entry.Id;
        });

    /// <summary>Creates an agent through the API and returns its id.</summary>
    public static async Task<string> CreateAgentAsync(this HttpClient client, string name)
    {
        var response = await client.PostAsJsonAsync("/api/agents", new { name });
        var body = await response.AssertSuccessAsync(System.Net.HttpStatusCode.Created);
        return body.GetProperty("data").GetProperty("id").GetString()!;
    }

    /// <summary>All audit entries the caller can see, newest first (one page of up to 500).</summary>
    public static async Task<JsonElement[]> AuditEntriesAsync(this HttpClient client, string query = "")
    {
        var body = await (await client.GetAsync($"/api/audit?limit=500{(query.Length > 0 ? "&" + query : string.Empty)}")).AssertSuccessAsync();
        return [.. body.GetProperty("data").EnumerateArray()];
    }
}
