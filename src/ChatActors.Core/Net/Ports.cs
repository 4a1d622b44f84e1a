using System.Net;
using System.Net.Sockets;
using ChatActors.Hosting;

namespace ChatActors.Net;

/// <summary>The node's listening sockets: bound at start, so that a port in use fails the start at once, and listening once what is behind them can answer.</summary>
public static class Ports
{
    private const int SolSocket = 1;
    private const int SoReuseAddress = 2;
    private const int SoReusePort = 15;

    /// <summary>A socket bound to the port, not listening yet: a client that connects is refused at once.</summary>
    /// <param name="shared">Lets the balancer edges of several nodes on this machine listen on one port (SO_REUSEPORT, Linux).</param>
    public static Socket Bind(string host, int port, bool shared, string? purpose = null)
    {
        var address = Resolve(host);
        var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (OperatingSystem.IsLinux())
            {
                // A node started again right after a kill finds its ports in TIME_WAIT; a port
                // with a live listener is still refused.
                socket.SetRawSocketOption(SolSocket, SoReuseAddress, BitConverter.GetBytes(1));
                if (shared)
                {
                    socket.SetRawSocketOption(SolSocket, SoReusePort, BitConverter.GetBytes(1));
                }
            }

            socket.Bind(new IPEndPoint(address, port));
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw Refused(host, port, purpose, ex);
        }
    }

    /// <summary>
    /// A socket bound to the port and listening, with a queue of connections not yet accepted as
    /// long as the system allows (.NET's default, net.core.somaxconn on Linux): when a thousand
    /// clients connect at the same moment, a connection the queue cannot hold is dropped and its
    /// client waits a second or more to try again; with 512 a burst of 1,000 joins took twice as
    /// long (docs/BENCHMARKS.md). Every listener of the node listens so.
    /// </summary>
    public static Socket Listen(string host, int port, bool shared, string? purpose = null)
    {
        var socket = Bind(host, port, shared, purpose);
        try
        {
            socket.Listen();
            return socket;
        }
        catch (SocketException ex)
        {
            socket.Dispose();
            throw Refused(host, port, purpose, ex);
        }
    }

    public static int PortOf(Socket socket) => ((IPEndPoint)socket.LocalEndPoint!).Port;

    private static ChatStartupException Refused(string host, int port, string? purpose, SocketException ex) =>
        new(ex.SocketErrorCode == SocketError.AddressAlreadyInUse
            ? $"port {port} on {host} is already in use{(purpose is null ? string.Empty : $" ({purpose})")}"
            : $"cannot listen on {host}:{port}: {ex.Message}", ex);

    private static IPAddress Resolve(string host)
    {
        if (IPAddress.TryParse(host, out var address))
        {
            return address;
        }

        try
        {
            return Dns.GetHostAddresses(host).First();
        }
        catch (Exception ex) when (ex is SocketException or InvalidOperationException)
        {
            throw new ChatStartupException($"bind-host \"{host}\" does not resolve to an address", ex);
        }
    }
}
