using AgentFlow.Engine.Deployment;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace AgentFlow.Host.Deployment;

/// <summary>
/// Fills the deployment settings the agents need from the Host: the data directory, and, unless
/// <c>AgentFlow:Deployment:ServerUrl</c> is set, the address this server listens on (a wildcard host becomes the loopback
/// address, which is what an agent on this machine can reach).
/// </summary>
internal sealed class DeploymentAddress(IServer server, IConfiguration configuration) : IPostConfigureOptions<DeploymentOptions>
{
    public void PostConfigure(string? name, DeploymentOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.DataDirectory = configuration["AgentFlow:DataDirectory"] is { Length: > 0 } data ? data : options.DataDirectory;
        if (!string.IsNullOrWhiteSpace(options.ServerUrl))
        {
            return;
        }

        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault();
        if (address is not null)
        {
            options.ServerUrl = address.Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://*", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal)
                .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal);
        }
    }
}
