using System.Net;
using System.Net.Sockets;

namespace ChatActors.Balancer;

/// <summary>
/// Limits per remote address, so that one address cannot take the places other clients need:
/// its concurrent connections to one server and to the whole node, its connects to the
/// balancer per second (a burst, then the rate), and the places it may hold reserved at the
/// balancer. Loopback addresses are exempt unless <see cref="ExemptLoopback"/> is off, so that
/// local tests and tools run as they are.
/// </summary>
public sealed record AddressLimits(
    int ConnectionsPerServer,
    int ConnectionsPerNode,
    double BalancerConnectsPerSecond,
    int BalancerConnectBurst,
    bool ExemptLoopback)
{
    /// <summary>Limits so high that none is ever met (unit specs of actors that do not test them).</summary>
    public static readonly AddressLimits None = new(int.MaxValue, int.MaxValue, double.MaxValue, int.MaxValue, ExemptLoopback: true);

    /// <summary>An address holds at most as many balancer reservations as it may hold connections on a node.</summary>
    public int ReservationsPerAddress => ConnectionsPerNode;

    /// <summary>
    /// The address the limits count a connection from <paramref name="remote"/> against, or null
    /// when they do not apply to it. An IPv4 address inside IPv6 counts as that IPv4 address; an
    /// IPv6 address counts as its /64 network, which one host is normally given whole.
    /// </summary>
    public IPAddress? LimitedAddress(EndPoint? remote)
    {
        if (remote is not IPEndPoint { Address: var address })
        {
            return null;
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (ExemptLoopback && IPAddress.IsLoopback(address))
        {
            return null;
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address;
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes);
    }
}
