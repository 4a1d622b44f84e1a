namespace ChatActors.Session;

/// <summary>
/// IRC-style flood control of what one client sends: a burst is read at once, a sustained
/// flood is read only at the rates (the rest waits in TCP, not in memory), and a client
/// that keeps being slowed for <see cref="CutOffAfter"/> is disconnected.
/// </summary>
public sealed record InputLimits(double LinesPerSecond, int LineBurst, double BytesPerSecond, int ByteBurst, TimeSpan CutOffAfter)
{
    public TokenBucket LineBucket() => new(LinesPerSecond, LineBurst);

    public TokenBucket ByteBucket() => new(BytesPerSecond, ByteBurst);
}
