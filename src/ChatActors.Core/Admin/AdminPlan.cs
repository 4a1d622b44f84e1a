using System.Net;
using System.Net.Sockets;
using ChatActors.Hosting;
using ChatActors.Hosting.Settings;

namespace ChatActors.Admin;

/// <summary>
/// Whether this node serves its admin port, decided before the host is built: the default port
/// taken by another node on this machine costs a log line (<see cref="Notice"/>), a port that
/// was asked for fails the start with one clear line.
/// </summary>
/// <param name="Endpoint">Where the admin port listens; null: this node has none.</param>
public sealed record AdminPlan(IPEndPoint? Endpoint, string? Notice)
{
    public static AdminPlan For(AdminSettings admin)
    {
        if (admin.Port == 0)
        {
            return new AdminPlan(null, null);
        }

        var endpoint = new IPEndPoint(AddressOf(admin.Host), admin.Port);
        using var probe = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            probe.Bind(endpoint);
        }
        catch (SocketException ex) when (ex.SocketErrorCode == SocketError.AddressAlreadyInUse && !admin.PortGiven)
        {
            return new AdminPlan(null, $"The admin port {endpoint} is in use (another node on this machine?); this node runs without one (-AdminPort N gives it another)");
        }
        catch (SocketException ex)
        {
            throw new ChatStartupException($"cannot serve the admin port on {endpoint}: {ex.Message}");
        }

        return new AdminPlan(endpoint, null);
    }

    private static IPAddress AddressOf(string host) =>
        host == "localhost" ? IPAddress.Loopback
        : IPAddress.TryParse(host, out var address) ? address
        : throw new ChatStartupException($"admin-host must be an IP address or localhost, not \"{host}\"");
}
