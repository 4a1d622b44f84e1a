using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Journal;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class StatsTrimSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config JournalThatFailsItsFirstTrim = ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = "akka.persistence.journal.first-trim-fails"
        akka.persistence.journal.first-trim-fails {
          class = "{{typeof(FirstTrimFailsJournal).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """);

    public StatsTrimSpecs()
        : base(JournalThatFailsItsFirstTrim)
    {
    }

    [Fact]
    public void A_trim_that_fails_is_tried_again_without_another_snapshot()
    {
        var trimming = TrimmingStats.Start(this);
        trimming.CountApproaches(3);

        // The snapshot of event 2 is taken; storage.db holds event 2 too, so the journal may forget it.
        Assert.Equal(2, trimming.DbWriter.ExpectMsg<AwaitProjectedThrough>().SequenceNr);
        trimming.DbWriter.Reply(new ProjectedThrough(2));

        AwaitAssert(() => Assert.Equal([3L], trimming.Journaled()), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(200));
    }

    /// <summary>The in-memory journal, whose first trim fails as one over a dropped database connection would.</summary>
    public sealed class FirstTrimFailsJournal : MemoryJournal
    {
        private bool _failedOnce;

        protected override Task DeleteMessagesToAsync(string persistenceId, long toSequenceNr, CancellationToken cancellationToken)
        {
            if (_failedOnce)
            {
                return base.DeleteMessagesToAsync(persistenceId, toSequenceNr, cancellationToken);
            }

            _failedOnce = true;
            return Task.FromException(new InvalidOperationException("the connection to the journal was lost"));
        }
    }
}
