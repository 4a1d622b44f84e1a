
namespace ChatActors.Stats.Storage;

/// <summary>A <c>server</c> row: the cluster totals for one date under the name <c>Master</c>.</summary>
public sealed record ServerRow(
    string Date,
    double AverageRating,
    long TodayCount,
    long MonthlyCount,
    long TotalApproaches,
    long LostCount)
{
    public static ServerRow From(StatsState state) => new(
        StorageFormat.Date(state.Date),
        state.AverageRating,
        state.TodayCount,
        state.MonthlyCount,
        state.TotalApproaches,
        state.LostCount);
}

/// <summary>A change to the <c>session</c> table, derived from one journal event.</summary>
public abstract record SessionChange(long SequenceNr);

/// <summary>A client joined: a new row with <c>Out_Time = '0'</c>.</summary>
public sealed record SessionOpened(long SequenceNr, string Date, string User, string InTime) : SessionChange(SequenceNr);

/// <summary>
/// A client left: with a rating (<see cref="OutTime"/> set), the row its join created gets the
/// leave time. The row is found by the join's sequence number; a leave journaled before that
/// was kept (<see cref="JoinSequenceNr"/> 0) falls back to user, date and In_Time.
/// </summary>
public sealed record SessionClosed(long SequenceNr, long JoinSequenceNr, string Date, string User, string InTime, string? OutTime) : SessionChange(SequenceNr);

/// <summary>An event that changes no session row, kept so the projection's offset still moves past it.</summary>
public sealed record NoSessionChange(long SequenceNr) : SessionChange(SequenceNr);
