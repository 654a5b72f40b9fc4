using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace AgentFlow.Studio.Api;

/// <summary>Bound from <c>AgentFlow:Studio</c>.</summary>
public sealed class StudioOptions
{
    public const string SectionName = "AgentFlow:Studio";

    /// <value>
    /// Where the Studio reaches the API. Default: the first address this server listens on, with a wildcard host
    /// replaced by loopback. Set it when the server listens only on a Unix socket or a name loopback cannot reach.
    /// </value>
    public Uri? ApiBaseAddress { get; set; }

    /// <value>How often an open Studio tab re-checks that its session is still valid. Default one minute.</value>
    public TimeSpan SessionRevalidationInterval { get; set; } = TimeSpan.FromMinutes(1);
}

/// <summary>Resolves the API's base address once the server has started listening.</summary>
public sealed class StudioApiAddress(IServer server, IOptions<StudioOptions> options)
{
    private Uri? _resolved;

    public Uri BaseAddress => _resolved ??= Resolve();

    private Uri Resolve()
    {
        if (options.Value.ApiBaseAddress is { } configured)
        {
            return WithTrailingSlash(configured);
        }

        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase))
            ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException($"The server has no address yet; set {StudioOptions.SectionName}:ApiBaseAddress.");
        return WithTrailingSlash(new Uri(ToLoopback(address)));
    }

    /// <summary>Kestrel reports wildcard bindings (<c>http://+:80</c>, <c>http://0.0.0.0:80</c>, <c>http://[::]:80</c>) literally.</summary>
    internal static string ToLoopback(string address)
    {
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal) + 3;
        var portStart = address.LastIndexOf(':');
        if (portStart < schemeEnd)
        {
            return address;
        }

        var host = address[schemeEnd..portStart];
        var wildcard = host is "+" or "*" or "[::]" || (IPAddress.TryParse(host.Trim('[', ']'), out var ip) && (ip.Equals(IPAddress.Any) || ip.Equals(IPAddress.IPv6Any)));
        return wildcard ? address[..schemeEnd] + "127.0.0.1" + address[portStart..] : address;
    }

    private static Uri WithTrailingSlash(Uri uri) => uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");
}
