using System.Net.Sockets;
using System.Text;
using Akka.Actor;
using ChatActors.Hosting;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>A real node on free ports, driven by raw TCP clients as netcat or the original client would.</summary>
public class ChatNodeSpecs
{
    [Fact]
    public async Task A_last_line_sent_without_its_line_end_before_the_close_is_still_said()
    {
        await using var node = await TestNode.StartAsync(servers: 1);
        await using var bob = await ChatClient.JoinAsync(node.ServerPorts[0], "bob");
        await using (var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann"))
        {
            await ann.SendAsync("ann : first\nann : last words");
        }

        await using (var carl = await ChatClient.ConnectAsync(node.ServerPorts[0]))
        {
            Assert.Equal("Server-1", await carl.ReadLineAsync());
            await carl.SendAsync("hello\n");
            Assert.StartsWith("ERROR join first", await carl.ReadLineAsync());
            await carl.SendAsync("carl joined the server");
        }

        var seen = await bob.ReadUntilAsync("carl exited the server");
        Assert.Equal(["ann joined the server", "ann : first", "ann : last words", "ann exited the server", "carl joined the server"], seen);
    }

    /// <summary><c>printf 'ann joined the server\nhello\nstop 3\n' | nc HOST PORT</c>: the sender is owed its own line as much as everyone else.</summary>
    [Fact]
    public async Task A_client_that_sends_its_join_a_line_and_its_leave_in_one_write_gets_its_own_line()
    {
        await using var node = await TestNode.StartAsync(servers: 2);
        await using var bob = await ChatClient.JoinAsync(node.ServerPorts[1], "bob");
        await using var ann = await ChatClient.ConnectAsync(node.ServerPorts[0]);
        Assert.Equal("Server-1", await ann.ReadLineAsync());
        await ann.SendAsync("ann joined the server\nhello\nstop 3\n");

        Assert.Equal("ann joined the server\nann : hello\n", await ann.ReadToEndAsync());
        Assert.Equal(["ann joined the server", "ann : hello"], await bob.ReadUntilAsync("ann exited the server"));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("chat-actors.memory-trim-interval = 0s", false)]
    public async Task A_node_gives_memory_back_after_busy_spells_unless_told_not_to(string hocon, bool trims)
    {
        await using var node = await TestNode.StartAsync(servers: 1, extraHocon: hocon);
        var trim = await node.System.ActorSelection("/user/memory-trim").ResolveOne(TimeSpan.FromSeconds(5))
            .ContinueWith(resolved => resolved.IsCompletedSuccessfully);
        Assert.Equal(trims, trim);
    }

    [Fact]
    public async Task The_balancer_answers_with_a_python_tuple_and_closes_without_a_newline()
    {
        await using var node = await TestNode.StartAsync(servers: 3);
        await using var balancer = await ChatClient.ConnectAsync(node.BalancerPort);
        var reply = await balancer.ReadToEndAsync();
        Assert.Equal($"('127.0.0.1', {node.ServerPorts[0]})", reply);
    }

    [Fact]
    public async Task Clients_on_different_servers_see_every_line_once_and_in_order()
    {
        const int linesPerClient = 300;
        await using var node = await TestNode.StartAsync(servers: 3, extraHocon: TestNode.WithoutFloodControl);
        var names = new[] { "ann", "ben", "cat" };
        var clients = new List<ChatClient>();
        for (var i = 0; i < names.Length; i++)
        {
            clients.Add(await ChatClient.JoinAsync(node.ServerPorts[i], names[i]));
        }

        // Everyone is joined once the last join has reached every client.
        foreach (var client in clients.Take(2))
        {
            await client.ReadUntilAsync("cat joined the server");
        }

        var sending = clients.Select((client, i) => client.SendAsync(string.Concat(
            Enumerable.Range(0, linesPerClient).Select(n => $"{names[i]} : line {n}\n"))));
        await Task.WhenAll(sending);

        foreach (var client in clients)
        {
            var received = new List<string>();
            for (var n = 0; n < names.Length * linesPerClient; n++)
            {
                received.Add(await client.ReadLineAsync());
            }

            foreach (var name in names)
            {
                var expected = Enumerable.Range(0, linesPerClient).Select(n => $"{name} : line {n}");
                Assert.Equal(expected, received.Where(line => line.StartsWith(name + " : ", StringComparison.Ordinal)));
            }

            Assert.Equal(names.Length * linesPerClient, received.Count);
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_legacy_client_joins_and_chats_with_a_line_mode_client()
    {
        await using var node = await TestNode.StartAsync(servers: 2);
        await using var netcat = await ChatClient.JoinAsync(node.ServerPorts[0], "nc_user");
        await using var legacy = await ChatClient.ConnectAsync(node.ServerPorts[1]);
        Assert.Equal("Server-2", await legacy.ReadLineAsync());

        await legacy.SendAsync("py_user joined the server");
        Assert.Equal("py_user joined the server", await legacy.ReadLineAsync());
        await legacy.SendAsync("py_user : hello from python");
        Assert.Equal("py_user : hello from python", await legacy.ReadLineAsync());
        await legacy.SendAsync("stop 5");

        await netcat.ReadUntilAsync("py_user joined the server");
        Assert.Equal("py_user : hello from python", await netcat.ReadLineAsync());
        Assert.Equal("py_user exited the server", await netcat.ReadLineAsync());
        Assert.Equal(string.Empty, await legacy.ReadToEndAsync());
        await AwaitStatsAsync(node, stats => stats.AverageRating == 5);
    }

    [Fact]
    public async Task A_full_node_tells_the_balancer_client_to_wait_and_a_direct_client_that_the_server_is_busy()
    {
        await using var node = await TestNode.StartAsync(servers: 1, capacity: 2);
        await using var first = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "first");
        await using var second = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "second");

        await using (var third = await ChatClient.ConnectAsync(node.BalancerPort))
        {
            Assert.Equal("SNA wait", await third.ReadToEndAsync());
        }

        await using (var direct = await ChatClient.ConnectAsync(node.ServerPorts[0]))
        {
            Assert.Equal("Server busy, try after 5 mins!\n", await direct.ReadToEndAsync());
        }

        await AwaitStatsAsync(node, stats => stats is { TotalApproaches: 3, LostCount: 2, TodayCount: 2, Online: 2 });
    }

    [Fact]
    public async Task Escape_sequences_control_characters_and_invisible_names_never_reach_another_screen()
    {
        await using var node = await TestNode.StartAsync(servers: 2);
        await using var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");
        await using var ben = await ChatClient.JoinAsync(node.ServerPorts[1], "ben");
        await ann.ReadUntilAsync("ben joined the server");

        await ben.SendAsync("\u001b[2J\u001b[Hclear\u0000ed\r screen\u001b]0;owned\u0007\n");
        Assert.Equal("ben : cleared screen", await ann.ReadLineAsync());

        await using var mallory = await ChatClient.ConnectAsync(node.ServerPorts[0]);
        Assert.Equal("Server-1", await mallory.ReadLineAsync());
        await mallory.SendAsync("an\u200Bn joined the server\n");
        Assert.StartsWith("ERROR join first", await mallory.ReadLineAsync());
        await mallory.SendAsync("\uFF41\uFF4E\uFF4E joined the server\n");
        Assert.Equal("ERROR name in use: ann", await mallory.ReadLineAsync());
    }

    [Fact]
    public async Task A_name_online_on_one_server_is_refused_on_another()
    {
        await using var node = await TestNode.StartAsync(servers: 2);
        await ChatClient.AssertNameRefusedUntilItLeavesAsync(node.ServerPorts[0], node.ServerPorts[1], "alice");
    }

    [Fact]
    public async Task Garbage_and_abrupt_disconnects_leave_the_node_serving()
    {
        await using var node = await TestNode.StartAsync(servers: 2);
        var garbage = Enumerable.Range(0, 10_000).Select(i => (byte)(i * 151 % 256)).ToArray();
        foreach (var port in new[] { node.BalancerPort, node.ServerPorts[0], node.ServerPorts[1] })
        {
            for (var i = 0; i < 5; i++)
            {
                using var rude = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await rude.ConnectAsync("127.0.0.1", port);
                await rude.SendAsync(garbage);
                rude.LingerState = new LingerOption(true, 0); // close with a reset, mid-conversation
            }
        }

        await using var joined = await ChatClient.JoinAsync(node.ServerPorts[0], "survivor");
        using (var rude = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            await rude.ConnectAsync("127.0.0.1", node.ServerPorts[1]);
            await rude.SendAsync(Encoding.UTF8.GetBytes("rude joined the server\nrude : bye\n"));
            await joined.ReadUntilAsync("rude : bye");
            rude.LingerState = new LingerOption(true, 0);
        }

        Assert.Equal("rude exited the server", await joined.ReadLineAsync());
        await joined.SendAsync("survivor : still here\n");
        Assert.Equal("survivor : still here", await joined.ReadLineAsync());
        Assert.StartsWith("('127.0.0.1', ", await (await ChatClient.ConnectAsync(node.BalancerPort)).ReadToEndAsync());
    }

    private static Task AwaitStatsAsync(ChatNode node, Func<StatsSnapshot, bool> condition) =>
        Eventually.HoldsAsync(async () => condition(await TestCluster.StatsAsync(node)), "the expected stats");
}
