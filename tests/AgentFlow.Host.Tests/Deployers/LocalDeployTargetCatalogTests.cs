using AgentFlow.Host.Tests.Infrastructure;

namespace AgentFlow.Host.Tests.Deployers;

/// <summary>The bundled Local target as the Host serves it: loaded by the plugin loader from bin/…/plugins/AgentFlow.Deployers.Local.</summary>
public abstract class LocalDeployTargetCatalogTests<TFixture>(TFixture host) : IClassFixture<TFixture>
    where TFixture : AgentFlowHostFixture
{
    [Fact]
    public async Task GetDeployTarget_Local_IsServedFromTheBundledPluginWithItsSchema()
    {
        var tenant = await host.CreateTenantAsync();

        var target = (await (await tenant.Owner.Client.GetAsync("/api/engine/deploy-targets/local", TestContext.Current.CancellationToken)).AssertSuccessAsync())
            .GetProperty("data");

        Assert.Equal("agentflow.deployers.local", target.GetProperty("plugin").GetProperty("id").GetString());
        var fields = target.GetProperty("configSchema").EnumerateArray().ToDictionary(f => f.GetProperty("key").GetString()!, f => f.GetProperty("kind").GetString());
        Assert.Equal("string", fields["runtimePath"]);
        Assert.Equal("number", fields["port"]);
        Assert.Equal("string", fields["dotnetPath"]);
    }
}

public sealed class SqliteLocalDeployTargetCatalogTests(SqliteHostFixture host) : LocalDeployTargetCatalogTests<SqliteHostFixture>(host);

public sealed class PostgresLocalDeployTargetCatalogTests(PostgresHostFixture host) : LocalDeployTargetCatalogTests<PostgresHostFixture>(host);
