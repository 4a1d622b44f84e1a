using Akka.Actor;

namespace ChatActors.Messages;

/// <summary>A client connected to the balancer.</summary>
public sealed record CountApproach : IChatMessage
{
    public static readonly CountApproach Instance = new();
}

/// <summary>A client was turned away (<c>SNA wait</c> or <c>Server busy</c>).</summary>
public sealed record CountLostClient : IChatMessage
{
    public static readonly CountLostClient Instance = new();
}

/// <summary>A client joined; the reply <see cref="JoinRecorded"/> comes once the join is counted.</summary>
public sealed record RecordJoin(string User) : IChatMessage;

public sealed record JoinRecorded(string User, DateTime JoinedAt) : IChatMessage;

/// <summary>A joined client left, with a valid rating or none.</summary>
public sealed record RecordLeave(string User, DateTime JoinedAt, double? Rating) : IChatMessage;

/// <summary>How many joined clients one server has, sent whenever it changes; <c>online</c> is their sum over live servers.</summary>
public sealed record ServerOnline(IActorRef Server, int Joined) : IChatMessage;

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
