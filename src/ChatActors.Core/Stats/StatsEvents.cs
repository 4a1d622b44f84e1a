namespace ChatActors.Stats;

/// <summary>Something that changes the counters; <see cref="At"/> is local wall-clock time.</summary>
public interface IStatsEvent
{
    DateTime At { get; }
}

public sealed record ClientApproached(DateTime At) : IStatsEvent;

public sealed record ClientLost(DateTime At) : IStatsEvent;

public sealed record ClientJoined(string User, DateTime At) : IStatsEvent;

/// <param name="JoinSequenceNr">The journal sequence number of the <see cref="ClientJoined"/> this leave ends; 0 in events journaled before it was kept.</param>
public sealed record ClientLeft(string User, DateTime JoinedAt, long JoinSequenceNr, DateTime At, double? Rating) : IStatsEvent;

/// <summary>The counters carried over from a storage.db of the Python version, journaled once when the journal is empty.</summary>
public sealed record StatsResumed(StatsState State, DateTime At) : IStatsEvent;
