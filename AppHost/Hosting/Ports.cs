using System.Net;
using System.Net.Sockets;

namespace EfaPlatform.AppHost.Hosting;

public static class Ports
{
    /// <summary>A port on 127.0.0.1 that is free right now.</summary>
    public static int FindFree()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Returns <paramref name="port"/> when it is free, a free one when it is 0; fails with what to do otherwise.</summary>
    public static int Claim(int port, string what, string settingToChange)
    {
        if (port == 0)
        {
            return FindFree();
        }

        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return port;
        }
        catch (SocketException)
        {
            throw new ResourceStartException(
                $"Port {port} for {what} is already in use on 127.0.0.1. Stop whatever listens there " +
                $"(`ss -ltnp 'sport = :{port}'` shows it; an earlier AppHost may still run) or choose another port with --{settingToChange}=<port>.");
        }
    }
}
