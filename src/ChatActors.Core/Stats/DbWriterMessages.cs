using Akka.Actor;
using ChatActors.Serialization;
using ChatActors.Stats.Storage;

namespace ChatActors.Stats;

/// <summary>An event the stats actor has persisted, with its journal sequence number.</summary>
public sealed record StatsEventRecorded(long SequenceNr, IStatsEvent Event) : IChatMessage;

/// <summary>The counters changed; the newest totals replace any not yet written.</summary>
public sealed record ServerTotalsChanged(ServerRow Row) : IChatMessage;

/// <summary>Write everything pending now and tell <see cref="ReplyTo"/> <see cref="StorageFlushed"/> once it is on disk.</summary>
public sealed record FlushStorage(IActorRef ReplyTo) : IChatMessage;

public sealed record StorageFlushed : IChatMessage
{
    public static readonly StorageFlushed Instance = new();
}

/// <summary>The singleton manager's last word to the writer when it moves or the node leaves: write what is pending, then stop.</summary>
public sealed record FlushAndStop : IChatMessage
{
    public static readonly FlushAndStop Instance = new();
}

/// <summary>
/// The stats actor saved a snapshot at <see cref="SequenceNr"/>: the writer answers
/// <see cref="ProjectedThrough"/> once storage.db holds every event up to it, so the journal
/// may forget them.
/// </summary>
public sealed record AwaitProjectedThrough(long SequenceNr) : IChatMessage;

public sealed record ProjectedThrough(long SequenceNr) : IChatMessage;
