using Akka.Actor;
using Akka.TestKit;
using ChatActors.Stats;
using Microsoft.Extensions.Time.Testing;

namespace ChatActors.Tests.Support;

/// <summary>
/// A stats actor that takes a snapshot every 2 events, beside a probe in place of its storage.db
/// writer that is left only the trim's questions (<see cref="AwaitProjectedThrough"/>).
/// </summary>
public sealed record TrimmingStats(TestKitBase Kit, IActorRef Stats, TestProbe DbWriter)
{
    public static TrimmingStats Start(TestKitBase kit)
    {
        var dbWriter = kit.CreateTestProbe();
        dbWriter.IgnoreMessages(message => message is ServerTotalsChanged or StatsEventRecorded);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));
        var stats = kit.Sys.ActorOf(StatsActor.Props(clock, dbWriter, kit.CreateTestProbe(), TestMetrics.Create(), snapshotInterval: 2));
        return new TrimmingStats(kit, stats, dbWriter);
    }

    /// <summary>Counts approaches one after another, each answered before the next.</summary>
    public void CountApproaches(int count)
    {
        for (var i = 0; i < count; i++)
        {
            Stats.Tell(new CountApproach(false, DateTime.UtcNow.AddSeconds(10)), Kit.TestActor);
            Kit.ExpectMsg<Counted>();
        }
    }

    /// <summary>The events the journal still holds.</summary>
    public List<long> Journaled() => JournalContents.SequenceNrs(Kit, StatsActor.StatsPersistenceId);
}
