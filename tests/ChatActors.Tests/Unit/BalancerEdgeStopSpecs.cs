using System.Net.Sockets;
using Akka.Actor;
using ChatActors.Balancer;
using ChatActors.Net;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

/// <summary>The balancer edge of a node that goes away does not keep its clients waiting for the stats actor.</summary>
public class BalancerEdgeStopSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly CountWaits Counting = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));

    [Fact]
    public async Task A_stopped_edge_closes_a_connection_whose_approach_waits_to_be_counted_without_a_reply()
    {
        var (balancer, stats) = (CreateTestProbe(), CreateTestProbe());
        var listener = Ports.Bind("127.0.0.1", 0, shared: false);
        var port = Ports.PortOf(listener);
        var edge = Sys.ActorOf(BalancerEdge.Props(listener, balancer, stats, TimeSpan.FromSeconds(30), Counting, AddressLimits.None, CreateTestProbe(), TestMetrics.Create()));
        await balancer.ExpectMsgAsync<AwaitServersServing>();
        balancer.Reply(ServersServing.Instance);
        using var client = await ConnectOnceListeningAsync(port);
        await balancer.ExpectMsgAsync<AssignServer>();
        balancer.Reply(new ServerAssigned("127.0.0.1", 5010));
        await stats.ExpectMsgAsync<CountApproach>();
        Sys.Stop(edge);

        // Counted or not, nobody will say within the stats actor's minute: the client hears the close now.
        var buffer = new byte[64];
        var read = await client.GetStream().ReadAsync(buffer).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(0, read);
    }

    /// <summary>The port listens once the edge has heard that servers serve; until then a connect is refused.</summary>
    private async Task<TcpClient> ConnectOnceListeningAsync(int port)
    {
        TcpClient? connected = null;
        await AwaitConditionAsync(async () =>
        {
            var client = new TcpClient();
            try
            {
                await client.ConnectAsync("127.0.0.1", port);
                connected = client;
                return true;
            }
            catch (SocketException)
            {
                client.Dispose();
                return false;
            }
        });
        return connected!;
    }
}
