using ChatActors.Stats;

namespace ChatActors.Session;

/// <param name="ServerName">The name the session greets its client with, e.g. <c>Server-2</c>.</param>
/// <param name="MaxMessageBytes">Longer client messages get <c>ERROR line too long</c>.</param>
/// <param name="CloseDrainTimeout">How long a closing session keeps trying to deliver what it queued.</param>
/// <param name="JoinTimeout">How long a join may wait for the name registry before it fails.</param>
/// <param name="Counting">How long the join and the leave wait for the stats actor.</param>
/// <param name="UnjoinedTimeout">A connection that has not joined this long after it connected is told so and closed.</param>
/// <param name="Input">How fast the session reads what its client sends.</param>
public sealed record SessionSettings(
    string ServerName,
    int MaxMessageBytes,
    TimeSpan CloseDrainTimeout,
    TimeSpan JoinTimeout,
    CountWaits Counting,
    TimeSpan UnjoinedTimeout,
    InputLimits Input);
