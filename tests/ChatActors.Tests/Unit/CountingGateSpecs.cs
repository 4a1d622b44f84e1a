using Akka.Actor;
using Akka.TestKit;
using ChatActors.Stats;

namespace ChatActors.Tests.Unit;

/// <summary>The counting gate when the stats actor's node is lost: who is told that a count may be lost with it.</summary>
public class CountingGateSpecs() : Akka.TestKit.Xunit2.TestKit("akka.actor.provider = cluster\nakka.cluster.roles = [storage]\nakka.remote.dot-netty.tcp.port = 0\nakka.coordinated-shutdown.terminate-actor-system = off\nakka.coordinated-shutdown.run-by-actor-system-terminate = off")
{
    /// <summary>As a node has them: a request is accepted within 10 s, and its requester waits for 110 s.</summary>
    private static readonly CountWaits Waits = CountWaits.For(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(5));
    private static readonly DateTime AcceptBefore = new(2026, 12, 6, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public async Task Unanswered_joins_and_approaches_are_told_uncertain_and_answered_counts_leaves_and_later_counts_are_not()
    {
        var stats = CreateTestProbe();
        var gate = await StartGateAsync(stats, Waits);
        var (answered, approaching, joining, leaving, later) = (CreateTestProbe(), CreateTestProbe(), CreateTestProbe(), CreateTestProbe(), CreateTestProbe());

        gate.Tell(new CountApproach(false, AcceptBefore), answered);
        await stats.ExpectMsgAsync<CountApproach>();
        stats.Reply(Counted.Instance);
        await answered.ExpectMsgAsync<Counted>();
        gate.Tell(new CountApproach(true, AcceptBefore), approaching);
        gate.Tell(new RecordJoin("ann", AcceptBefore), joining);
        gate.Tell(new RecordLeave("bob", AcceptBefore, 3, 4, AcceptBefore), leaving);
        await stats.ExpectMsgAsync<CountApproach>();
        await stats.ExpectMsgAsync<RecordJoin>();
        await stats.ExpectMsgAsync<RecordLeave>();
        gate.Tell(CountingGate.StatsHostLost.Instance);
        gate.Tell(new CountLostClient(AcceptBefore), later);

        await approaching.ExpectMsgAsync<CountUncertain>();
        await joining.ExpectMsgAsync<CountUncertain>();
        await stats.ExpectMsgAsync<CountLostClient>();
        stats.Reply(Counted.Instance);
        await later.ExpectMsgAsync<Counted>();
        await answered.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        await leaving.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(10));
    }

    [Fact]
    public async Task A_node_that_is_starting_does_not_warn_that_nothing_can_be_counted()
    {
        var stats = CreateTestProbe();
        var joining = CreateTestProbe();
        var gate = Sys.ActorOf(CountingGate.Props(stats, Waits));

        await EventFilter.Warning(contains: "nothing can be counted").ExpectAsync(0, async () =>
        {
            // The gate has seen the cluster before its node joined: nothing up, nothing counted.
            await AwaitAssertAsync(async () =>
            {
                gate.Tell(new RecordJoin("ann", AcceptBefore), joining);
                await joining.ExpectMsgAsync<CountRefused>(TimeSpan.FromMilliseconds(200));
            });
            var cluster = Akka.Cluster.Cluster.Get(Sys);
            await cluster.JoinAsync(cluster.SelfAddress);
            await CountingAsync(gate, stats, joining);
        });
    }

    [Fact]
    public async Task A_node_that_is_leaving_does_not_warn_that_nothing_can_be_counted()
    {
        var stats = CreateTestProbe();
        var gate = await StartGateAsync(stats, Waits);
        var joining = CreateTestProbe();
        await CountingAsync(gate, stats, joining);

        await EventFilter.Warning(contains: "nothing can be counted").ExpectAsync(0, async () =>
        {
            var cluster = Akka.Cluster.Cluster.Get(Sys);
            await cluster.LeaveAsync();
            await AwaitAssertAsync(async () =>
            {
                gate.Tell(new RecordJoin("bob", AcceptBefore), joining);
                await joining.FishForMessageAsync(message => message is CountRefused, TimeSpan.FromMilliseconds(200));
            });
        });
    }

    /// <summary>Completes once the gate passes a join on to the stats actor.</summary>
    private Task CountingAsync(IActorRef gate, TestProbe stats, TestProbe requester) => AwaitAssertAsync(async () =>
    {
        gate.Tell(new RecordJoin("ann", AcceptBefore), requester);
        await stats.ExpectMsgAsync<RecordJoin>(TimeSpan.FromMilliseconds(200));
    });

    /// <summary>A gate on a node that is up with the storage role, so that it counts.</summary>
    private async Task<IActorRef> StartGateAsync(TestProbe stats, CountWaits waits)
    {
        var cluster = Akka.Cluster.Cluster.Get(Sys);
        await cluster.JoinAsync(cluster.SelfAddress);
        return Sys.ActorOf(CountingGate.Props(stats, waits));
    }

    [Fact]
    public async Task A_second_loss_tells_only_what_was_sent_since_the_first()
    {
        var stats = CreateTestProbe();
        var gate = await StartGateAsync(stats, Waits);
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
    public async Task An_answer_that_comes_after_its_requester_was_told_uncertain_is_not_passed_on()
    {
        var stats = CreateTestProbe();
        var gate = await StartGateAsync(stats, Waits);
        var joining = CreateTestProbe();

        // Sent to a stats actor whose node has just died, however long the cluster takes to find out.
        gate.Tell(new RecordJoin("ann", AcceptBefore), joining);
        await stats.ExpectMsgAsync<RecordJoin>();
        gate.Tell(CountingGate.StatsHostLost.Instance);
        await joining.ExpectMsgAsync<CountUncertain>();
        stats.Reply(new JoinRecorded("ann", AcceptBefore, 7));

        await joining.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_count_unanswered_for_as_long_as_its_requester_waits_is_no_longer_held()
    {
        var shortWaits = new CountWaits(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300));
        var stats = CreateTestProbe();
        var gate = await StartGateAsync(stats, shortWaits);
        var (givenUp, stillWaiting) = (CreateTestProbe(), CreateTestProbe());

        gate.Tell(new RecordJoin("ann", AcceptBefore), givenUp);
        await stats.ExpectMsgAsync<RecordJoin>();
        await givenUp.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(600));
        gate.Tell(new RecordJoin("bob", AcceptBefore), stillWaiting);
        await stats.ExpectMsgAsync<RecordJoin>();
        gate.Tell(CountingGate.StatsHostLost.Instance);

        await stillWaiting.ExpectMsgAsync<CountUncertain>();
        await givenUp.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }
}
