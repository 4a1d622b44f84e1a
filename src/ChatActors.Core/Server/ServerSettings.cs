using ChatActors.Balancer;
using ChatActors.Net;
using ChatActors.Session;

namespace ChatActors.Server;

/// <param name="Index">0-based; the server is named <c>Server-(Index+1)</c>.</param>
/// <param name="AdvertisedHost">The host the balancer hands out for this server.</param>
/// <param name="AddressLimits">Which connections go through the node's <see cref="ConnectionGate"/>.</param>
public sealed record ServerSettings(int Index, string AdvertisedHost, int Capacity, SessionSettings Session, OutboundLimits Outbound, AddressLimits AddressLimits)
{
    public string Name => Session.ServerName;

    public static string NameOf(int index) => $"Server-{index + 1}";
}
