using AgentFlow.Host.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using static AgentFlow.Host.Tests.Api.Approvals.ApprovalTestSupport;

namespace AgentFlow.Host.Tests.Studio;

/// <summary>
/// An agent's runtime-hook client for the Studio tests. The shared <c>CreateApiKeyClient</c> builds its client from fresh
/// <see cref="WebApplicationFactoryClientOptions"/>, whose base address (http://localhost, port 80) is not where the
/// Kestrel-hosted <see cref="StudioFixture"/> listens; this one names the fixture's real address.
/// </summary>
internal static class StudioAgentClient
{
    public static async Task<HttpClient> CreateAsync(StudioFixture fixture, TestTenant tenant, Guid agentId)
    {
        var client = fixture.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = fixture.BaseAddress, HandleCookies = false });
        client.DefaultRequestHeaders.Add("X-API-Key", await AgentKeyAsync(tenant, agentId));
        return client;
    }
}
