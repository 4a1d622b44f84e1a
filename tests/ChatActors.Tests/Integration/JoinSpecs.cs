using ChatActors.Harness;
using System.Globalization;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary><c>run.ps1 -Join HOST:PORT</c> adds a node to a running cluster; the balancer hands out its servers.</summary>
public class JoinSpecs
{
    [Fact]
    public async Task A_node_added_with_run_ps1_join_serves_clients_who_chat_with_the_rest_of_the_cluster()
    {
        await using var cluster = new TestCluster();
        var first = await cluster.AddNodeAsync(servers: 1, firstServer: 0);
        var remotePort = NodeProcesses.FreeRange(1).ToString(CultureInfo.InvariantCulture);
        var balancerPort = NodeProcesses.FreeRange(1).ToString(CultureInfo.InvariantCulture);

        await using var joined = await NodeProcess.StartRunScriptAsync(
            Repository.Root,
            "-Join", $"{first.Address.Host}:{first.Address.Port}", "-Servers", "2",
            "-ServerPort", "0", "-RemotePort", remotePort, "-BalancerPort", balancerPort);
        Assert.Equal(2, joined.ServerPorts.Count);
        Assert.Contains(joined.Output, line => line.Contains("Server-2:", StringComparison.Ordinal));
        Assert.Contains(joined.Output, line => line.Contains("Server-3:", StringComparison.Ordinal));

        // Least connection over three servers, each address handed out counting as a client until
        // it arrives: three answers name every server, the new ones included, whether or not
        // ann's arrival on the first node's server has reached the balancer yet (the order is
        // BalancerActorSpecs').
        await using var ann = await ChatClient.JoinAsync(first.ServerPorts[0], "ann");
        var handedOut = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            handedOut.Add((await ChatClient.AskBalancerAsync(first.BalancerPort))!.Value);
        }

        Assert.Subset(handedOut.ToHashSet(), joined.ServerPorts.ToHashSet());

        await using var ben = await ChatClient.JoinAsync(joined.ServerPorts[1], "ben");
        await ann.ReadUntilAsync("ben joined the server");
        await ben.SendAsync("hello from the new node\n");
        await ann.ReadUntilAsync("ben : hello from the new node");
        await ann.SendAsync("welcome\n");
        await ben.ReadUntilAsync("ann : welcome");

        Assert.Equal(0, await joined.InterruptAsync());
    }
}
