using System.Net;
using System.Net.Sockets;
using ChatActors.Hosting;
using ChatActors.Hosting.Settings;

namespace ChatActors.Admin;

/// <summary>
/// Whether this node serves its admin port, decided before the host is built: the default port
/// taken by another node on this machine costs a log line (<see cref="Notice"/>), a port that
/// was asked for fails the start with one clear line. The port is taken here and handed to
/// Kestrel as it is, so that a node starting beside this one cannot take it in between.
/// </summary>
/// <param name="Listener">The admin port's socket, listening; null: this node has none.</param>
public sealed record AdminPlan(Socket? Listener, string? Notice)
{
    /// <summary>Where the admin port listens; null when this node has none.</summary>
    public IPEndPoint? Endpoint => (IPEndPoint?)Listener?.LocalEndPoint;

    public static AdminPlan For(AdminSettings admin)
    {
        if (admin.Port == 0)
        {
            return new AdminPlan(null, null);
        }

        var endpoint = new IPEndPoint(AddressOf(admin.Host), admin.Port);
        var listener = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            listener.Bind(endpoint);
            listener.Listen();
            return new AdminPlan(listener, null);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && !admin.PortGiven)
        {
            listener.Dispose();
            return new AdminPlan(null, $"The admin port {endpoint} is in use (another node on this machine?); this node runs without one (-AdminPort N gives it another)");
        }
        catch (SocketException ex)
        {
            listener.Dispose();
            throw new ChatStartupException($"cannot serve the admin port on {endpoint}: {ex.Message}");
        }
    }

    private static IPAddress AddressOf(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new ChatStartupException($"admin-host must be an IP address or localhost, not \"{host}\"");
}
