namespace ChatActors.Session;

/// <summary>The client let its outbound queue overflow; its connection has been aborted.</summary>
public sealed record OutboundOverflowed
{
    public static readonly OutboundOverflowed Instance = new();
}

/// <summary>The server stops: a joined client leaves unrated (journaled before its connection closes), any other session just stops.</summary>
public sealed record EndSession
{
    public static readonly EndSession Instance = new();
}

/// <summary>
/// Sent to a server instead of stopping it outright: it stops accepting, ends every session
/// (each leave journaled first) and stops once they all have.
/// </summary>
public sealed record StopServing
{
    public static readonly StopServing Instance = new();
}
