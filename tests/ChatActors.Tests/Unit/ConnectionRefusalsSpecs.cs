using System.Net;
using Akka.Actor;
using Akka.TestKit;
using ChatActors.Balancer;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class ConnectionRefusalsSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static readonly CountWaits Counting = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30));
    private readonly TestProbe _stats;

    public ConnectionRefusalsSpecs()
        : base("akka.loglevel = WARNING")
    {
        _stats = CreateTestProbe();
    }

    [Fact]
    public async Task A_seconds_refusals_are_counted_in_one_request_logged_in_one_line_and_answered_once_counted()
    {
        var refusals = Sys.ActorOf(ConnectionRefusals.Props(_stats, Counting, atBalancer: true, "The balancer", TestMetrics.Create()));
        var clients = new List<ChatClient>();
        IActorRef? requester = null;
        var addresses = new[] { "203.0.113.7", "203.0.113.7", "203.0.113.7", "198.51.100.1" };

        await EventFilter.Warning(contains: "The balancer refused 4 connections in the last second (limits per address): 203.0.113.7 x3, 198.51.100.1 x1")
            .ExpectOneAsync(async () =>
            {
                foreach (var address in addresses)
                {
                    var (serverSide, client) = await LoopbackPair.CreateAsync();
                    clients.Add(client);
                    refusals.Tell(new RefuseConnection(serverSide, IPAddress.Parse(address), "SNA wait"u8.ToArray()));
                }

                var count = await _stats.ExpectMsgAsync<CountRefusedConnections>(TimeSpan.FromSeconds(5));
                Assert.Equal((4, true), (count.Count, count.AtBalancer));
                requester = _stats.LastSender;
            });

        // One request for the four.
        await _stats.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
        requester!.Tell(Counted.Instance);
        foreach (var client in clients)
        {
            Assert.Equal("SNA wait", await client.ReadToEndAsync());
            await client.DisposeAsync();
        }
    }
}
