using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using ChatActors.Balancer;
using ChatActors.Server;
using ChatActors.Stats;
using ChatActors.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace ChatActors.Tests.Unit;

public class StatsActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly Config InMemoryPersistence = ConfigurationFactory.ParseString("""
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """);

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 15, 4, 5, TimeSpan.Zero));
    private readonly TestProbe _dbWriter;

    public StatsActorSpecs()
        : base(InMemoryPersistence)
    {
        _dbWriter = CreateTestProbe();
        _dbWriter.IgnoreMessages<ServerTotalsChanged>();
    }

    private IActorRef StartStats(StatsState? legacy = null, int snapshotInterval = 1000) =>
        Sys.ActorOf(StatsActor.Props(_clock, _dbWriter, CreateTestProbe(), TestMetrics.Create(), legacy, snapshotInterval));

    private StatsSnapshot StatsOf(IActorRef stats)
    {
        stats.Tell(GetStats.Instance);
        return ExpectMsg<StatsSnapshot>();
    }

    private static DateTime Soon => DateTime.UtcNow.AddSeconds(10);

    private JoinRecorded Join(IActorRef stats, string user)
    {
        stats.Tell(new RecordJoin(user, Soon));
        return ExpectMsg<JoinRecorded>(recorded => recorded.User == user);
    }

    private void Approach(IActorRef stats, bool turnedAway = false)
    {
        stats.Tell(new CountApproach(turnedAway, Soon));
        ExpectMsg<Counted>();
    }

    private void Lost(IActorRef stats)
    {
        stats.Tell(new CountLostClient(Soon));
        ExpectMsg<Counted>();
    }

    private void Leave(IActorRef stats, JoinRecorded join, double? rating)
    {
        stats.Tell(new RecordLeave(join.User, join.JoinedAt, join.SequenceNr, rating, Soon));
        ExpectMsg<Counted>();
    }

    private void StopGracefully(IActorRef stats)
    {
        Watch(stats);
        stats.Tell(PoisonPill.Instance);
        ExpectTerminated(stats);
    }

    [Fact]
    public void Online_is_the_sum_of_what_the_live_servers_report()
    {
        var chatTopic = CreateTestProbe();
        var stats = Sys.ActorOf(StatsActor.Props(_clock, _dbWriter, chatTopic, TestMetrics.Create()));
        // A stats actor that starts (or moves) asks every server what it holds.
        var report = chatTopic.ExpectMsg<Akka.Cluster.Tools.PublishSubscribe.Publish>();
        Assert.IsType<ReportServerStatus>(report.Message);

        var first = CreateTestProbe();
        var second = CreateTestProbe();
        stats.Tell(new ServerStatus(new RegisterServer(0, "Server-1", "127.0.0.1", 5010, 10, first), 4, [], new ServerOnline(first, 3, 6)));
        stats.Tell(new ServerOnline(second, 2, 1));
        AwaitAssert(() => Assert.Equal(5, StatsOf(stats).Online));

        stats.Tell(new ServerOnline(second, 1, 2));
        AwaitAssert(() => Assert.Equal(4, StatsOf(stats).Online));

        // A figure that was overtaken on its way (it is older than the one already known) changes nothing.
        stats.Tell(new ServerOnline(first, 9, 5));
        stats.Tell(new ServerOnline(second, 7, 2));
        Assert.Equal(4, StatsOf(stats).Online);

        // A server that is gone (its node was downed) has no clients online any more.
        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);
        AwaitAssert(() => Assert.Equal(1, StatsOf(stats).Online));
    }

    [Fact]
    public void It_counts_approaches_lost_clients_joins_and_the_true_mean_of_ratings()
    {
        var stats = StartStats();
        Approach(stats);
        Approach(stats, turnedAway: true);
        Lost(stats);
        var ann = Join(stats, "ann");
        var ben = Join(stats, "ben");
        var cat = Join(stats, "cat");
        Leave(stats, ann, 4);
        Leave(stats, ben, 5);
        Leave(stats, cat, null);
        Leave(stats, ann with { User = "dan" }, 3.5);

        Assert.Equal(new StatsSnapshot("24 Nov 26", 3, 3, 2, 2, 12.5 / 3, 0), StatsOf(stats));
    }

    [Fact]
    public void A_request_that_comes_after_its_deadline_is_refused_and_never_counted()
    {
        var stats = StartStats();
        var past = DateTime.UtcNow.AddMilliseconds(-1);
        stats.Tell(new CountApproach(true, past));
        ExpectMsg<CountRefused>();
        stats.Tell(new CountLostClient(past));
        ExpectMsg<CountRefused>();
        stats.Tell(new RecordJoin("ann", past));
        ExpectMsg<CountRefused>();
        stats.Tell(new RecordLeave("ann", _clock.GetLocalNow().DateTime, 1, 5, past));
        ExpectMsg<CountRefused>();

        Assert.Equal(new StatsSnapshot("24 Nov 26", 0, 0, 0, 0, 0, 0), StatsOf(stats));
        _dbWriter.ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void A_join_is_answered_only_after_it_is_journaled_and_its_leave_refers_to_it()
    {
        var stats = StartStats();
        Approach(stats);
        var join = Join(stats, "ann");
        Assert.Equal(new JoinRecorded("ann", new DateTime(2026, 11, 24, 15, 4, 5), 2), join);
        Leave(stats, join, 4);

        Assert.Equal(1, _dbWriter.ExpectMsg<StatsEventRecorded>().SequenceNr);
        Assert.Equal(new StatsEventRecorded(2, new ClientJoined("ann", join.JoinedAt)), _dbWriter.ExpectMsg<StatsEventRecorded>());
        Assert.Equal(
            new StatsEventRecorded(3, new ClientLeft("ann", join.JoinedAt, 2, join.JoinedAt, 4)),
            _dbWriter.ExpectMsg<StatsEventRecorded>());
    }

    [Fact]
    public void Today_starts_again_at_midnight_and_the_month_keeps_counting()
    {
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 23, 59, 58, TimeSpan.Zero));
        var stats = StartStats();
        Join(stats, "ann");
        Join(stats, "ben");

        _clock.Advance(TimeSpan.FromSeconds(3));
        var afterMidnight = StatsOf(stats);
        Assert.Equal(("25 Nov 26", 0L, 2L), (afterMidnight.Date, afterMidnight.TodayCount, afterMidnight.MonthlyCount));

        Join(stats, "cat");
        var later = StatsOf(stats);
        Assert.Equal((1L, 3L), (later.TodayCount, later.MonthlyCount));
    }

    [Fact]
    public void A_new_date_gets_its_server_row_even_when_nothing_happens()
    {
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 24, 23, 59, 59, TimeSpan.Zero));
        var storage = CreateTestProbe();
        var stats = Sys.ActorOf(StatsActor.Props(_clock, storage, CreateTestProbe(), TestMetrics.Create(), null, 1000));
        stats.Tell(new RecordJoin("ann", Soon));
        storage.FishForMessage<ServerTotalsChanged>(totals => totals.Row.TodayCount == 1);

        _clock.Advance(TimeSpan.FromSeconds(2));
        var newDay = storage.FishForMessage<ServerTotalsChanged>(totals => totals.Row.Date == "25 Nov 26", TimeSpan.FromSeconds(5));
        Assert.Equal((0L, 1L), (newDay.Row.TodayCount, newDay.Row.MonthlyCount));
    }

    [Fact]
    public void A_new_month_starts_both_counts_again_and_keeps_the_totals()
    {
        _clock.SetUtcNow(new DateTimeOffset(2026, 11, 30, 23, 59, 59, TimeSpan.Zero));
        var stats = StartStats();
        Approach(stats);
        Leave(stats, Join(stats, "ann"), 4);

        _clock.Advance(TimeSpan.FromSeconds(2));
        AwaitAssert(() => Assert.Equal(new StatsSnapshot("01 Dec 26", 0, 0, 1, 0, 4, 0), StatsOf(stats)));
    }

    [Fact]
    public void A_restarted_stats_actor_recovers_its_counters_from_the_journal()
    {
        var stats = StartStats();
        Approach(stats);
        Lost(stats);
        Leave(stats, Join(stats, "ann"), 4.5);
        StopGracefully(stats);

        var recovered = StartStats();
        Assert.Equal(new StatsSnapshot("24 Nov 26", 1, 1, 1, 1, 4.5, 0), StatsOf(recovered));
        Join(recovered, "ben");
        Assert.Equal(2, StatsOf(recovered).TodayCount);
    }

    [Fact]
    public void Recovery_from_a_snapshot_and_later_events_gives_the_same_counters()
    {
        var stats = StartStats(snapshotInterval: 3);
        for (var i = 0; i < 7; i++)
        {
            Join(stats, $"user{i}");
        }

        StopGracefully(stats);
        var recovered = StartStats(snapshotInterval: 3);
        Assert.Equal(7, StatsOf(recovered).TodayCount);
    }

    [Fact]
    public void An_empty_journal_resumes_from_the_newest_legacy_server_row_once()
    {
        var legacy = new StatsState(new DateOnly(2026, 11, 20), 7, 40, 57, 3, 4.25, 1);
        var stats = StartStats(legacy);
        var resumed = StatsOf(stats);
        Assert.Equal(new StatsSnapshot("24 Nov 26", 0, 40, 57, 3, 4.25, 0), resumed);

        Approach(stats);
        Join(stats, "ann");
        StopGracefully(stats);

        // The journal is no longer empty: a legacy row (even a different one) is not applied again.
        var restarted = StartStats(legacy with { TotalApproaches = 1000 });
        Assert.Equal(new StatsSnapshot("24 Nov 26", 1, 41, 58, 3, 4.25, 0), StatsOf(restarted));
    }

    [Fact]
    public void Flush_is_answered_by_the_db_writer_after_every_pending_event()
    {
        var stats = StartStats();
        stats.Tell(new CountApproach(false, Soon));
        stats.Tell(FlushStats.Instance);
        _dbWriter.ExpectMsg<StatsEventRecorded>();
        var flush = _dbWriter.ExpectMsg<FlushStorage>();
        Assert.Equal(TestActor, flush.ReplyTo);
    }
}
