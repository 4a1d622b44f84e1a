using Akka.Actor;
using ChatActors.Serialization;

namespace ChatActors.Stats;

/// <summary>
/// A count whose outcome a client is about to see. The stats actor answers once the count is
/// journaled (or <see cref="CountRefused"/>), and the requester shows the client the outcome
/// only then. A request the stats actor gets after <see cref="AcceptBeforeUtc"/> is refused
/// uncounted, because by the time it could be journaled its requester may have given up.
/// </summary>
public interface ICountRequest : IChatMessage
{
    DateTime AcceptBeforeUtc { get; }
}

/// <summary>A client connected to the balancer and gets the answer the edge holds: <c>SNA wait</c> when <see cref="TurnedAway"/>.</summary>
/// <remarks>Answered with <see cref="Counted"/>.</remarks>
public sealed record CountApproach(bool TurnedAway, DateTime AcceptBeforeUtc) : ICountRequest;

/// <summary>A server turns a client away (<c>Server busy</c>); answered with <see cref="Counted"/>.</summary>
public sealed record CountLostClient(DateTime AcceptBeforeUtc) : ICountRequest;

/// <summary>
/// Connections a limit per address refused, in the last second; answered with <see cref="Counted"/>.
/// <see cref="AtBalancer"/>: refused by the balancer edge, so each was an approach too.
/// </summary>
public sealed record CountRefusedConnections(int Count, bool AtBalancer, DateTime AcceptBeforeUtc) : ICountRequest;

/// <summary>A client joins; answered with <see cref="JoinRecorded"/> once the join is counted.</summary>
public sealed record RecordJoin(string User, DateTime AcceptBeforeUtc) : ICountRequest;

/// <param name="SequenceNr">The join's number in the stats journal: the identity its leave refers to.</param>
public sealed record JoinRecorded(string User, DateTime JoinedAt, long SequenceNr) : IChatMessage;

/// <summary>A joined client leaves, with a valid rating or none; answered with <see cref="Counted"/>.</summary>
/// <param name="JoinSequenceNr">The <see cref="JoinRecorded.SequenceNr"/> of the join this leave ends.</param>
public sealed record RecordLeave(string User, DateTime JoinedAt, long JoinSequenceNr, double? Rating, DateTime AcceptBeforeUtc) : ICountRequest;

/// <summary>The request is journaled and counts.</summary>
public sealed record Counted : IChatMessage
{
    public static readonly Counted Instance = new();
}

/// <summary>The request came too late to be counted and never will be.</summary>
public sealed record CountRefused : IChatMessage
{
    public static readonly CountRefused Instance = new();
}

/// <summary>
/// The request went to a stats actor whose node is gone: it may have been journaled, or lost with
/// the node, and nobody can tell. Its client is answered as if its own node had died (an approach
/// closed without a reply, a join without an answer). Sent on this node only, by the counting gate.
/// </summary>
public sealed record CountUncertain
{
    public static readonly CountUncertain Instance = new();
}

/// <summary>
/// How many joined clients one server has, sent whenever it changes; <c>online</c> is their sum
/// over live servers. <see cref="Version"/> grows with every change, so an older figure that
/// arrives late (by another path, or buffered while the stats actor moved) never replaces a newer one.
/// </summary>
public sealed record ServerOnline(IActorRef Server, int Joined, long Version) : IChatMessage;

public sealed record GetStats : IChatMessage
{
    public static readonly GetStats Instance = new();
}

public sealed record StatsSnapshot(
    string Date,
    long TodayCount,
    long MonthlyCount,
    long TotalApproaches,
    long LostCount,
    double AverageRating,
    int Online) : IChatMessage;

/// <summary>Before shutdown: answered with <see cref="StorageFlushed"/> once every counted event is in storage.db.</summary>
public sealed record FlushStats : IChatMessage
{
    public static readonly FlushStats Instance = new();
}
