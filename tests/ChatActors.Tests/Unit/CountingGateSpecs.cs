using Akka.Actor;
using Akka.TestKit;
using ChatActors.Stats;
using Microsoft.Extensions.Time.Testing;

namespace ChatActors.Tests.Unit;

/// <summary>The counting gate when the stats actor's node is lost: who is told that a count may be lost with it.</summary>
public class CountingGateSpecs() : Akka.TestKit.Xunit2.TestKit("akka.actor.provider = cluster\nakka.cluster.roles = [storage]\nakka.remote.dot-netty.tcp.port = 0")
{
    /// <summary>As a node has them: a request is accepted within 10 s, and its requester waits for 110 s.</summary>
    private static readonly CountWaits Waits = CountWaits.For(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(5));
    private static readonly DateTime AcceptBefore = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);
    private readonly FakeTimeProvider _clock = new();

    [Fact]
    public async Task Joins_and_approaches_sent_within_the_window_are_told_uncertain_and_leaves_and_later_counts_are_not()
    {
        var stats = CreateTestProbe();
        var gate = await StartGateAsync(stats);
        var (tooOld, atTheEdge, joining, leaving, later) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe(), CreateTestProbe(), CreateTestProbe());

        // Each is forwarded before the clock moves: the gate notes the time it forwards at.
        gate.Tell(new CountApproach(false, AcceptBefore), tooOld);
        await stats.ExpectMsgAsync<CountApproach>();
        _clock.Advance(TimeSpan.FromSeconds(1));
        gate.Tell(new CountApproach(true, AcceptBefore), atTheEdge);
        gate.Tell(new RecordJoin("ann", AcceptBefore), joining);
        gate.Tell(new RecordLeave("bob", AcceptBefore, 3, 4, AcceptBefore), leaving);
        await stats.ExpectMsgAsync<CountApproach>();
        await stats.ExpectMsgAsync<RecordJoin>();
        await stats.ExpectMsgAsync<RecordLeave>();
        _clock.Advance(Waits.AnswerWithin);
        gate.Tell(CountingGate.StatsHostLost.Instance);
        gate.Tell(new CountLostClient(AcceptBefore), later);

        await atTheEdge.ExpectMsgAsync<CountUncertain>();
        await joining.ExpectMsgAsync<CountUncertain>();
        await stats.ExpectMsgAsync<CountLostClient>();
        Assert.Equal(later.Ref, stats.LastSender);
        await tooOld.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        await leaving.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(10));
        await later.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(10));
    }

    /// <summary>A gate on a node that is up with the storage role, so that it counts.</summary>
    private async Task<IActorRef> StartGateAsync(TestProbe stats)
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
        return Sys.ActorOf(CountingGate.Props(stats, Waits, _clock));
    }

    [Fact]
    public async Task A_second_loss_tells_only_what_was_sent_since_the_first()
    {
        var stats = CreateTestProbe();
        var gate = await StartGateAsync(stats);
        var (first, second) = (CreateTestProbe(), CreateTestProbe());

        gate.Tell(new RecordJoin("ann", AcceptBefore), first);
        gate.Tell(CountingGate.StatsHostLost.Instance);
        await first.ExpectMsgAsync<CountUncertain>();
        gate.Tell(new RecordJoin("bob", AcceptBefore), second);
        gate.Tell(CountingGate.StatsHostLost.Instance);

        await second.ExpectMsgAsync<CountUncertain>();
        await first.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }

    [Fact]
    public async Task A_join_sent_after_the_stats_node_died_is_told_uncertain_however_long_the_cluster_takes_to_remove_it()
    {
        var stats = CreateTestProbe();
        var gate = await StartGateAsync(stats);
        var joining = CreateTestProbe();

        // Sent to a stats actor whose node has just died: no answer can come. The cluster takes
        // its time to find out (failure detection, then the split brain resolver's stable-after).
        gate.Tell(new RecordJoin("ann", AcceptBefore), joining);
        await stats.ExpectMsgAsync<RecordJoin>();
        _clock.Advance(TimeSpan.FromSeconds(30));
        gate.Tell(CountingGate.StatsHostLost.Instance);

        await joining.ExpectMsgAsync<CountUncertain>();
    }

    [Fact]
    public async Task Sessions_that_have_stopped_are_not_held_for_the_whole_window()
    {
        var inFlight = new CountsInFlight(Waits.AnswerWithin, _clock);
        var waiting = CreateTestProbe();
        inFlight.Sent(waiting);

        // A session that asked and has stopped since (its client left, or its join was answered and it ended).
        var gone = Sys.ActorOf(Props.Create(() => new Silent()));
        Watch(gone);
        Sys.Stop(gone);
        await ExpectTerminatedAsync(gone);
        for (var sent = 1; sent < CountsInFlight.SweepEvery - 1; sent++)
        {
            inFlight.Sent(gone);
        }

        Assert.Equal(CountsInFlight.SweepEvery - 1, inFlight.Count);
        inFlight.Sent(waiting);

        Assert.Equal(2, inFlight.Count);
        Assert.Equal([waiting.Ref, waiting.Ref], inFlight.TakeRecent());
    }

    private sealed class Silent : ReceiveActor
    {
    }
}
