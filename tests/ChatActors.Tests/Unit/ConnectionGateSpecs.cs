using System.Net;
using Akka.Actor;
using Akka.TestKit;
using ChatActors.Balancer;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class ConnectionGateSpecs : Akka.TestKit.Xunit2.TestKit
{
    private const int PerServer = 2;
    private const int PerNode = 3;
    private static readonly CountWaits Counting = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
    private static readonly IPAddress Flooder = IPAddress.Parse("203.0.113.7");
    private static readonly IPAddress Neighbour = IPAddress.Parse("198.51.100.1");
    private readonly TestProbe _stats;
    private readonly IActorRef _gate;
    private readonly List<ChatClient> _clients = [];

    public ConnectionGateSpecs()
        : base("akka.loglevel = WARNING")
    {
        _stats = CreateTestProbe();
        var limits = new AddressLimits(PerServer, PerNode, 10, 30, ExemptLoopback: false);
        _gate = Sys.ActorOf(ConnectionGate.Props(limits, _stats, Counting, TestMetrics.Create()));
    }

    /// <summary>A server (the probe) asks the gate about a new connection from <paramref name="address"/>; returns the client's end.</summary>
    private async Task<ChatClient> ArriveAsync(TestProbe server, IPAddress address)
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        _clients.Add(client);
        _gate.Tell(new AdmitConnection(serverSide, address), server);
        return client;
    }

    private async Task AdmittedAsync(TestProbe server, IPAddress address)
    {
        await ArriveAsync(server, address);
        Assert.Equal(address, (await server.ExpectMsgAsync<ConnectionAdmitted>()).Address);
    }

    /// <summary>The client is refused: after one count of one lost client, it reads the error and the close.</summary>
    private async Task RefusedAsync(TestProbe server, IPAddress address)
    {
        var client = await ArriveAsync(server, address);
        await server.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(100));
        var count = await _stats.ExpectMsgAsync<CountRefusedConnections>(TimeSpan.FromSeconds(5));
        Assert.Equal((1, false), (count.Count, count.AtBalancer));
        _stats.Reply(Counted.Instance);
        Assert.Equal("ERROR too many connections from your address\n", await client.ReadToEndAsync());
    }

    [Fact]
    public async Task An_address_gets_its_limit_of_connections_on_one_server_and_one_more_is_refused()
    {
        var server = CreateTestProbe();
        await AdmittedAsync(server, Flooder);
        await AdmittedAsync(server, Flooder);
        await RefusedAsync(server, Flooder);

        // Another address is not held back by it.
        await AdmittedAsync(server, Neighbour);
    }

    [Fact]
    public async Task An_address_gets_its_limit_of_connections_across_the_node_and_one_more_is_refused_on_any_server()
    {
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        await AdmittedAsync(first, Flooder);
        await AdmittedAsync(first, Flooder);
        await AdmittedAsync(second, Flooder);
        await RefusedAsync(second, Flooder);
    }

    [Fact]
    public async Task A_closed_connection_gives_its_place_back()
    {
        var server = CreateTestProbe();
        await AdmittedAsync(server, Flooder);
        await AdmittedAsync(server, Flooder);
        _gate.Tell(new GatedConnectionClosed(Flooder), server);
        await AdmittedAsync(server, Flooder);
    }

    [Fact]
    public async Task A_server_that_stops_gives_back_every_place_it_held()
    {
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        await AdmittedAsync(first, Flooder);
        await AdmittedAsync(first, Flooder);
        await AdmittedAsync(second, Flooder);
        Watch(first);
        first.Tell(PoisonPill.Instance);
        ExpectTerminated(first);

        // The gate learns of the stop in its own time; until then a try is refused.
        await AwaitAssertAsync(
            async () =>
            {
                await ArriveAsync(second, Flooder);
                await second.ExpectMsgAsync<ConnectionAdmitted>(TimeSpan.FromMilliseconds(500));
            },
            TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_refusal_that_is_not_counted_closes_without_an_answer()
    {
        var server = CreateTestProbe();
        await AdmittedAsync(server, Flooder);
        await AdmittedAsync(server, Flooder);
        var client = await ArriveAsync(server, Flooder);
        await _stats.ExpectMsgAsync<CountRefusedConnections>(TimeSpan.FromSeconds(5));
        _stats.Reply(CountRefused.Instance);
        Assert.Equal(string.Empty, await client.ReadToEndAsync());
    }

    protected override void AfterAll()
    {
        _clients.ForEach(client => client.DisposeAsync());
        base.AfterAll();
    }
}
