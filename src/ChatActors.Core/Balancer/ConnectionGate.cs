using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using ChatActors.Admin;
using ChatActors.Protocol;
using ChatActors.Stats;

namespace ChatActors.Balancer;

/// <summary>A server asks whether a connection from a limited address may stay.</summary>
public sealed record AdmitConnection(Socket Socket, IPAddress Address);

/// <summary>The connection may stay; its server tells <see cref="GatedConnectionClosed"/> when it goes.</summary>
public sealed record ConnectionAdmitted(Socket Socket, IPAddress Address);

/// <summary>A connection the gate admitted has closed.</summary>
public sealed record GatedConnectionClosed(IPAddress Address);

/// <summary>
/// Owns the count of connections per remote address on this node, for each server and for
/// all of them together (<see cref="AddressLimits"/>). A connection within both limits goes
/// back to its server; one past either gets <c>ERROR too many connections from your address</c>
/// through <see cref="ConnectionRefusals"/>. Only connections from limited addresses come here.
/// </summary>
public sealed class ConnectionGate : ReceiveActor
{
    private static readonly byte[] TooManyConnections = Wire.Encode(Wire.TooManyConnections);
    private readonly AddressLimits _limits;
    private readonly IActorRef _refusals;
    private readonly Dictionary<IActorRef, Dictionary<IPAddress, int>> _byServer = new();

    public ConnectionGate(AddressLimits limits, IActorRef stats, CountWaits counting, ChatMetrics metrics)
    {
        _limits = limits;
        _refusals = Context.ActorOf(ConnectionRefusals.Props(stats, counting, atBalancer: false, "This node", metrics), "refusals");

        Receive<AdmitConnection>(Admit);
        Receive<GatedConnectionClosed>(closed => Release(Sender, closed.Address));
        // A server that stopped took its connections with it.
        Receive<Terminated>(terminated => _byServer.Remove(terminated.ActorRef));
    }

    public static Props Props(AddressLimits limits, IActorRef stats, CountWaits counting, ChatMetrics metrics) =>
        Akka.Actor.Props.Create(() => new ConnectionGate(limits, stats, counting, metrics));

    private void Admit(AdmitConnection admit)
    {
        if (!_byServer.TryGetValue(Sender, out var onServer))
        {
            onServer = new Dictionary<IPAddress, int>();
            _byServer[Sender] = onServer;
            Context.Watch(Sender);
        }

        if (onServer.GetValueOrDefault(admit.Address) >= _limits.ConnectionsPerServer
            || OnNode(admit.Address) >= _limits.ConnectionsPerNode)
        {
            _refusals.Tell(new RefuseConnection(admit.Socket, admit.Address, TooManyConnections));
            return;
        }

        Add(onServer, admit.Address, 1);
        Sender.Tell(new ConnectionAdmitted(admit.Socket, admit.Address));
    }

    private void Release(IActorRef server, IPAddress address)
    {
        if (_byServer.TryGetValue(server, out var onServer))
        {
            Add(onServer, address, -1);
        }
    }

    /// <summary>A node holds a handful of servers: summing them is cheaper than keeping a second count in step.</summary>
    private int OnNode(IPAddress address) => _byServer.Values.Sum(onServer => onServer.GetValueOrDefault(address));

    /// <summary>Keeps only addresses that hold connections, so the maps stay as small as the node's connections.</summary>
    private static void Add(Dictionary<IPAddress, int> counts, IPAddress address, int change)
    {
        var count = counts.GetValueOrDefault(address) + change;
        if (count > 0)
        {
            counts[address] = count;
        }
        else
        {
            counts.Remove(address);
        }
    }
}
