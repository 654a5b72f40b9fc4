using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Identity;

public abstract class RefreshTokenServiceTests<TFixture>(TFixture engine) : IClassFixture<TFixture>
    where TFixture : EngineFixture
{
    [Fact]
    public async Task IssueAsync_NewSession_StoresOnlyTheHashWithSevenDayExpiry()
    {
        var user = await NewUserAsync();

        var issued = await IssueAsync(user);

        await using var scope = engine.CreateScope();
        var rows = await Db(scope).RefreshTokens.IgnoreQueryFilters().Where(t => t.FamilyId == issued.FamilyId).ToListAsync();
        var row = Assert.Single(rows);
        Assert.Equal(SecretTokens.Sha256Hex(issued.Token), row.TokenHash);
        Assert.NotEqual(issued.Token, row.TokenHash);
        Assert.Equal(user.Id, row.UserId);
        Assert.Equal(user.OrgId, row.OrgId);
        Assert.Equal(engine.Time.GetUtcNow() + RefreshTokenService.Lifetime, row.ExpiresAt);
        Assert.Equal(row.ExpiresAt, issued.ExpiresAt);
    }

    [Fact]
    public async Task RotateAsync_FreshToken_ReturnsNewTokenInSameFamily()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);

        var result = await RotateAsync(issued.Token);

        Assert.Equal(RefreshOutcome.Rotated, result.Outcome);
        Assert.Equal(user.Id, result.User?.Id);
        Assert.NotNull(result.Next);
        Assert.NotEqual(issued.Token, result.Next.Token);
        Assert.Equal(issued.FamilyId, result.Next.FamilyId);
    }

    [Fact]
    public async Task RotateAsync_RotatedTokenRotatedAgain_ChainsInTheSameFamily()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);
        var second = (await RotateAsync(issued.Token)).Next!;

        var third = await RotateAsync(second.Token);

        Assert.Equal(RefreshOutcome.Rotated, third.Outcome);
        Assert.Equal(issued.FamilyId, third.Next?.FamilyId);
        await using var scope = engine.CreateScope();
        var family = await Db(scope).RefreshTokens.IgnoreQueryFilters().Where(t => t.FamilyId == issued.FamilyId).ToListAsync();
        Assert.Equal(3, family.Count);
        Assert.Equal(2, family.Count(t => t.ConsumedAt is not null));
        Assert.All(family, t => Assert.Null(t.RevokedAt));
    }

    [Fact]
    public async Task RotateAsync_ConsumedTokenPresentedAgain_ReturnsReusedAndRevokesWholeFamily()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);
        var newest = (await RotateAsync(issued.Token)).Next!;

        var replay = await RotateAsync(issued.Token);

        Assert.Equal(RefreshOutcome.Reused, replay.Outcome);
        Assert.Null(replay.Next);
        await using (var scope = engine.CreateScope())
        {
            var family = await Db(scope).RefreshTokens.IgnoreQueryFilters().Where(t => t.FamilyId == issued.FamilyId).ToListAsync();
            Assert.Equal(2, family.Count);
            Assert.All(family, t => Assert.NotNull(t.RevokedAt));
        }

        // The newest token (the one a thief would hold after stealing and rotating) no longer works either.
        var afterwards = await RotateAsync(newest.Token);
        Assert.Equal(RefreshOutcome.Invalid, afterwards.Outcome);
    }

    [Fact]
    public async Task RotateAsync_ReuseInOneFamily_LeavesOtherSessionsOfTheUserWorking()
    {
        var user = await NewUserAsync();
        var leaked = await IssueAsync(user);
        var otherSession = await IssueAsync(user);
        await RotateAsync(leaked.Token);

        var replay = await RotateAsync(leaked.Token);
        var other = await RotateAsync(otherSession.Token);

        Assert.Equal(RefreshOutcome.Reused, replay.Outcome);
        Assert.Equal(RefreshOutcome.Rotated, other.Outcome);
        Assert.NotEqual(leaked.FamilyId, otherSession.FamilyId);
    }

    [Fact]
    public async Task RotateAsync_TokenPastItsLifetime_ReturnsInvalid()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);
        engine.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromSeconds(1));

        var result = await RotateAsync(issued.Token);

        Assert.Equal(RefreshOutcome.Invalid, result.Outcome);
        Assert.Null(result.Next);
    }

    [Fact]
    public async Task RotateAsync_TokenJustBeforeExpiry_Rotates()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);
        engine.Time.Advance(TimeSpan.FromDays(7) - TimeSpan.FromSeconds(1));

        var result = await RotateAsync(issued.Token);

        Assert.Equal(RefreshOutcome.Rotated, result.Outcome);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task RotateAsync_UnknownToken_ReturnsInvalid(string token)
    {
        var result = await RotateAsync(token);

        Assert.Equal(RefreshOutcome.Invalid, result.Outcome);
    }

    [Fact]
    public async Task RotateAsync_TokenOfDeletedUser_ReturnsInvalid()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);
        await using (var scope = engine.CreateScope())
        {
            await Db(scope).Users.IgnoreQueryFilters().Where(u => u.Id == user.Id).ExecuteDeleteAsync();
        }

        var result = await RotateAsync(issued.Token);

        Assert.Equal(RefreshOutcome.Invalid, result.Outcome);
    }

    [Fact]
    public async Task RotateAsync_SameTokenConcurrentlyFromTwoScopes_ExactlyOneRotates()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);
        using var start = new Barrier(2);

        // Each attempt on its own thread and scope (so its own connection), released together.
        var results = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => Task.Run(async () =>
        {
            await using var scope = engine.CreateScope();
            var tokens = scope.ServiceProvider.GetRequiredService<RefreshTokenService>();
            start.SignalAndWait(TestContext.Current.CancellationToken);
            return await tokens.RotateAsync(issued.Token, TestContext.Current.CancellationToken);
        })));

        Assert.Single(results, r => r.Outcome == RefreshOutcome.Rotated);
        Assert.Single(results, r => r.Outcome != RefreshOutcome.Rotated);
        await using var check = engine.CreateScope();
        var original = await Db(check).RefreshTokens.IgnoreQueryFilters().SingleAsync(t => t.TokenHash == SecretTokens.Sha256Hex(issued.Token));
        Assert.NotNull(original.ConsumedAt);
    }

    [Fact]
    public async Task RevokeAsync_IssuedToken_RevokesFamilyAndSessionReportsRevoked()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);
        var newest = (await RotateAsync(issued.Token)).Next!;

        Guid? familyId;
        await using (var scope = engine.CreateScope())
        {
            familyId = await scope.ServiceProvider.GetRequiredService<RefreshTokenService>().RevokeAsync(newest.Token);
        }

        Assert.Equal(issued.FamilyId, familyId);
        Assert.True(await IsSessionRevokedAsync(issued.FamilyId));
        Assert.Equal(RefreshOutcome.Invalid, (await RotateAsync(newest.Token)).Outcome);
    }

    [Fact]
    public async Task RevokeAsync_UnknownToken_ReturnsNullAndRevokesNothing()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);

        Guid? familyId;
        await using (var scope = engine.CreateScope())
        {
            familyId = await scope.ServiceProvider.GetRequiredService<RefreshTokenService>().RevokeAsync(SecretTokens.NewOpaqueToken());
        }

        Assert.Null(familyId);
        Assert.False(await IsSessionRevokedAsync(issued.FamilyId));
    }

    [Fact]
    public async Task IsSessionRevokedAsync_ActiveFamily_ReturnsFalse()
    {
        var user = await NewUserAsync();
        var issued = await IssueAsync(user);
        await RotateAsync(issued.Token);

        Assert.False(await IsSessionRevokedAsync(issued.FamilyId));
    }

    [Fact]
    public async Task IsSessionRevokedAsync_UnknownFamily_ReturnsFalse()
    {
        Assert.False(await IsSessionRevokedAsync(Guid.NewGuid()));
    }

    private static AgentFlowDbContext Db(AsyncServiceScope scope) => scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>();

    private async Task<User> NewUserAsync() => await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Member);

    // Sign-in and refresh run before any tenant is known, so these scopes have none, as in the Host.
    private async Task<IssuedRefreshToken> IssueAsync(User user)
    {
        await using var scope = engine.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RefreshTokenService>().IssueAsync(user);
    }

    private async Task<RefreshResult> RotateAsync(string token)
    {
        await using var scope = engine.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RefreshTokenService>().RotateAsync(token);
    }

    private async Task<bool> IsSessionRevokedAsync(Guid familyId)
    {
        await using var scope = engine.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<RefreshTokenService>().IsSessionRevokedAsync(familyId);
    }
}

public sealed class SqliteRefreshTokenServiceTests(SqliteEngineFixture engine) : RefreshTokenServiceTests<SqliteEngineFixture>(engine);

public sealed class PostgresRefreshTokenServiceTests(PostgresEngineFixture engine) : RefreshTokenServiceTests<PostgresEngineFixture>(engine);
