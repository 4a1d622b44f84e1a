namespace ChatActors.Stats;

/// <summary>Something that changes the counters; <see cref="At"/> is local wall-clock time.</summary>
public interface IStatsEvent
{
    DateTime At { get; }
}

public sealed record ClientApproached(DateTime At) : IStatsEvent;

public sealed record ClientLost(DateTime At) : IStatsEvent;

/// <summary>
/// Connections refused by a limit per address, counted together (at most one event a second
/// per refuser), so that a flood cannot grow the journal by one event per connection. Each is
/// a lost client, and one refused at the balancer is an approach as well.
/// </summary>
public sealed record ConnectionsRefused(int Count, bool AtBalancer, DateTime At) : IStatsEvent;

public sealed record ClientJoined(string User, DateTime At) : IStatsEvent;

/// <param name="JoinSequenceNr">The journal sequence number of the <see cref="ClientJoined"/> this leave ends; 0 in events journaled before it was kept.</param>
public sealed record ClientLeft(string User, DateTime JoinedAt, long JoinSequenceNr, DateTime At, double? Rating) : IStatsEvent;

/// <summary>The counters carried over from a storage.db of the Python version, journaled once when the journal is empty.</summary>
public sealed record StatsResumed(StatsState State, DateTime At) : IStatsEvent;
