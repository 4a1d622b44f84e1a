using Akka.Cluster.Tools.PublishSubscribe;
using ChatActors.Live;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>The live view on a real node, fed by the actors that own the figures.</summary>
public class LiveViewNodeSpecs
{
    [Fact]
    public async Task The_live_view_shows_every_server_and_follows_a_join_a_rating_and_a_leave()
    {
        await using var node = await TestNode.StartAsync(servers: 2);
        var screen = new RecordingScreen();
        node.System.ActorOf(LiveViewActor.Props(DistributedPubSub.Get(node.System).Mediator, node.Stats, screen), "live-view");
        await Eventually.HoldsAsync(() => screen.Model.Servers.Count == 2 && screen.Model.Stats is not null, "the view knows both servers and the counters");

        await using (var ann = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "ann"))
        {
            await Eventually.HoldsAsync(
                () => screen.Model is { Stats: { TodayCount: 1, Online: 1 } } model
                    && model.Servers.Values.Any(server => server is { Online: 1, LastJoined: "ann" })
                    && model.Log.Any(entry => entry.Text.StartsWith("ann joined Server-", StringComparison.Ordinal)),
                "the view shows ann online");
            await ann.SendAsync("stop 4\n");
            await ann.ReadToEndAsync();
        }

        await Eventually.HoldsAsync(
            () => screen.Model is { Stats: { AverageRating: 4, Online: 0 } } model
                && model.Log.Any(entry => entry.Text.StartsWith("ann left Server-", StringComparison.Ordinal)),
            "the view shows the rating and ann gone");
    }
}
