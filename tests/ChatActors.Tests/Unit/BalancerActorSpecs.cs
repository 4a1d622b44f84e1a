using Akka.Actor;
using Akka.TestKit;
using ChatActors.Balancer;
using ChatActors.Server;
using ChatActors.Stats;
using Microsoft.Extensions.Time.Testing;

namespace ChatActors.Tests.Unit;

public class BalancerActorSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly TimeSpan ReservationTimeout = TimeSpan.FromSeconds(10);
    private const int ReservationsPerAddress = 3;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 24, 12, 0, 0, TimeSpan.Zero));
    private readonly TestProbe _chatTopic;

    public BalancerActorSpecs()
    {
        _chatTopic = CreateTestProbe();
    }

    private IActorRef StartBalancer(BalancingAlgorithm algorithm, params (int Index, int Capacity)[] servers)
    {
        var balancer = Sys.ActorOf(BalancerActor.Props(algorithm, ReservationTimeout, ReservationsPerAddress, _chatTopic, TimeSpan.Zero, _clock));
        foreach (var (index, capacity) in servers)
        {
            var server = CreateTestProbe();
            balancer.Tell(new RegisterServer(index, ServerSettings.NameOf(index), "127.0.0.1", 5010 + index, capacity, server));
        }

        return balancer;
    }

    private int Assign(IActorRef balancer)
    {
        balancer.Tell(AssignServer.Unlimited);
        return ExpectMsg<ServerAssigned>().Port - 5010;
    }

    [Fact]
    public void An_edge_that_awaits_servers_is_answered_once_the_first_server_registers()
    {
        var balancer = StartBalancer(BalancingAlgorithm.RoundRobin);
        balancer.Tell(AwaitServersServing.Instance);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));

        balancer.Tell(new RegisterServer(0, ServerSettings.NameOf(0), "127.0.0.1", 5010, 100, CreateTestProbe()));
        ExpectMsg(ServersServing.Instance);
        balancer.Tell(AwaitServersServing.Instance);
        ExpectMsg(ServersServing.Instance);
    }

    [Fact]
    public void Round_robin_hands_out_servers_in_order_and_wraps()
    {
        var balancer = StartBalancer(BalancingAlgorithm.RoundRobin, (0, 100), (1, 100), (2, 100));
        Assert.Equal([0, 1, 2, 0, 1], Enumerable.Range(0, 5).Select(_ => Assign(balancer)).ToArray());
    }

    [Fact]
    public void Round_robin_skips_full_servers()
    {
        var balancer = StartBalancer(BalancingAlgorithm.RoundRobin, (0, 100), (1, 100), (2, 100));
        balancer.Tell(new ServerLoad(1, 100));
        Assert.Equal([0, 2, 0], Enumerable.Range(0, 3).Select(_ => Assign(balancer)).ToArray());
    }

    [Fact]
    public void Least_connection_picks_the_fewest_clients_with_ties_to_the_lowest_index()
    {
        var balancer = StartBalancer(BalancingAlgorithm.LeastConnection, (0, 100), (1, 100), (2, 100));
        balancer.Tell(new ServerLoad(0, 5));
        balancer.Tell(new ServerLoad(1, 3));
        balancer.Tell(new ServerLoad(2, 3));
        Assert.Equal(1, Assign(balancer));
    }

    [Fact]
    public void Least_connection_counts_addresses_handed_out_so_a_burst_spreads()
    {
        var balancer = StartBalancer(BalancingAlgorithm.LeastConnection, (0, 100), (1, 100), (2, 100));
        Assert.Equal([0, 1, 2, 0, 1, 2], Enumerable.Range(0, 6).Select(_ => Assign(balancer)).ToArray());
    }

    [Fact]
    public void An_arrived_client_replaces_its_reservation_rather_than_adding_to_it()
    {
        var balancer = StartBalancer(BalancingAlgorithm.LeastConnection, (0, 100), (1, 100));
        Assert.Equal(0, Assign(balancer));
        balancer.Tell(new ServerLoad(0, 1));
        Assert.Equal(1, Assign(balancer));
        balancer.Tell(new ServerLoad(1, 1));
        Assert.Equal(0, Assign(balancer));
    }

    [Fact]
    public void Reservations_expire_after_ten_seconds()
    {
        var balancer = StartBalancer(BalancingAlgorithm.LeastConnection, (0, 100), (1, 100));
        Assert.Equal(0, Assign(balancer));
        _clock.Advance(ReservationTimeout + TimeSpan.FromSeconds(1));
        Assert.Equal(0, Assign(balancer));
    }

    [Fact]
    public void Full_servers_are_skipped_by_least_connection()
    {
        var balancer = StartBalancer(BalancingAlgorithm.LeastConnection, (0, 2), (1, 5));
        balancer.Tell(new ServerLoad(0, 2));
        balancer.Tell(new ServerLoad(1, 4));
        Assert.Equal(1, Assign(balancer));
    }

    [Fact]
    public void All_servers_full_gives_no_server()
    {
        var balancer = StartBalancer(BalancingAlgorithm.RoundRobin, (0, 1));
        Assert.Equal(0, Assign(balancer));

        balancer.Tell(AssignServer.Unlimited);
        ExpectMsg<NoServerAvailable>();
    }

    [Fact]
    public void No_server_up_gives_no_server()
    {
        var balancer = StartBalancer(BalancingAlgorithm.LeastConnection);
        balancer.Tell(AssignServer.Unlimited);
        ExpectMsg<NoServerAvailable>();
    }

    [Fact]
    public void A_server_that_stops_is_no_longer_handed_out()
    {
        var balancer = Sys.ActorOf(BalancerActor.Props(BalancingAlgorithm.RoundRobin, ReservationTimeout, ReservationsPerAddress, _chatTopic, TimeSpan.Zero, _clock));
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        balancer.Tell(new RegisterServer(0, "Server-1", "127.0.0.1", 5010, 100, first));
        balancer.Tell(new RegisterServer(1, "Server-2", "127.0.0.1", 5011, 100, second));
        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);

        AwaitAssert(() => Assert.Equal([1, 1], new[] { Assign(balancer), Assign(balancer) }));
    }

    [Fact]
    public void A_balancer_that_starts_relearns_every_server_and_its_load_before_it_answers()
    {
        var balancer = Sys.ActorOf(BalancerActor.Props(BalancingAlgorithm.LeastConnection, ReservationTimeout, ReservationsPerAddress, _chatTopic, TimeSpan.FromMilliseconds(300), _clock));
        var report = _chatTopic.ExpectMsg<Akka.Cluster.Tools.PublishSubscribe.Publish>(publish => publish.Message is ReportServerStatus);
        var replyTo = ((ReportServerStatus)report.Message).ReplyTo;

        // Asked before any server has answered: the answer waits for the relearn window.
        balancer.Tell(AssignServer.Unlimited);
        replyTo.Tell(new ServerStatus(new RegisterServer(0, "Server-1", "127.0.0.1", 5010, 2, CreateTestProbe()), 2, [], new ServerOnline(ActorRefs.Nobody, 2, 1)));
        replyTo.Tell(new ServerStatus(new RegisterServer(4, "Server-5", "127.0.0.1", 5014, 2, CreateTestProbe()), 1, [], new ServerOnline(ActorRefs.Nobody, 1, 1)));

        Assert.Equal(new ServerAssigned("127.0.0.1", 5014), ExpectMsg<ServerAssigned>());
        balancer.Tell(AssignServer.Unlimited);
        ExpectMsg<NoServerAvailable>();

        // A node that joins gets the numbers after the highest server known.
        balancer.Tell(new AllocateServerIndices(2));
        Assert.Equal(new ServerIndicesAllocated(5), ExpectMsg<ServerIndicesAllocated>());
        balancer.Tell(new AllocateServerIndices(1));
        Assert.Equal(new ServerIndicesAllocated(7), ExpectMsg<ServerIndicesAllocated>());
    }

    [Fact]
    public void One_address_holds_at_most_its_limit_of_reservations_so_connects_that_never_arrive_cannot_fill_a_server()
    {
        var balancer = StartBalancer(BalancingAlgorithm.LeastConnection, (0, ReservationsPerAddress + 1));
        var flooder = new AssignServer("203.0.113.7");

        // Twice its limit of reservations, and none of its clients arrives: it still holds only its limit.
        for (var i = 0; i < 2 * ReservationsPerAddress; i++)
        {
            balancer.Tell(flooder);
            ExpectMsg<ServerAssigned>();
        }

        // So exactly one place is left for everyone else, and then the server is full.
        balancer.Tell(new AssignServer("198.51.100.1"));
        ExpectMsg<ServerAssigned>();
        balancer.Tell(AssignServer.Unlimited);
        ExpectMsg<NoServerAvailable>();
    }

    [Fact]
    public void Reservations_of_unlimited_clients_are_not_capped()
    {
        var balancer = StartBalancer(BalancingAlgorithm.LeastConnection, (0, ReservationsPerAddress + 1));
        for (var i = 0; i < ReservationsPerAddress + 1; i++)
        {
            balancer.Tell(AssignServer.Unlimited);
            ExpectMsg<ServerAssigned>();
        }

        balancer.Tell(new AssignServer("198.51.100.1"));
        ExpectMsg<NoServerAvailable>();
    }
}
