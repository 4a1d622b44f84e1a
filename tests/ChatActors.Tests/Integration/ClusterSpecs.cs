using Akka.Cluster;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>A real cluster of several nodes in the test process, used through raw TCP clients.</summary>
public class ClusterSpecs
{
    [Fact]
    public async Task Clients_on_servers_of_different_nodes_see_every_line_once_and_in_order()
    {
        // Within the flood control's burst (100 lines with the join), so read at once.
        const int linesPerClient = 99;
        await using var cluster = new TestCluster();
        for (var i = 0; i < 3; i++)
        {
            await cluster.AddNodeAsync(servers: 1, firstServer: i);
        }

        var names = new[] { "ann", "ben", "cat" };
        var clients = new List<ChatClient>();
        for (var i = 0; i < names.Length; i++)
        {
            clients.Add(await ChatClient.JoinAsync(cluster.Nodes[i].ServerPorts[0], names[i]));
        }

        // The join lines of later clients come from other nodes, in no particular order among themselves.
        for (var i = 0; i < clients.Count; i++)
        {
            var joinsToSee = names.Skip(i + 1).Select(name => $"{name} joined the server").ToHashSet();
            while (joinsToSee.Count > 0)
            {
                joinsToSee.Remove(await clients[i].ReadLineAsync());
            }
        }

        await Task.WhenAll(clients.Select((client, i) => client.SendAsync(string.Concat(
            Enumerable.Range(0, linesPerClient).Select(n => $"{names[i]} : line {n}\n")))));

        // An earlier client's join line may still reach a later client: it crossed to that
        // client's node while the client was joining there. Only join lines may come between.
        // Read until each sender's last line is in: a line seen twice, or out of order, shows below.
        var joinLines = names.Select(name => $"{name} joined the server").ToHashSet();
        var lastLines = names.Select(name => $"{name} : line {linesPerClient - 1}").ToHashSet();
        foreach (var client in clients)
        {
            var received = new List<string>();
            while (!lastLines.IsSubsetOf(received))
            {
                var line = await client.ReadLineAsync();
                if (!joinLines.Contains(line))
                {
                    received.Add(line);
                }
            }

            foreach (var name in names)
            {
                Assert.Equal(
                    Enumerable.Range(0, linesPerClient).Select(n => $"{name} : line {n}"),
                    received.Where(line => line.StartsWith(name + " : ", StringComparison.Ordinal)));
            }

            Assert.Equal(names.Length * linesPerClient, received.Count);
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Under_many_concurrent_joins_on_servers_of_two_nodes_each_client_first_sees_its_own_join_line()
    {
        await using var cluster = new TestCluster();
        await cluster.AddNodeAsync(servers: 1, firstServer: 0);
        await cluster.AddNodeAsync(servers: 1, firstServer: 1);
        var ports = cluster.Nodes.Select(node => node.ServerPorts[0]).ToList();

        var firstLines = await Task.WhenAll(Enumerable.Range(0, 150).Select(async i =>
        {
            await using var client = await ChatClient.ConnectAsync(ports[i % 2]);
            Assert.StartsWith("Server-", await client.ReadLineAsync());
            await client.SendAsync($"user{i} joined the server\nuser{i} : hi\n");
            var first = await client.ReadLineAsync();
            await client.ReadUntilAsync($"user{i} : hi");
            return (Expected: $"user{i} joined the server", Actual: first);
        }));

        Assert.All(firstLines, line => Assert.Equal(line.Expected, line.Actual));
    }

    [Fact]
    public async Task A_name_joined_on_one_node_is_refused_on_another_until_it_leaves()
    {
        await using var cluster = new TestCluster();
        var first = await cluster.AddNodeAsync(servers: 1, firstServer: 0);
        var second = await cluster.AddNodeAsync(servers: 1, firstServer: 1);

        await ChatClient.AssertNameRefusedUntilItLeavesAsync(first.ServerPorts[0], second.ServerPorts[0], "alice");
    }

    [Fact]
    public async Task Least_connection_spreads_clients_over_the_servers_of_every_node()
    {
        await using var cluster = new TestCluster();
        var first = await cluster.AddNodeAsync(servers: 1, firstServer: 0);
        var second = await cluster.AddNodeAsync(servers: 2, firstServer: 1);
        var ports = first.ServerPorts.Concat(second.ServerPorts).ToList();

        // Each node's balancer edge asks the one balancer singleton.
        var clients = new List<ChatClient>();
        for (var i = 0; i < 6; i++)
        {
            var edge = cluster.Nodes[i % 2].BalancerPort;
            clients.Add(await ChatClient.JoinThroughBalancerAsync(edge, $"user{i}"));
        }

        var handedOut = new List<int>();
        foreach (var client in clients)
        {
            handedOut.Add(client.RemotePort);
            await client.DisposeAsync();
        }

        Assert.Equal(ports.Order(), handedOut.Distinct().Order());
        Assert.All(ports, port => Assert.Equal(2, handedOut.Count(handed => handed == port)));
    }

    [Fact]
    public async Task The_servers_of_a_downed_node_leave_the_balancer()
    {
        await using var cluster = new TestCluster();
        var survivor = await cluster.AddNodeAsync(servers: 1, firstServer: 0);
        var doomed = await cluster.AddNodeAsync(servers: 1, firstServer: 1);
        var handedOut = new HashSet<int?>();
        for (var i = 0; i < 4; i++)
        {
            handedOut.Add(await ChatClient.AskBalancerAsync(survivor.BalancerPort));
        }

        Assert.Equal(new HashSet<int?> { survivor.ServerPorts[0], doomed.ServerPorts[0] }, handedOut);
        await using var ann = await ChatClient.JoinAsync(survivor.ServerPorts[0], "ann");
        await using var ben = await ChatClient.JoinAsync(doomed.ServerPorts[0], "ben");
        await ann.ReadUntilAsync("ben joined the server");

        Cluster.Get(survivor.System).Down(doomed.Address);
        // ben's server went with its node: nobody else could say that ben left.
        await ann.ReadUntilAsync("ben exited the server", TimeSpan.FromSeconds(20));
        await Eventually.HoldsAsync(
            async () => await ChatClient.AskBalancerAsync(survivor.BalancerPort) == survivor.ServerPorts[0]
                && await ChatClient.AskBalancerAsync(survivor.BalancerPort) == survivor.ServerPorts[0],
            "only the surviving node's server is handed out",
            // Each asking reserves a place; seldom enough that they never fill the server.
            every: TimeSpan.FromMilliseconds(250));
    }

    [Fact]
    public async Task Moving_the_singletons_keeps_the_counts_the_names_and_the_loads()
    {
        await using var cluster = new TestCluster();
        // The oldest node holds the singletons; it has no server, so its clients stay.
        var oldest = await cluster.AddNodeAsync(servers: 0, firstServer: 0, capacity: 3);
        var second = await cluster.AddNodeAsync(servers: 1, firstServer: 0, capacity: 3);
        var third = await cluster.AddNodeAsync(servers: 1, firstServer: 1, capacity: 3);

        var clients = new List<ChatClient>();
        for (var i = 0; i < 3; i++)
        {
            clients.Add(await ChatClient.JoinAsync(second.ServerPorts[0], $"second{i}"));
        }

        clients.Add(await ChatClient.JoinAsync(third.ServerPorts[0], "third0"));
        Assert.Equal(third.ServerPorts[0], await ChatClient.AskBalancerAsync(oldest.BalancerPort));
        await clients[0].SendAsync("stop 4\n");
        await clients[0].ReadToEndAsync();
        clients.Add(await ChatClient.JoinAsync(second.ServerPorts[0], "second3"));
        await Eventually.HoldsAsync(
            async () => await TestCluster.StatsAsync(oldest) is { TodayCount: 5, TotalApproaches: 1, AverageRating: 4, Online: 4 },
            "the counts before the move");
        var before = await TestCluster.StatsAsync(oldest);

        await oldest.StopAsync();

        // Counts: recovered from the journal; online: relearned from the servers.
        await Eventually.HoldsAsync(async () => await TestCluster.StatsAsync(second) == before, "the same counts after the move", TimeSpan.FromSeconds(20));

        // Names: every name online is still taken.
        await using var impostor = await ChatClient.ConnectAsync(third.ServerPorts[0]);
        Assert.Equal("Server-2", await impostor.ReadLineAsync());
        await impostor.SendAsync("second1 joined the server\n");
        Assert.Equal("ERROR name in use: second1", await impostor.ReadLineAsync());

        // Loads: the second node's server is full (3 of 3); the third has room for one more.
        Assert.Equal(third.ServerPorts[0], await ChatClient.AskBalancerAsync(second.BalancerPort));
        Assert.Null(await ChatClient.AskBalancerAsync(third.BalancerPort));

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
