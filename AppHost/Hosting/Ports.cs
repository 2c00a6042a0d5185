using System.Net;
using System.Net.Sockets;

namespace EfaPlatform.AppHost.Hosting;

public static class Ports
{
    // Ports handed out are known until the process ends: a port found early (the gateway's and the push receiver's, which
    // other settings name before anything starts) is free again until its resource binds it, and the kernel may offer
    // it to the next resource that asks for any free port.
    private static readonly HashSet<int> HandedOut = [];

    /// <summary>A port on 127.0.0.1 that is free right now and not handed out to another resource of this AppHost.</summary>
    public static int FindFree()
    {
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (HandedOut)
            {
                if (HandedOut.Add(port))
                {
                    return port;
                }
            }
        }
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
            lock (HandedOut)
            {
                HandedOut.Add(port);
            }

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
