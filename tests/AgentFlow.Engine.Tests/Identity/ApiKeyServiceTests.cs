using AgentFlow.Engine.Errors;
using AgentFlow.Engine.Identity;
using AgentFlow.Engine.Persistence;
using AgentFlow.Engine.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace AgentFlow.Engine.Tests.Identity;

/// <summary>API keys as stored by <see cref="ApiKeyService"/> and recognised by <see cref="CredentialResolver"/>.</summary>
public sealed class ApiKeyServiceTests(SqliteEngineFixture engine) : IClassFixture<SqliteEngineFixture>
{
    [Fact]
    public async Task CreateAsync_NoScopes_CreatesFullKeyStoringOnlyHashAndPrefix()
    {
        var owner = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);

        var created = await CreateAsync(owner, new CreateApiKeyCommand("ci", null, null));

        Assert.True(SecretTokens.LooksLikeApiKey(created.Plaintext));
        Assert.Equal([ApiKeyScopes.All], created.Key.Scopes);
        await using var scope = engine.CreateScope(owner.OrgId);
        var row = await scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.Key.Id);
        Assert.Equal(SecretTokens.Sha256Hex(created.Plaintext), row.KeyHash);
        Assert.Equal(created.Plaintext[..11], row.KeyPrefix);
        Assert.Equal(owner.Id, row.CreatedBy);
        Assert.Equal(owner.OrgId, row.OrgId);
        Assert.DoesNotContain(created.Plaintext[11..], row.KeyHash + row.KeyPrefix + row.Name, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateAsync_DuplicateScopes_AreStoredOnce()
    {
        var owner = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);

        var created = await CreateAsync(owner, new CreateApiKeyCommand("dedupe", ["read", "read", "write"], null));

        Assert.Equal(["read", "write"], created.Key.Scopes);
    }

    [Fact]
    public async Task CreateAsync_InvalidFields_ThrowsValidationNamingEachField()
    {
        var owner = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);

        var error = await Assert.ThrowsAsync<InputValidationException>(() =>
            CreateAsync(owner, new CreateApiKeyCommand(null, ["read", "superuser"], engine.Time.GetUtcNow())));

        Assert.Equal(["expiresAt", "name", "scopes"], error.Errors.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task CreateAsync_EmptyScopeList_ThrowsValidationOnScopes()
    {
        var owner = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);

        var error = await Assert.ThrowsAsync<InputValidationException>(() => CreateAsync(owner, new CreateApiKeyCommand("none", [], null)));

        Assert.Equal(["scopes"], error.Errors.Keys);
    }

    [Fact]
    public async Task RevokeAsync_TwiceOnSameKey_KeepsFirstRevocationTime()
    {
        var owner = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);
        var created = await CreateAsync(owner, new CreateApiKeyCommand("revoke-me", null, null));
        var first = await RevokeAsync(owner.OrgId, created.Key.Id);
        engine.Time.Advance(TimeSpan.FromMinutes(1));

        var second = await RevokeAsync(owner.OrgId, created.Key.Id);

        Assert.NotNull(first.RevokedAt);
        Assert.Equal(first.RevokedAt, second.RevokedAt);
    }

    [Fact]
    public async Task RevokeAsync_KeyOfAnotherOrganisation_ThrowsNotFound()
    {
        var owner = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);
        var created = await CreateAsync(owner, new CreateApiKeyCommand("theirs", null, null));
        var otherOrg = await engine.CreateOrganizationAsync();

        await Assert.ThrowsAsync<ResourceNotFoundException>(() => RevokeAsync(otherOrg, created.Key.Id));

        Assert.NotNull(await ResolveAsync(created.Plaintext));
    }

    [Theory]
    [InlineData(UserRole.Owner, "*", UserRole.Owner)]
    [InlineData(UserRole.Owner, "read", UserRole.Viewer)]
    [InlineData(UserRole.Admin, "*", UserRole.Admin)]
    [InlineData(UserRole.Member, "admin", UserRole.Member)]
    public async Task ResolveApiKeyAsync_ValidKey_ActsAsCreatorCappedByScope(UserRole creatorRole, string scope, UserRole expected)
    {
        var creator = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), creatorRole);
        var created = await CreateAsync(creator, new CreateApiKeyCommand("key", [scope], null));

        var identity = await ResolveAsync(created.Plaintext);

        Assert.NotNull(identity);
        Assert.Equal((creator.Id, creator.OrgId, expected, created.Key.Id), (identity.UserId, identity.OrgId, identity.Role, identity.ApiKeyId));
    }

    [Fact]
    public async Task ResolveApiKeyAsync_ValidKey_RecordsLastUse()
    {
        var owner = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);
        var created = await CreateAsync(owner, new CreateApiKeyCommand("used", null, null));
        engine.Time.Advance(TimeSpan.FromMinutes(2));

        await ResolveAsync(created.Plaintext);

        await using var scope = engine.CreateScope(owner.OrgId);
        var row = await scope.ServiceProvider.GetRequiredService<AgentFlowDbContext>().ApiKeys.AsNoTracking().SingleAsync(k => k.Id == created.Key.Id);
        Assert.Equal(engine.Time.GetUtcNow(), row.LastUsedAt);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ek_0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("ek_00000000000000000000000000000000")]
    public async Task ResolveApiKeyAsync_MalformedOrUnknownKey_ReturnsNull(string plaintext)
    {
        Assert.Null(await ResolveAsync(plaintext));
    }

    [Fact]
    public async Task ResolveApiKeyAsync_RevokedKey_ReturnsNullAtOnce()
    {
        var owner = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);
        var created = await CreateAsync(owner, new CreateApiKeyCommand("short-lived", null, null));
        Assert.NotNull(await ResolveAsync(created.Plaintext));

        await RevokeAsync(owner.OrgId, created.Key.Id);

        Assert.Null(await ResolveAsync(created.Plaintext));
    }

    [Fact]
    public async Task ResolveApiKeyAsync_ExpiredKey_ReturnsNull()
    {
        var owner = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Owner);
        var created = await CreateAsync(owner, new CreateApiKeyCommand("expiring", null, engine.Time.GetUtcNow().AddHours(1)));
        Assert.NotNull(await ResolveAsync(created.Plaintext));

        engine.Time.Advance(TimeSpan.FromHours(1));

        Assert.Null(await ResolveAsync(created.Plaintext));
    }

    [Fact]
    public async Task ResolveApiKeyAsync_CreatorDemoted_KeyFollowsTheNewRoleAtOnce()
    {
        var orgId = await engine.CreateOrganizationAsync();
        var owner = await engine.AddUserAsync(orgId, UserRole.Owner);
        var admin = await engine.AddUserAsync(orgId, UserRole.Admin);
        var created = await CreateAsync(admin, new CreateApiKeyCommand("admin-key", ["*"], null));
        Assert.Equal(UserRole.Admin, (await ResolveAsync(created.Plaintext))?.Role);

        await using (var scope = engine.CreateScope(orgId))
        {
            await scope.ServiceProvider.GetRequiredService<UserService>().UpdateAsync(admin.Id, new UpdateUserCommand(null, null, "viewer", null), new Actor(owner.Id, owner.Role));
        }

        Assert.Equal(UserRole.Viewer, (await ResolveAsync(created.Plaintext))?.Role);
    }

    [Fact]
    public async Task ResolveUserAsync_RevokedSession_ReturnsNull()
    {
        var user = await engine.AddUserAsync(await engine.CreateOrganizationAsync(), UserRole.Member);
        IssuedRefreshToken issued;
        await using (var scope = engine.CreateScope())
        {
            issued = await scope.ServiceProvider.GetRequiredService<RefreshTokenService>().IssueAsync(user);
        }

        var resolver = engine.Services.GetRequiredService<CredentialResolver>();
        Assert.NotNull(await resolver.ResolveUserAsync(user.Id, issued.FamilyId));
        await using (var scope = engine.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RefreshTokenService>().RevokeAsync(issued.Token);
        }

        Assert.Null(await resolver.ResolveUserAsync(user.Id, issued.FamilyId));
    }

    private async Task<CreatedApiKey> CreateAsync(User creator, CreateApiKeyCommand command)
    {
        await using var scope = engine.CreateScope(creator.OrgId);
        return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().CreateAsync(command, new Actor(creator.Id, creator.Role));
    }

    private async Task<ApiKey> RevokeAsync(Guid orgId, Guid keyId)
    {
        await using var scope = engine.CreateScope(orgId);
        return await scope.ServiceProvider.GetRequiredService<ApiKeyService>().RevokeAsync(keyId);
    }

    private Task<CallerIdentity?> ResolveAsync(string plaintext) =>
        engine.Services.GetRequiredService<CredentialResolver>().ResolveApiKeyAsync(plaintext);
}
