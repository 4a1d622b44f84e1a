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
