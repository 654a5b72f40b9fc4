using System.Text.Json;
using AgentFlow.Engine.Audit;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Audit;

public sealed class AuditLogTests(SqliteEngineFixture engine) : IClassFixture<SqliteEngineFixture>
{
    private static readonly AuditFilter All = new(null, null, null, null, null);

    [Fact]
    public async Task AppendAsync_Record_StoresItAtFakeNowWithDetailsAsJson()
    {
        var orgId = await engine.CreateOrganizationAsync();

        await AppendAsync(orgId, "agent.create", "agents/1", new Dictionary<string, object?> { ["name"] = "bot", ["count"] = 2 });

        var entry = Assert.Single((await QueryAsync(orgId, All)).Items);
        Assert.Equal(engine.Time.GetUtcNow(), entry.Timestamp);
        Assert.Equal(("agent.create", "agents/1", "user-1", ActorTypes.User), (entry.Action, entry.Resource, entry.Actor, entry.ActorType));
        using var details = JsonDocument.Parse(entry.Details);
        Assert.Equal("bot", details.RootElement.GetProperty("name").GetString());
        Assert.Equal(2, details.RootElement.GetProperty("count").GetInt32());
    }

    [Fact]
    public async Task AppendAsync_OverlongResource_IsTruncated()
    {
        var orgId = await engine.CreateOrganizationAsync();

        await AppendAsync(orgId, "agent.update", new string('r', 600));

        Assert.Equal(512, Assert.Single((await QueryAsync(orgId, All)).Items).Resource.Length);
    }

    [Fact]
    public async Task QueryAsync_Filters_CombineAndListNewestFirst()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var start = engine.Time.GetUtcNow();
        await AppendAsync(orgId, "agent.create", "agents/a");
        engine.Time.Advance(TimeSpan.FromMinutes(1));
        await AppendAsync(orgId, "agent.update", "agents/a");
        engine.Time.Advance(TimeSpan.FromMinutes(1));
        await AppendAsync(orgId, "user.create", "users/b");
        engine.Time.Advance(TimeSpan.FromMinutes(1));
        await AppendAsync(orgId, "agent.update", "agents/c");

        var all = await QueryAsync(orgId, All);
        var updates = await QueryAsync(orgId, All with { Action = "agent.update" });
        var agents = await QueryAsync(orgId, All with { Resource = "agents/" });
        var window = await QueryAsync(orgId, All with { From = start.AddMinutes(1), To = start.AddMinutes(2) });

        Assert.Equal(["agents/c", "users/b", "agents/a", "agents/a"], all.Items.Select(e => e.Resource));
        Assert.Equal(["agents/c", "agents/a"], updates.Items.Select(e => e.Resource));
        Assert.Equal(3, agents.Total);
        Assert.Equal(["user.create", "agent.update"], window.Items.Select(e => e.Action));
    }

    [Fact]
    public async Task QueryAsync_FromAfterTo_ThrowsValidationOnFrom()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var now = engine.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<InputValidationException>(() => QueryAsync(orgId, All with { From = now, To = now.AddSeconds(-1) }));

        Assert.Equal(["from"], error.Errors.Keys);
    }

    [Fact]
    public async Task QueryAsync_OtherOrganisationsEntries_AreNotListed()
    {
        var other = await engine.CreateOrganizationAsync();
        await AppendAsync(other, "agent.create", "agents/x");
        var orgId = await engine.CreateOrganizationAsync();

        var page = await QueryAsync(orgId, All);

        Assert.Equal(0, page.Total);
        Assert.Empty(page.Items);
    }

    private async Task AppendAsync(Guid orgId, string action, string resource, IReadOnlyDictionary<string, object?>? details = null)
    {
        // The audit middleware writes with the caller's organisation in scope.
        await using var scope = engine.CreateScope(orgId);
        await scope.ServiceProvider.GetRequiredService<AuditLog>().AppendAsync(new AuditRecord(orgId, "user-1", ActorTypes.User, action, resource, "203.0.113.1", "req-1", details));
    }

    private async Task<Page<AuditEntry>> QueryAsync(Guid orgId, AuditFilter filter)
    {
        await using var scope = engine.CreateScope(orgId);
        return await scope.ServiceProvider.GetRequiredService<AuditLog>().QueryAsync(filter, new PageRequest(50, 0));
    }
}
