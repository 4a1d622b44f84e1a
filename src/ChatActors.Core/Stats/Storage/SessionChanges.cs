
namespace ChatActors.Stats.Storage;

/// <summary>How each stats event shows in the <c>session</c> table.</summary>
public static class SessionChanges
{
    public static SessionChange From(long sequenceNr, IStatsEvent statsEvent) => statsEvent switch
    {
        ClientJoined joined => new SessionOpened(sequenceNr, StorageFormat.Date(joined.At), joined.User, StorageFormat.Time(joined.At)),
        ClientLeft left => new SessionClosed(
            sequenceNr,
            left.JoinSequenceNr,
            StorageFormat.Date(left.JoinedAt),
            left.User,
            StorageFormat.Time(left.JoinedAt),
            left.Rating is null ? null : StorageFormat.Time(left.At)),
        _ => new NoSessionChange(sequenceNr),
    };
}
