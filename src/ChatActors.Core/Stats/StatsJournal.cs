using Akka.Actor;
using Akka.Event;
using Akka.Pattern;
using Akka.Persistence.Query;
using Akka.Persistence.Sql.Query;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ChatActors.Stats;

/// <summary>The stats actor's events as the journal holds them, for the DbWriter's catch-up.</summary>
public static class StatsJournal
{
    private static readonly TimeSpan ReadyWithin = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Reads the stats events after a sequence number from the journal. The read journal is
    /// taken at the first read, off the caller's thread, since it may wait for a locked file.
    /// </summary>
    public static DbWriter.JournalReader ReaderFor(ActorSystem system)
    {
        SqlReadJournal? journal = null;
        return async afterSequenceNr => await (journal ??= await Task.Run(() => ReadJournalOf(system)))
            .CurrentEventsByPersistenceId(StatsActor.StatsPersistenceId, afterSequenceNr + 1, long.MaxValue)
            .Select(envelope => new StatsEventRecorded(envelope.SequenceNr, (IStatsEvent)envelope.Event))
            .RunWith(Sink.Seq<StatsEventRecorded>(), system.Materializer());
    }

    /// <summary>
    /// Akka.Persistence.Sql's read journal waits 5 s for the write journal to have its tables and
    /// gives up. Nodes of the process approach start together on one file, each creating the
    /// tables while the others hold the lock, and on a busy machine that takes longer; so it is
    /// asked again for a while (and after that the DbWriter tries its catch-up again).
    /// </summary>
    private static SqlReadJournal ReadJournalOf(ActorSystem system)
    {
        var giveUpAt = Environment.TickCount64 + (long)ReadyWithin.TotalMilliseconds;
        while (true)
        {
            try
            {
                return PersistenceQuery.Get(system).ReadJournalFor<SqlReadJournal>(SqlReadJournal.Identifier);
            }
            catch (Exception ex) when (ex.GetBaseException() is AskTimeoutException)
            {
                if (Environment.TickCount64 >= giveUpAt)
                {
                    throw new TimeoutException($"the stats journal was not ready within {ReadyWithin.TotalSeconds:0} s (its database stayed locked)", ex);
                }

                system.Log.Warning("The stats journal is not ready yet (its database is locked); waiting for it again");
            }
        }
    }
}
