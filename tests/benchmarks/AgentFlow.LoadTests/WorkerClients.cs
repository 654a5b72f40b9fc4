using System.Net;
using System.Net.Sockets;

namespace AgentFlow.LoadTests;

/// <summary>
/// One HTTP client per worker, each connecting from its own loopback address (127.0.0.10, .11, …), as that many
/// users on different machines would. The Host rate-limits per client address, so this is what it sees in production;
/// with every worker on one address, a fast scenario would run into that single client's limit instead.
/// Linux routes all of 127.0.0.0/8 to the loopback interface; where binding such an address fails, all workers
/// share the default address and a warning says so.
/// </summary>
internal sealed class WorkerClients : IDisposable
{
    private const int FirstHost = 10;

    private readonly List<HttpClient> _clients = [];

    private WorkerClients(bool distinct) => DistinctAddresses = distinct;

    public IReadOnlyList<HttpClient> Clients => _clients;

    public bool DistinctAddresses { get; }

    public string Description => DistinctAddresses
        ? $"each from its own address {Address(0)}–{Address(_clients.Count - 1)}"
        : "all from 127.0.0.1 (binding other loopback addresses failed: the Host's per-address rate limit may reject requests)";

    public static WorkerClients Create(int count, Uri baseAddress)
    {
        var pool = new WorkerClients(CanBind(Address(count - 1)));
        for (var i = 0; i < count; i++)
        {
            pool._clients.Add(NewClient(pool.DistinctAddresses ? Address(i) : null, baseAddress));
        }

        return pool;
    }

    /// <summary>A client without a fixed source address, for seeding and checks.</summary>
    public static HttpClient NewClient(Uri baseAddress) => NewClient(null, baseAddress);

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }
    }

    private static HttpClient NewClient(IPAddress? source, Uri baseAddress)
    {
        var handler = new SocketsHttpHandler
        {
            // Cookies off: every request carries exactly what the scenario sets, and login responses do not pile up.
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (source is not null)
        {
            handler.ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            };
        }

        return new HttpClient(handler, disposeHandler: true) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(60) };
    }

    private static IPAddress Address(int worker) => new([127, 0, (byte)((FirstHost + worker) / 256), (byte)((FirstHost + worker) % 256)]);

    private static bool CanBind(IPAddress address)
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(address, 0));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
