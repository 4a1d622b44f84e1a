using ChatActors.Net;

namespace ChatActors.Actors;

/// <param name="Index">0-based; the server is named <c>Server-(Index+1)</c>.</param>
/// <param name="AdvertisedHost">The host the balancer hands out for this server.</param>
public sealed record ServerSettings(int Index, string AdvertisedHost, int Capacity, SessionSettings Session, OutboundLimits Outbound)
{
    public string Name => Session.ServerName;

    public static string NameOf(int index) => $"Server-{index + 1}";
}
