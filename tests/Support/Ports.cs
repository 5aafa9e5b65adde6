using System.Net;
using System.Net.Sockets;

namespace CleanUser.Tests.Support;

/// <summary>Loopback ports for the servers tests start as processes of their own.</summary>
public static class Ports
{
    /// <summary>A port nothing listens on now (the system's pick; free until someone takes it).</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
