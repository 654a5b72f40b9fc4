using System.Text.Json;
using AgentFlow.Engine.Agents;
using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Paging;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Agents;

public sealed class AgentServiceTests(SqliteEngineFixture engine) : IClassFixture<SqliteEngineFixture>
{
    [Fact]
    public async Task CreateAsync_NameOnly_AppliesDefaults()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var creator = Guid.NewGuid();

        var agent = await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("Support-Bot_1", null, null, null), creator));

        Assert.Equal(orgId, agent.OrgId);
        Assert.Equal("Support-Bot_1", agent.Name);
        Assert.Equal("support-bot_1@localhost", agent.Email);
        Assert.Equal("assistant", agent.Role);
        Assert.Equal(AgentStatus.Active, agent.Status);
        Assert.Equal("{}", agent.Metadata);
        Assert.Equal(creator, agent.CreatedBy);
        Assert.Equal(engine.Time.GetUtcNow(), agent.CreatedAt);
        Assert.Equal(agent.CreatedAt, agent.UpdatedAt);
    }

    [Fact]
    public async Task CreateAsync_AllFields_StoresThemAndMetadataAsSent()
    {
        var orgId = await engine.CreateOrganizationAsync();

        var agent = await InOrgAsync(orgId, s => s.CreateAsync(
            new CreateAgentCommand("  sales  ", "Sales@Example.COM", "closer", Json("""{"team":"emea","tier":2,"tags":["a","b"]}""")), null));

        Assert.Equal("sales", agent.Name);
        Assert.Equal("sales@example.com", agent.Email);
        Assert.Equal("closer", agent.Role);
        using var metadata = JsonDocument.Parse(agent.Metadata);
        Assert.Equal("emea", metadata.RootElement.GetProperty("team").GetString());
        Assert.Equal(2, metadata.RootElement.GetProperty("tier").GetInt32());
        var stored = await InOrgAsync(orgId, s => s.GetAsync(agent.Id));
        Assert.Equal(agent.Metadata, stored.Metadata);
    }

    [Theory]
    [InlineData("bad name!", "may contain only letters, digits, '-' and '_'")]
    [InlineData("<script>alert(1)</script>", "may contain only letters, digits, '-' and '_'")]
    [InlineData("x'; DROP TABLE agents; --", "may contain only letters, digits, '-' and '_'")]
    [InlineData("dot.name", "may contain only letters, digits, '-' and '_'")]
    [InlineData("ünïcode", "may contain only letters, digits, '-' and '_'")]
    [InlineData("", "must not be empty")]
    [InlineData("   ", "must not be empty")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "at most 64 characters")]
    public async Task CreateAsync_InvalidName_ThrowsValidationOnName(string name, string message)
    {
        var orgId = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() => InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand(name, null, null, null), null)));

        Assert.Equal(["name"], error.Errors.Keys);
        Assert.Contains(message, Assert.Single(error.Errors["name"]), StringComparison.Ordinal);
        Assert.Equal("VALIDATION_ERROR", error.Code);
    }

    [Fact]
    public async Task CreateAsync_NameOf64Characters_IsAccepted()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var name = new string('a', 64);

        var agent = await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand(name, "long@example.com", null, null), null));

        Assert.Equal(name, agent.Name);
    }

    [Fact]
    public async Task CreateAsync_MissingName_ThrowsValidationRequired()
    {
        var orgId = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() => InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand(null, null, null, null), null)));

        Assert.Equal("The name field is required.", Assert.Single(error.Errors["name"]));
    }

    [Theory]
    [InlineData("not-an-email")]
    [InlineData("two@@example.com")]
    [InlineData("a b@example.com")]
    [InlineData("@example.com")]
    [InlineData("Display Name <a@example.com>")]
    public async Task CreateAsync_InvalidEmail_ThrowsValidationOnEmail(string email)
    {
        var orgId = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() => InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("ok", email, null, null), null)));

        Assert.Equal(["email"], error.Errors.Keys);
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("\"text\"")]
    [InlineData("42")]
    [InlineData("true")]
    public async Task CreateAsync_MetadataNotAnObject_ThrowsValidationOnMetadata(string json)
    {
        var orgId = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() => InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("ok", null, null, Json(json)), null)));

        Assert.Equal("The metadata field must be a JSON object.", Assert.Single(error.Errors["metadata"]));
    }

    [Fact]
    public async Task CreateAsync_MetadataJsonNull_UsesEmptyObject()
    {
        var orgId = await engine.CreateOrganizationAsync();

        var agent = await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("nullmeta", null, null, Json("null")), null));

        Assert.Equal("{}", agent.Metadata);
    }

    [Fact]
    public async Task CreateAsync_SeveralInvalidFields_ReportsEveryField()
    {
        var orgId = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() => InOrgAsync(orgId, s => s.CreateAsync(
            new CreateAgentCommand("bad name", "nope", new string('r', 33), Json("[]")), null)));

        Assert.Equal(["email", "metadata", "name", "role"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_DuplicateName_ThrowsConflictOnName()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("dup", "first@example.com", null, null), null));

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() =>
            InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("dup", "second@example.com", null, null), null)));

        Assert.Equal("name", error.Field);
        Assert.Equal("CONFLICT", error.Code);
    }

    [Fact]
    public async Task CreateAsync_DuplicateEmail_ThrowsConflictOnEmail()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("first", "shared@example.com", null, null), null));

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() =>
            InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("second", "SHARED@example.com", null, null), null)));

        Assert.Equal("email", error.Field);
    }

    [Fact]
    public async Task CreateAsync_SameNameAndEmailInAnotherOrganisation_IsAllowed()
    {
        var first = await engine.CreateOrganizationAsync();
        var second = await engine.CreateOrganizationAsync();
        await InOrgAsync(first, s => s.CreateAsync(new CreateAgentCommand("shared", null, null, null), null));

        var agent = await InOrgAsync(second, s => s.CreateAsync(new CreateAgentCommand("shared", null, null, null), null));

        Assert.Equal(second, agent.OrgId);
        Assert.Equal("shared@localhost", agent.Email);
    }

    [Fact]
    public async Task UpdateAsync_NameOfAnotherAgent_ThrowsConflictOnName()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("alpha", null, null, null), null));
        var beta = await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("beta", null, null, null), null));

        var error = await Assert.ThrowsAsync<ResourceConflictException>(() =>
            InOrgAsync(orgId, s => s.UpdateAsync(beta.Id, new UpdateAgentCommand("alpha", null, null, null, null))));

        Assert.Equal("name", error.Field);
    }

    [Fact]
    public async Task UpdateAsync_OwnNameAndOtherFields_Succeeds()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var agent = await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("same", null, null, null), null));
        engine.Time.Advance(TimeSpan.FromMinutes(3));

        var updated = await InOrgAsync(orgId, s => s.UpdateAsync(agent.Id, new UpdateAgentCommand("same", null, "triage", "suspended", Json("""{"k":1}"""))));

        Assert.Equal("same", updated.Name);
        Assert.Equal("triage", updated.Role);
        Assert.Equal(AgentStatus.Suspended, updated.Status);
        Assert.Equal(agent.CreatedAt, updated.CreatedAt);
        Assert.Equal(engine.Time.GetUtcNow(), updated.UpdatedAt);
    }

    [Fact]
    public async Task UpdateAsync_UnknownStatus_ThrowsValidationOnStatus()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var agent = await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand("statusy", null, null, null), null));

        var error = await Assert.ThrowsAsync<InputValidationException>(() =>
            InOrgAsync(orgId, s => s.UpdateAsync(agent.Id, new UpdateAgentCommand(null, null, null, "deleted", null))));

        Assert.Equal(["status"], error.Errors.Keys);
    }

    [Fact]
    public async Task ListAsync_Paging_ReturnsWindowAndTotalNewestFirst()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var created = await CreateSeveralAsync(orgId, 5);

        var first = await InOrgAsync(orgId, s => s.ListAsync(new AgentFilter(null), new PageRequest(2, 0)));
        var last = await InOrgAsync(orgId, s => s.ListAsync(new AgentFilter(null), new PageRequest(2, 4)));
        var beyond = await InOrgAsync(orgId, s => s.ListAsync(new AgentFilter(null), new PageRequest(2, 10)));

        Assert.Equal(5, first.Total);
        Assert.Equal((2, 0), (first.Limit, first.Offset));
        Assert.Equal([created[4].Id, created[3].Id], first.Items.Select(a => a.Id));
        Assert.Equal([created[0].Id], last.Items.Select(a => a.Id));
        Assert.Empty(beyond.Items);
        Assert.Equal(5, beyond.Total);
    }

    [Fact]
    public async Task ListAsync_AllPages_ReturnEveryAgentOnceNewestFirst()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var created = await CreateSeveralAsync(orgId, 7);

        var seen = new List<Guid>();
        for (var offset = 0; offset < 7; offset += 3)
        {
            var page = await InOrgAsync(orgId, s => s.ListAsync(new AgentFilter(null), new PageRequest(3, offset)));
            seen.AddRange(page.Items.Select(a => a.Id));
        }

        Assert.Equal(created.Select(a => a.Id).Reverse(), seen);
    }

    [Fact]
    public async Task ListAsync_StatusFilter_CountsAndReturnsOnlyThatStatus()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var created = await CreateSeveralAsync(orgId, 5);
        await InOrgAsync(orgId, s => s.SetStatusAsync(created[1].Id, AgentStatus.Archived));
        await InOrgAsync(orgId, s => s.SetStatusAsync(created[3].Id, AgentStatus.Archived));
        await InOrgAsync(orgId, s => s.SetStatusAsync(created[4].Id, AgentStatus.Suspended));

        var archived = await InOrgAsync(orgId, s => s.ListAsync(new AgentFilter("archived"), new PageRequest(1, 0)));
        var active = await InOrgAsync(orgId, s => s.ListAsync(new AgentFilter("active"), new PageRequest(10, 0)));
        var suspended = await InOrgAsync(orgId, s => s.ListAsync(new AgentFilter("suspended"), new PageRequest(10, 0)));

        Assert.Equal(2, archived.Total);
        Assert.Equal([created[3].Id], archived.Items.Select(a => a.Id));
        Assert.Equal([created[2].Id, created[0].Id], active.Items.Select(a => a.Id));
        Assert.Equal(2, active.Total);
        Assert.Equal([created[4].Id], suspended.Items.Select(a => a.Id));
    }

    [Theory]
    [InlineData("deleted")]
    [InlineData("ACTIVE")]
    [InlineData("")]
    public async Task ListAsync_UnknownStatusFilter_ThrowsValidationOnStatus(string status)
    {
        var orgId = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() => InOrgAsync(orgId, s => s.ListAsync(new AgentFilter(status), new PageRequest(10, 0))));

        Assert.Equal(["status"], error.Errors.Keys);
    }

    [Fact]
    public async Task ListAsync_OtherOrganisationsAgents_AreNotListed()
    {
        var other = await engine.CreateOrganizationAsync();
        await CreateSeveralAsync(other, 2);
        var orgId = await engine.CreateOrganizationAsync();
        var mine = await CreateSeveralAsync(orgId, 1);

        var page = await InOrgAsync(orgId, s => s.ListAsync(new AgentFilter(null), new PageRequest(10, 0)));

        Assert.Equal(1, page.Total);
        Assert.Equal(mine[0].Id, Assert.Single(page.Items).Id);
    }

    [Fact]
    public async Task DeleteAsync_ExistingAgent_RemovesItAndGetThrowsNotFound()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var agent = (await CreateSeveralAsync(orgId, 1))[0];

        await InOrgAsync(orgId, async s => { await s.DeleteAsync(agent.Id); return true; });

        var error = await Assert.ThrowsAsync<ResourceNotFoundException>(() => InOrgAsync(orgId, s => s.GetAsync(agent.Id)));
        Assert.Equal("NOT_FOUND", error.Code);
    }

    private static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Agents created one minute apart, oldest first.</summary>
    private async Task<List<Agent>> CreateSeveralAsync(Guid orgId, int count)
    {
        var agents = new List<Agent>();
        for (var i = 0; i < count; i++)
        {
            engine.Time.Advance(TimeSpan.FromMinutes(1));
            var name = $"agent{i}-{Guid.NewGuid():N}"[..20];
            agents.Add(await InOrgAsync(orgId, s => s.CreateAsync(new CreateAgentCommand(name, null, null, null), null)));
        }

        return agents;
    }

    private async Task<T> InOrgAsync<T>(Guid orgId, Func<AgentService, Task<T>> action)
    {
        await using var scope = engine.CreateScope(orgId);
        return await action(scope.ServiceProvider.GetRequiredService<AgentService>());
    }
}
