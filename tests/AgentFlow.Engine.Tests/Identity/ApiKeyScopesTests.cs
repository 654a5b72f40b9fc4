using AgentFlow.Engine.Identity;

namespace AgentFlow.Engine.Tests.Identity;

public sealed class ApiKeyScopesTests
{
    [Theory]
    [InlineData("read", UserRole.Viewer)]
    [InlineData("write", UserRole.Member)]
    [InlineData("admin", UserRole.Admin)]
    [InlineData("*", UserRole.Owner)]
    public void RoleCap_SingleScope_MapsToItsRole(string scope, UserRole expected)
    {
        Assert.Equal(expected, ApiKeyScopes.RoleCap([scope]));
    }

    [Theory]
    [InlineData(new[] { "read", "write" }, UserRole.Member)]
    [InlineData(new[] { "write", "read" }, UserRole.Member)]
    [InlineData(new[] { "read", "admin" }, UserRole.Admin)]
    [InlineData(new[] { "admin", "write", "read" }, UserRole.Admin)]
    [InlineData(new[] { "read", "*" }, UserRole.Owner)]
    [InlineData(new[] { "unknown", "write" }, UserRole.Member)]
    public void RoleCap_SeveralScopes_TakesTheHighest(string[] scopes, UserRole expected)
    {
        Assert.Equal(expected, ApiKeyScopes.RoleCap(scopes));
    }

    [Fact]
    public void RoleCap_NoScopes_IsViewer()
    {
        Assert.Equal(UserRole.Viewer, ApiKeyScopes.RoleCap([]));
    }

    [Theory]
    [InlineData("unknown")]
    [InlineData("READ")]
    [InlineData("Admin")]
    [InlineData("all")]
    [InlineData("owner")]
    [InlineData("")]
    [InlineData(" *")]
    public void RoleCap_UnknownScope_IsViewer(string scope)
    {
        Assert.Equal(UserRole.Viewer, ApiKeyScopes.RoleCap([scope]));
    }

    // Every scope against every creator role, written out: the key never outranks its creator or its scope.
    [Theory]
    [InlineData("read", UserRole.Viewer, UserRole.Viewer)]
    [InlineData("read", UserRole.Member, UserRole.Viewer)]
    [InlineData("read", UserRole.Admin, UserRole.Viewer)]
    [InlineData("read", UserRole.Owner, UserRole.Viewer)]
    [InlineData("write", UserRole.Viewer, UserRole.Viewer)]
    [InlineData("write", UserRole.Member, UserRole.Member)]
    [InlineData("write", UserRole.Admin, UserRole.Member)]
    [InlineData("write", UserRole.Owner, UserRole.Member)]
    [InlineData("admin", UserRole.Viewer, UserRole.Viewer)]
    [InlineData("admin", UserRole.Member, UserRole.Member)]
    [InlineData("admin", UserRole.Admin, UserRole.Admin)]
    [InlineData("admin", UserRole.Owner, UserRole.Admin)]
    [InlineData("*", UserRole.Viewer, UserRole.Viewer)]
    [InlineData("*", UserRole.Member, UserRole.Member)]
    [InlineData("*", UserRole.Admin, UserRole.Admin)]
    [InlineData("*", UserRole.Owner, UserRole.Owner)]
    public void EffectiveRole_ScopeAndCreatorRole_IsTheLowerOfBoth(string scope, UserRole creatorRole, UserRole expected)
    {
        Assert.Equal(expected, ApiKeyScopes.EffectiveRole(creatorRole, [scope]));
    }

    [Theory]
    [InlineData(UserRole.Viewer)]
    [InlineData(UserRole.Member)]
    [InlineData(UserRole.Admin)]
    [InlineData(UserRole.Owner)]
    public void EffectiveRole_NoScopes_IsViewer(UserRole creatorRole)
    {
        Assert.Equal(UserRole.Viewer, ApiKeyScopes.EffectiveRole(creatorRole, []));
    }

    [Theory]
    [InlineData(UserRole.Viewer)]
    [InlineData(UserRole.Member)]
    [InlineData(UserRole.Admin)]
    [InlineData(UserRole.Owner)]
    public void EffectiveRole_UnknownScope_IsViewer(UserRole creatorRole)
    {
        Assert.Equal(UserRole.Viewer, ApiKeyScopes.EffectiveRole(creatorRole, ["superuser"]));
    }

    [Theory]
    [InlineData("*", true)]
    [InlineData("read", true)]
    [InlineData("write", true)]
    [InlineData("admin", true)]
    [InlineData("Read", false)]
    [InlineData("owner", false)]
    [InlineData("", false)]
    public void IsKnown_Scope_MatchesExactly(string scope, bool expected)
    {
        Assert.Equal(expected, ApiKeyScopes.IsKnown(scope));
    }
}
