using ChatActors.Bench;

namespace ChatActors.Tests.Integration;

/// <summary>The bench's reconnect storm on a small process cluster: the figure it reports is what the clients lived through.</summary>
public class StormScenarioSpecs
{
    [Fact]
    public async Task Every_client_of_a_killed_node_is_back_and_every_join_is_counted_once()
    {
        var storm = await StormScenario.RunAsync(clients: 30, CancellationToken.None);

        // The balancer spreads them by least connection: a third on the killed node.
        Assert.Equal(10, storm.CutOff);
        Assert.Equal(storm.CutOff, storm.Rejoined);
        Assert.Equal(40, storm.JoinsExpected);
        Assert.Equal(storm.JoinsExpected, storm.JoinsCounted);
    }
}
