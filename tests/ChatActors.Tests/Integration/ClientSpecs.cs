using System.Globalization;
using Akka.Actor;
using ChatActors.Hosting;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>The chat client (src/ChatActors.Client) in plain mode against a real node, as a script drives it.</summary>
public class ClientSpecs
{
    private static string[] Balancer(ChatNode node, params string[] more) =>
        ["--port", node.BalancerPort.ToString(CultureInfo.InvariantCulture), .. more];

    [Fact]
    public async Task The_client_goes_through_the_balancer_joins_chats_and_leaves_with_a_rating_that_counts()
    {
        await using var node = await TestNode.StartAsync(servers: 2);
        await using var bob = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "bob");
        await using var ann = ClientProcess.Start(Balancer(node, "--name", "ann"));

        Assert.Equal("ann joined the server", ann.ReadLine());
        await bob.ReadUntilAsync("ann joined the server");
        await ann.TypeAsync("hello bob");
        Assert.Equal("ann : hello bob", ann.ReadLine());
        await bob.ReadUntilAsync("ann : hello bob");
        await bob.SendAsync("bob : hi ann\n");
        Assert.Equal("bob : hi ann", ann.ReadLine());

        await ann.TypeAsync("stop 4.5");
        Assert.Equal(0, await ann.ExitCodeAsync());
        await bob.ReadUntilAsync("ann exited the server");
        Assert.Contains("Connected to Server-", ann.Errors);
        var stats = await node.Stats.Ask<StatsSnapshot>(GetStats.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal(4.5, stats.AverageRating);
    }

    [Fact]
    public async Task A_name_in_use_is_asked_again_and_the_end_of_input_leaves()
    {
        await using var node = await TestNode.StartAsync(servers: 1);
        await using var ann = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "ann");
        await using var client = ClientProcess.Start(Balancer(node));

        await client.TypeAsync("ann");
        await client.TypeAsync("anna");
        Assert.Equal("anna joined the server", client.ReadLine());
        client.EndInput();

        Assert.Equal(0, await client.ExitCodeAsync());
        await ann.ReadUntilAsync("anna exited the server");
        Assert.Contains("ann is in use; choose another name.", client.Errors);
    }

    [Fact]
    public async Task Every_server_busy_is_asked_once_more_after_the_retry_delay_then_given_up_with_one_line()
    {
        await using var node = await TestNode.StartAsync(servers: 1, capacity: 1);
        await using var holder = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "holder");
        await using var client = ClientProcess.Start(Balancer(node, "--name", "late", "--retry-delay", "0.2"));

        Assert.Equal(3, await client.ExitCodeAsync());
        Assert.Equal("Every server is busy; asking again in 0.2 s.\nEvery server is still busy; please try again later.", client.Errors);
        var stats = await node.Stats.Ask<StatsSnapshot>(GetStats.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal(2, stats.LostCount);
    }

    [Fact]
    public async Task A_place_freed_during_the_retry_delay_is_taken()
    {
        await using var node = await TestNode.StartAsync(servers: 1, capacity: 1);
        var holder = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "holder");
        await using var client = ClientProcess.Start(Balancer(node, "--name", "late", "--retry-delay", "3"));
        await Eventually.HoldsAsync(() => client.Errors.Contains("Every server is busy", StringComparison.Ordinal), "the client was told to wait");
        await holder.SendAsync("stop\n");
        await holder.DisposeAsync();

        Assert.Equal("late joined the server", client.ReadLine());
        client.EndInput();
        Assert.Equal(0, await client.ExitCodeAsync());
    }

    [Fact]
    public async Task A_client_whose_server_goes_away_comes_back_through_the_balancer_under_its_name_with_what_was_typed_meanwhile()
    {
        var first = await TestNode.StartAsync(servers: 1);
        var balancerPort = first.BalancerPort;
        await using var client = ClientProcess.Start(Balancer(first, "--name", "ann"));
        Assert.Equal("ann joined the server", client.ReadLine());

        await first.StopAsync();
        await Eventually.HoldsAsync(() => client.Errors.Contains("reconnecting through the balancer", StringComparison.Ordinal), "the client tells the user it reconnects");
        await client.TypeAsync("typed while away");
        await using var second = await TestNode.StartAsync(servers: 1, extraHocon: $"chat-actors.balancer-port = {balancerPort}");

        Assert.Equal("ann joined the server", client.ReadLine());
        Assert.Equal("ann : typed while away", client.ReadLine());
        Assert.Contains("Back on Server-1 as ann.", client.Errors);
        await client.TypeAsync("stop 5");
        Assert.Equal(0, await client.ExitCodeAsync());
        var stats = await second.Stats.Ask<StatsSnapshot>(GetStats.Instance, TimeSpan.FromSeconds(5));
        Assert.Equal((1L, 5.0), (stats.TodayCount, stats.AverageRating));
    }

    [Fact]
    public async Task A_client_whose_server_goes_away_and_finds_none_within_its_reconnect_time_exits_with_one_line_and_code_1()
    {
        var node = await TestNode.StartAsync(servers: 1);
        await using var client = ClientProcess.Start(Balancer(node, "--name", "ann", "--reconnect-within", "1"));
        Assert.Equal("ann joined the server", client.ReadLine());

        await node.StopAsync();

        Assert.Equal(1, await client.ExitCodeAsync());
        Assert.EndsWith("No server could be had; the chat has ended.", client.Errors);
        Assert.DoesNotContain("Exception", client.Errors);
    }
}
