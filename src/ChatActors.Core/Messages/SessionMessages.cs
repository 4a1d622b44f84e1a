namespace ChatActors.Messages;

/// <summary>The client let its outbound queue overflow; its connection has been aborted.</summary>
public sealed record OutboundOverflowed
{
    public static readonly OutboundOverflowed Instance = new();
}
