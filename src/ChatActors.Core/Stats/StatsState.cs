namespace ChatActors.Stats;

/// <summary>
/// The counters of PROTOCOL.md section 3. The average rating is the true mean: the sum
/// and count of every rating are kept, not a running approximation.
/// </summary>
public sealed record StatsState(
    DateOnly Date,
    long TodayCount,
    long MonthlyCount,
    long TotalApproaches,
    long LostCount,
    double RatingSum,
    long RatingCount)
{
    public static readonly StatsState Empty = new(DateOnly.MinValue, 0, 0, 0, 0, 0, 0);

    public double AverageRating => RatingCount == 0 ? 0 : RatingSum / RatingCount;

    /// <summary>The counters as seen on <paramref name="date"/>: a later day starts today's count at 0, a later month the monthly count.</summary>
    public StatsState AsOf(DateOnly date)
    {
        if (date <= Date)
        {
            return this;
        }

        var sameMonth = date.Year == Date.Year && date.Month == Date.Month;
        return this with { Date = date, TodayCount = 0, MonthlyCount = sameMonth ? MonthlyCount : 0 };
    }

    public StatsState Apply(IStatsEvent statsEvent)
    {
        var current = (statsEvent is StatsResumed resumed ? resumed.State : this).AsOf(DateOnly.FromDateTime(statsEvent.At));
        return statsEvent switch
        {
            StatsResumed => current,
            ClientApproached => current with { TotalApproaches = current.TotalApproaches + 1 },
            ClientLost => current with { LostCount = current.LostCount + 1 },
            ConnectionsRefused refused => current with
            {
                TotalApproaches = current.TotalApproaches + (refused.AtBalancer ? refused.Count : 0),
                LostCount = current.LostCount + refused.Count,
            },
            ClientJoined => current with { TodayCount = current.TodayCount + 1, MonthlyCount = current.MonthlyCount + 1 },
            ClientLeft { Rating: { } rating } => current with
            {
                RatingSum = current.RatingSum + rating,
                RatingCount = current.RatingCount + 1,
            },
            ClientLeft => current,
            _ => throw new ArgumentOutOfRangeException(nameof(statsEvent), statsEvent, "unknown stats event"),
        };
    }
}
