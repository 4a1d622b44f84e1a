using Akka.Configuration;
using Akka.Persistence;
using Akka.Persistence.Snapshot;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class StatsSnapshotOrderSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config SnapshotsThatFinishNewestFirst = ConfigurationFactory.ParseString($$"""
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.newest-first"
        akka.persistence.snapshot-store.newest-first {
          class = "{{typeof(SecondSnapshotFinishesFirstStore).AssemblyQualifiedName}}"
          plugin-dispatcher = "akka.actor.default-dispatcher"
        }
        """);

    public StatsSnapshotOrderSpecs()
        : base(SnapshotsThatFinishNewestFirst)
    {
    }

    [Fact]
    public void A_snapshot_saved_after_a_newer_one_does_not_take_the_trim_back()
    {
        var trimming = TrimmingStats.Start(this);
        trimming.CountApproaches(5);

        // storage.db holds every event: each wait for it is answered at once.
        AwaitAssert(
            () =>
            {
                if (trimming.DbWriter.HasMessages)
                {
                    var awaited = trimming.DbWriter.ExpectMsg<AwaitProjectedThrough>();
                    trimming.DbWriter.Reply(new ProjectedThrough(awaited.SequenceNr));
                }

                Assert.Equal([5L], trimming.Journaled());
            },
            TimeSpan.FromSeconds(10),
            TimeSpan.FromMilliseconds(100));
    }

    /// <summary>The in-memory snapshot store, where the first save finishes only after the second, as two saves side by side on a busy database may.</summary>
    public sealed class SecondSnapshotFinishesFirstStore : MemorySnapshotStore
    {
        private readonly TaskCompletionSource _secondSaved = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _saves;

        protected override async Task SaveAsync(SnapshotMetadata metadata, object snapshot, CancellationToken cancellationToken = default)
        {
            var save = Interlocked.Increment(ref _saves);
            if (save == 1)
            {
                await _secondSaved.Task;
            }

            await base.SaveAsync(metadata, snapshot, cancellationToken);
            if (save == 2)
            {
                _secondSaved.SetResult();
            }
        }
    }
}
