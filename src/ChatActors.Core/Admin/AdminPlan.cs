using System.Net;
using System.Net.Sockets;
using ChatActors.Hosting;
using ChatActors.Hosting.Settings;
using ChatActors.Net;

namespace ChatActors.Admin;

/// <summary>
/// Whether this node serves its admin port, decided before the host is built: the default port
/// taken by another node on this machine costs a log line (<see cref="Notice"/>), a port that
/// was asked for fails the start with one clear line. The port is taken here, as the node's
/// other ports are, and handed to Kestrel as it is, so that a node starting beside this one
/// cannot take it in between.
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

        try
        {
            return new AdminPlan(Ports.Listen(admin.Host, admin.Port, shared: false, purpose: "admin port"), null);
        }
        catch (ChatStartupException ex) when (ex.InnerException is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse } && !admin.PortGiven)
        {
            return new AdminPlan(null, $"The admin port {admin.Host}:{admin.Port} is in use (another node on this machine?); this node runs without one (-AdminPort N gives it another)");
        }
    }
}
