using System.Net;
using Akka.Actor;
using ChatActors.Hosting;
using ChatActors.Stats;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>
/// The limits per remote address on a real node. Every 127.x.y.z is this machine, so each
/// spec plays several addresses; loopback is exempt by default, so these nodes turn that off.
/// </summary>
public class AddressLimitSpecs
{
    private const string Refusal = "ERROR too many connections from your address\n";
    private static readonly IPAddress Flooder = IPAddress.Parse("127.0.0.2");
    private static readonly IPAddress Neighbour = IPAddress.Parse("127.0.0.3");

    private static string Limits(bool exemptLoopback = false) => $$"""
        chat-actors {
          address-limits-exempt-loopback = {{(exemptLoopback ? "on" : "off")}}
          address-connections-per-server = 2
          address-connections-per-node = 3
          address-balancer-connects-per-second = 0.001
          address-balancer-connect-burst = 2
        }
        """;

    private static async Task<StatsSnapshot> StatsAsync(ChatNode node) =>
        await node.Stats.Ask<StatsSnapshot>(GetStats.Instance, TimeSpan.FromSeconds(5));

    private static async Task<ChatClient> GreetedAsync(int port, IPAddress from)
    {
        var client = await ChatClient.ConnectAsync(port, from);
        Assert.StartsWith("Server-", await client.ReadLineAsync());
        return client;
    }

    private static async Task RefusedAsync(int port, IPAddress from)
    {
        await using var client = await ChatClient.ConnectAsync(port, from);
        Assert.Equal(Refusal, await client.ReadToEndAsync());
    }

    [Fact]
    public async Task An_address_gets_its_limit_on_a_server_and_on_the_node_one_more_is_refused_and_counted_lost()
    {
        await using var node = await TestNode.StartAsync(servers: 2, extraHocon: Limits());
        var (first, second) = (node.ServerPorts[0], node.ServerPorts[1]);
        var held = new List<ChatClient>
        {
            await GreetedAsync(first, Flooder),
            await GreetedAsync(first, Flooder),
        };
        await RefusedAsync(first, Flooder);

        held.Add(await GreetedAsync(second, Flooder));
        await RefusedAsync(second, Flooder);

        // Others are served as before; the flooder gets a place back when it lets one go.
        held.Add(await GreetedAsync(first, Neighbour));
        await held[0].DisposeAsync();
        var refusedWhileClosing = 0;
        await Eventually.HoldsAsync(
            async () =>
            {
                await using var client = await ChatClient.ConnectAsync(second, Flooder);
                var greeted = (await client.ReadLineAsync()).StartsWith("Server-", StringComparison.Ordinal);
                refusedWhileClosing += greeted ? 0 : 1;
                return greeted;
            },
            "the flooder's closed connection gave its place back");

        // Every refusal, and nothing else, counted one lost client.
        var stats = await StatsAsync(node);
        Assert.Equal((2 + refusedWhileClosing, 0), (stats.LostCount, stats.TotalApproaches));
        foreach (var client in held)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task An_address_gets_its_burst_of_balancer_connects_and_one_more_gets_SNA_wait_counted_as_lost()
    {
        await using var node = await TestNode.StartAsync(servers: 2, extraHocon: Limits());
        Assert.NotNull(await ChatClient.AskBalancerAsync(node.BalancerPort, Flooder));
        Assert.NotNull(await ChatClient.AskBalancerAsync(node.BalancerPort, Flooder));
        Assert.Null(await ChatClient.AskBalancerAsync(node.BalancerPort, Flooder));
        Assert.NotNull(await ChatClient.AskBalancerAsync(node.BalancerPort, Neighbour));

        var stats = await StatsAsync(node);
        Assert.Equal((4, 1), (stats.TotalApproaches, stats.LostCount));
    }

    [Fact]
    public async Task Loopback_addresses_are_exempt_unless_the_setting_says_otherwise()
    {
        await using var node = await TestNode.StartAsync(servers: 1, extraHocon: Limits(exemptLoopback: true));
        var clients = new List<ChatClient>();
        for (var i = 0; i < 4; i++)
        {
            clients.Add(await GreetedAsync(node.ServerPorts[0], Flooder));
            Assert.NotNull(await ChatClient.AskBalancerAsync(node.BalancerPort, Flooder));
        }

        Assert.Equal(0, (await StatsAsync(node)).LostCount);
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
