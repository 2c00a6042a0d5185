using System.Net;
using System.Net.Sockets;

namespace EfaPlatform.Routing.Deliveries;

/// <summary>
/// Where push deliveries may connect: public addresses; loopback only with Routing:AllowLoopbackHttp (development);
/// private, shared, link-local and other special addresses only inside Routing:PrivatePushNetworks (a municipal data
/// centre's own networks). Checked on the address actually connected to, after name resolution, so that a URL whose name
/// later resolves elsewhere (DNS rebinding) reaches nothing the directory could not name directly.
/// </summary>
public static class PushNetworks
{
    private static readonly IPNetwork[] Special =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"), IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"), IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/3"), IPNetwork.Parse("::/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"), IPNetwork.Parse("ff00::/8"),
    ];

    public static bool Allows(IPAddress address, RoutingOptions options)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return options.AllowLoopbackHttp;
        }

        return !Special.Any(network => network.Contains(address))
               || options.PrivatePushNetworks.Any(network => IPNetwork.Parse(network).Contains(address));
    }

    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> ConnectCallback(RoutingOptions options) =>
        async (context, cancellationToken) =>
        {
            var host = context.DnsEndPoint.Host;
            var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
            var allowed = addresses.Where(address => Allows(address, options)).ToArray();
            if (allowed.Length == 0)
            {
                throw new HttpRequestException($"{host} has no address push deliveries may reach (loopback, private and link-local networks are closed unless configured).");
            }

            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        };
}
