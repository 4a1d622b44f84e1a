using System.Diagnostics;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>
/// A node that joined a cluster with its own balancer port (<c>run.ps1 -Join</c>) and then
/// lost every storage member (the first cluster was stopped): it cannot count, and says so at
/// once instead of leaving its clients hanging.
/// </summary>
public class NodeLeftAloneSpecs
{
    private static readonly TimeSpan AtOnce = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task A_node_without_a_storage_member_fails_joins_and_closes_approaches_at_once()
    {
        await using var first = await TestNode.StartAsync(servers: 1);
        await using var joined = await TestNode.StartAsync(servers: 1, extraHocon: $$"""
            chat-actors {
              approach = process
              first-server = 1
              seed-nodes = "{{first.Address.Host}}:{{first.Address.Port}}"
            }
            akka.cluster.roles = []
            """);
        await using (var ann = await ChatClient.JoinAsync(joined.ServerPorts[0], "ann"))
        {
            await ann.SendAsync("stop\n");
            await ann.ReadToEndAsync();
        }

        await first.StopAsync();

        await Eventually.HoldsAsync(async () => await JoinAnswerAsync(joined.ServerPorts[0]) == "ERROR join failed, try again", "a join on the node left alone fails", TimeSpan.FromSeconds(30));
        var timer = Stopwatch.StartNew();
        Assert.Equal("ERROR join failed, try again", await JoinAnswerAsync(joined.ServerPorts[0]));
        await using (var balancer = await ChatClient.ConnectAsync(joined.BalancerPort))
        {
            Assert.Equal(string.Empty, await balancer.ReadToEndAsync(AtOnce));
        }

        Assert.InRange(timer.Elapsed, TimeSpan.Zero, AtOnce * 2);
    }

    /// <summary>The server's answer to a join of "bob", or null when none came at once.</summary>
    private static async Task<string?> JoinAnswerAsync(int port)
    {
        await using var client = await ChatClient.ConnectAsync(port);
        try
        {
            Assert.Equal("Server-2", await client.ReadLineAsync(AtOnce));
            await client.SendAsync("bob joined the server\n");
            return await client.ReadLineAsync(AtOnce);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            return null;
        }
    }
}
