using System.Diagnostics;
using ChatActors.Harness;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

public partial class ProcessClusterSpecs
{
    /// <summary>
    /// The names of a node the cluster removed stay taken for the downing margin, in case it is
    /// still serving behind a split. A node that run.ps1 has started again on its address proves
    /// the old one gone, so its clients get their names back without waiting that long.
    /// </summary>
    [Fact]
    public async Task A_killed_node_started_again_frees_its_clients_names_before_the_downing_margin()
    {
        var dbPath = TestNode.NewDatabasePath();
        var margin = TimeSpan.FromSeconds(120);
        var config = Path.Combine(Path.GetDirectoryName(dbPath)!, "long-margin.conf");
        await File.WriteAllTextAsync(config, $"akka.cluster.down-removal-margin = {margin.TotalSeconds}s");
        var nodes = FourNodes.OnFreePorts();
        await using var cluster = await nodes.StartAsync(dbPath, null, "-Config", config);
        try
        {
            await nodes.EveryServerHandedOutAsync("the balancer hands out the servers of all three server nodes", StartupTimeout);
            var ann = await ChatClient.JoinThroughBalancerAsync(nodes.BalancerPort, "ann");
            var deadPort = ann.RemotePort;
            var deadNode = deadPort - nodes.ServerPort + 1;
            var killed = Stopwatch.StartNew();
            Kill(nodes.Find(deadNode));
            await ann.ReadToEndAsync();
            await ann.DisposeAsync();

            ann = await RejoinAsync(nodes.BalancerPort, "ann", deadPort);
            Assert.True(killed.Elapsed < margin, $"ann was back after {killed.Elapsed.TotalSeconds:0.0} s");
            Assert.Contains($"ChatActors: node {deadNode} exited with code 137; starting it again", cluster.Output);
            await ann.DisposeAsync();
        }
        finally
        {
            Kill(NodeProcesses.Find("--db", dbPath));
        }
    }
}
