using Akka.Actor;
using ChatActors.Stats;
using ChatActors.Storage;

namespace ChatActors.Messages;

/// <summary>An event the stats actor has persisted, with its journal sequence number.</summary>
public sealed record StatsEventRecorded(long SequenceNr, IStatsEvent Event);

/// <summary>The counters changed; the newest totals replace any not yet written.</summary>
public sealed record ServerTotalsChanged(ServerRow Row);

/// <summary>Write everything pending now and tell <see cref="ReplyTo"/> <see cref="StorageFlushed"/> once it is on disk.</summary>
public sealed record FlushStorage(IActorRef ReplyTo);

public sealed record StorageFlushed
{
    public static readonly StorageFlushed Instance = new();
}
