using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Retention;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Retention;

public sealed class RetentionServiceTests(SqliteEngineFixture engine) : IClassFixture<SqliteEngineFixture>
{
    [Fact]
    public async Task GetAsync_NoPolicySet_ReturnsDisabledDefault()
    {
        var orgId = await engine.CreateOrganizationAsync();

        var policy = await InOrgAsync(orgId, s => s.GetAsync());

        Assert.False(policy.Enabled);
        Assert.Equal(365, policy.RetainDays);
        Assert.True(policy.ArchiveFirst);
        Assert.Empty(policy.ExcludeTags);
    }

    [Fact]
    public async Task SetAsync_Twice_ReplacesThePolicy()
    {
        var orgId = await engine.CreateOrganizationAsync();
        await InOrgAsync(orgId, s => s.SetAsync(new SetRetentionCommand(true, 90, false, ["auth", "auth", " billing "])));

        await InOrgAsync(orgId, s => s.SetAsync(new SetRetentionCommand(false, 30, null, null)));

        var policy = await InOrgAsync(orgId, s => s.GetAsync());
        Assert.Equal((false, 30, true), (policy.Enabled, policy.RetainDays, policy.ArchiveFirst));
        Assert.Empty(policy.ExcludeTags);
    }

    [Fact]
    public async Task SetAsync_Tags_AreTrimmedAndDeduplicated()
    {
        var orgId = await engine.CreateOrganizationAsync();

        var policy = await InOrgAsync(orgId, s => s.SetAsync(new SetRetentionCommand(true, 90, true, ["auth", "auth", " billing "])));

        Assert.Equal(["auth", "billing"], policy.ExcludeTags);
        Assert.Equal(["auth", "billing"], (await InOrgAsync(orgId, s => s.GetAsync())).ExcludeTags);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3651)]
    [InlineData(-1)]
    public async Task SetAsync_RetainDaysOutOfRange_ThrowsValidationOnRetainDays(int days)
    {
        var orgId = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() => InOrgAsync(orgId, s => s.SetAsync(new SetRetentionCommand(true, days, null, null))));

        Assert.Equal(["retainDays"], error.Errors.Keys);
    }

    [Fact]
    public async Task SetAsync_MissingRequiredFieldsAndBlankTag_ReportsEveryField()
    {
        var orgId = await engine.CreateOrganizationAsync();

        var error = await Assert.ThrowsAsync<InputValidationException>(() => InOrgAsync(orgId, s => s.SetAsync(new SetRetentionCommand(null, null, null, ["ok", " "]))));

        Assert.Equal(["enabled", "excludeTags[1]", "retainDays"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    private async Task<T> InOrgAsync<T>(Guid orgId, Func<RetentionService, Task<T>> action)
    {
        await using var scope = engine.CreateScope(orgId);
        return await action(scope.ServiceProvider.GetRequiredService<RetentionService>());
    }
}
