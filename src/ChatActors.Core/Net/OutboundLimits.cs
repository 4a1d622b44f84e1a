namespace ChatActors.Net;

/// <summary>How much a client may leave unread before it is cut off.</summary>
public sealed record OutboundLimits(int MaxMessages, long MaxBytes)
{
    public static readonly OutboundLimits Default = new(1_000, 1024 * 1024);
}

public enum EnqueueResult
{
    Queued,
    /// <summary>This write broke the limits; the connection is aborted. Reported once per connection.</summary>
    Overflowed,
    /// <summary>The connection is closing or closed; the bytes were dropped.</summary>
    Closed,
}
