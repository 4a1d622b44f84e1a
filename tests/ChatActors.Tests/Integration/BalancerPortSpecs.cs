using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>The balancer's port as a client meets it while a cluster starts: it accepts only once it can hand out a server.</summary>
public class BalancerPortSpecs
{
    [Fact]
    public async Task The_balancer_port_of_a_node_without_servers_opens_once_a_server_of_the_cluster_serves()
    {
        await using var cluster = new TestCluster();
        var balancerNode = await cluster.AddNodeAsync(servers: 0, firstServer: 0);
        // A node of the process approach's node 0: its edge knows no server yet, so it does not
        // accept (clients would all be told SNA wait and counted lost).
        Assert.Throws<SocketException>(() => new TcpClient().Connect(IPAddress.Loopback, balancerNode.BalancerPort));

        var serverNode = await cluster.AddNodeAsync(servers: 1, firstServer: 0);

        var expected = $"('127.0.0.1', {serverNode.ServerPorts[0].ToString(CultureInfo.InvariantCulture)})";
        await Eventually.HoldsAsync(() => Accepts(balancerNode.BalancerPort), "the balancer port accepts", TimeSpan.FromSeconds(30));
        await using var client = await ChatClient.ConnectAsync(balancerNode.BalancerPort);
        Assert.Equal(expected, await client.ReadToEndAsync());
    }

    private static bool Accepts(int port)
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
