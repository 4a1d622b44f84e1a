using System.Net.Sockets;
using ChatActors.Admin;
using ChatActors.Hosting.Settings;
using ChatActors.Net;

namespace ChatActors.Hosting;

/// <summary>
/// The node's ports, taken before anything else starts, so that a port in use fails the start
/// at once with one clear line. The edge's own port is bound here; a shared one (the process
/// approach) only once the node serves, since the kernel hands connections to every listener on
/// it, and one that does not accept yet would leave its share of clients waiting. Each server's
/// socket is bound here and listens once its server serves.
/// </summary>
public sealed class NodeListeners : IDisposable
{
    private readonly NetworkSettings _network;
    private readonly List<Socket> _owned = [];

    private NodeListeners(NetworkSettings network) => _network = network;

    public Socket? Edge { get; private set; }

    public IReadOnlyList<Socket> Servers { get; private set; } = [];

    /// <summary>The admin port, taken here too; Kestrel owns its socket once the host starts.</summary>
    public AdminPlan Admin { get; private set; } = new(null, null);

    public static NodeListeners Bind(ChatSettings settings)
    {
        var network = settings.Network;
        var listeners = new NodeListeners(network);
        try
        {
            if (network.BalancerEdge && !network.SharedBalancerPort)
            {
                listeners.Edge = listeners.Own(Ports.Bind(network.BindHost, network.BalancerPort, shared: false));
            }

            listeners.Servers = Enumerable.Range(0, settings.Servers)
                .Select(i => listeners.Own(Ports.Bind(network.BindHost, network.ServerPort == 0 ? 0 : network.ServerPort + i, shared: false)))
                .ToList();

            listeners.Admin = AdminPlan.For(settings.Admin);
            if (listeners.Admin.Listener is { } admin)
            {
                listeners.Own(admin);
            }

            // Akka.Remote's transport would share a port another process listens on; refuse that here.
            if (network.RemotePort != 0)
            {
                Ports.Listen(network.BindHost, network.RemotePort, shared: false, purpose: "remote-port").Dispose();
            }

            return listeners;
        }
        catch
        {
            listeners.Dispose();
            throw;
        }
    }

    /// <summary>The shared balancer port of the process approach, bound once this node's servers serve.</summary>
    public Socket? BindSharedEdge()
    {
        if (_network.BalancerEdge && _network.SharedBalancerPort)
        {
            Edge = Own(Ports.Bind(_network.BindHost, _network.BalancerPort, shared: true));
        }

        return Edge;
    }

    /// <summary>The actors that listen on the sockets own them from now on.</summary>
    public void HandOver() => _owned.Clear();

    /// <summary>Closes every socket not handed over (a start that failed).</summary>
    public void Dispose()
    {
        _owned.ForEach(socket => socket.Dispose());
        _owned.Clear();
    }

    private Socket Own(Socket socket)
    {
        _owned.Add(socket);
        return socket;
    }
}
