namespace ChatActors.Messages;

/// <summary>A client connected to the balancer.</summary>
public sealed record CountApproach
{
    public static readonly CountApproach Instance = new();
}

/// <summary>A client was turned away (<c>SNA wait</c> or <c>Server busy</c>).</summary>
public sealed record CountLostClient
{
    public static readonly CountLostClient Instance = new();
}

/// <summary>A client joined; the reply <see cref="JoinRecorded"/> comes once the join is counted.</summary>
public sealed record RecordJoin(string User);

public sealed record JoinRecorded(string User, DateTime JoinedAt);

/// <summary>A joined client left, with a valid rating or none.</summary>
public sealed record RecordLeave(string User, DateTime JoinedAt, double? Rating);

public sealed record GetStats
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
    int Online);

/// <summary>Before shutdown: answered with <see cref="StorageFlushed"/> once every counted event is in storage.db.</summary>
public sealed record FlushStats
{
    public static readonly FlushStats Instance = new();
}
