using ChatActors.Stats;

namespace ChatActors.Storage;

/// <summary>How each stats event shows in the <c>session</c> table.</summary>
public static class SessionChanges
{
    public static SessionChange From(long sequenceNr, IStatsEvent statsEvent) => statsEvent switch
    {
        ClientJoined joined => new SessionOpened(sequenceNr, StorageFormat.Date(joined.At), joined.User, StorageFormat.Time(joined.At)),
        ClientLeft { Rating: not null } left => new SessionRated(
            sequenceNr,
            StorageFormat.Date(left.JoinedAt),
            left.User,
            StorageFormat.Time(left.JoinedAt),
            StorageFormat.Time(left.At)),
        _ => new NoSessionChange(sequenceNr),
    };
}
