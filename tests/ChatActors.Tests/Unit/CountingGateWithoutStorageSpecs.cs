using Akka.Actor;
using ChatActors.Stats;

namespace ChatActors.Tests.Unit;

/// <summary>The counting gate of a node that is up in a cluster without any storage member.</summary>
public class CountingGateWithoutStorageSpecs() : Akka.TestKit.Xunit2.TestKit("akka.actor.provider = cluster\nakka.cluster.roles = []\nakka.remote.dot-netty.tcp.port = 0")
{
    [Fact]
    public async Task Refuses_counts_and_warns_once_that_nothing_can_be_counted()
    {
        var stats = CreateTestProbe();
        var joining = CreateTestProbe();
        var gate = Sys.ActorOf(CountingGate.Props(stats, CountWaits.For(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(90), TimeSpan.FromSeconds(5))));

        await EventFilter.Warning(contains: "nothing can be counted").ExpectOneAsync(async () =>
        {
            var cluster = Akka.Cluster.Cluster.Get(Sys);
            await cluster.JoinAsync(cluster.SelfAddress);
        });
        gate.Tell(new RecordJoin("ann", DateTime.UtcNow), joining);

        await joining.ExpectMsgAsync<CountRefused>();
        await stats.ExpectNoMsgAsync(TimeSpan.FromMilliseconds(200));
    }
}
