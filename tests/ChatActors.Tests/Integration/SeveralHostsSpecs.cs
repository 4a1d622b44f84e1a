using System.Net;
using ChatActors.Harness;
using ChatActors.Tests.Support;
using Xunit.Abstractions;

namespace ChatActors.Tests.Integration;

/// <summary>
/// Three hosts of their own (network namespaces on one bridge), a node on each, and PostgreSQL
/// outside them on the bridge: what users who outgrow one machine run.
/// </summary>
public sealed class SeveralHostsSpecs(ITestOutputHelper output)
{
    private const int BalancerPort = 12345;
    private const int ServerPort = 5010;
    private const int RemotePort = 5000;
    private static readonly TimeSpan FailoverWithin = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Every_process_of_the_host_with_the_singletons_killed_the_other_hosts_hand_out_live_servers_and_count_within_20_s()
    {
        await using var hosts = await NetworkHosts.CreateAsync(3, output.WriteLine);
        if (hosts is null)
        {
            return;
        }

        await using var postgres = await PostgresServer.StartAsync(NetworkHosts.BridgeAddress);
        var nodes = new List<NodeProcess>();
        try
        {
            // Host 0 is the first (the oldest: it holds the singletons); the others join it.
            for (var host = 0; host < 3; host++)
            {
                nodes.Add(await StartNodeAsync(hosts, host, postgres.Url));
            }

            await using (var ann = await ChatClient.JoinAsync(ServerPort, "ann", NetworkHosts.Address(0)))
            {
                await ann.SendAsync("stop 4\n");
                await ann.ReadToEndAsync();
            }

            await using var bob = await ChatClient.JoinAsync(ServerPort, "bob", NetworkHosts.Address(1));

            await hosts.KillEverythingOnAsync(0);
            var killedAt = DateTime.UtcNow;
            ChatClient? cat = null;
            await Eventually.HoldsAsync(
                async () => (cat = await TryJoinThroughBalancerAsync(NetworkHosts.Address(1), "cat")) is not null,
                "host 1's balancer hands out a live server and the join is counted",
                FailoverWithin);
            await using var _ = cat;
            Assert.InRange(DateTime.UtcNow - killedAt, TimeSpan.Zero, FailoverWithin);

            // Every count from before the kill is still there, and the join after it counted: ann, bob, cat.
            await Eventually.HoldsAsync(
                async () => await postgres.RowsAsync("""SELECT "Today_Count", "Average_Rating" FROM server WHERE "Name" = 'Master'""") is [["3", "4"]],
                "the three joins and ann's rating in PostgreSQL",
                TimeSpan.FromSeconds(30));
        }
        finally
        {
            nodes.ForEach(node => node.Kill());
        }
    }

    private static Task<NodeProcess> StartNodeAsync(NetworkHosts hosts, int host, string db)
    {
        var address = NetworkHosts.Address(host).ToString();
        string[] joining = host == 0
            ? ["--servers", "1"]
            : ["--approach", "process", "--servers", "1", "--first-server", "auto", "--seed-nodes", $"{NetworkHosts.Address(0)}:{RemotePort}"];
        return NodeProcess.StartInNetworkNamespaceAsync(
            hosts.Namespace(host),
            TestFolders.Create(),
            ["--db", db, "--bind-host", address, "--balancer-port", $"{BalancerPort}", "--server-port", $"{ServerPort}", "--remote-port", $"{RemotePort}", .. joining]);
    }

    /// <summary>Asks the balancer at <paramref name="host"/> and joins the server it hands out; null while it cannot.</summary>
    private static async Task<ChatClient?> TryJoinThroughBalancerAsync(IPAddress host, string name)
    {
        try
        {
            await using var balancer = await ChatClient.ConnectAsync(BalancerPort, to: host);
            var reply = await balancer.ReadToEndAsync(TimeSpan.FromSeconds(3));
            var match = System.Text.RegularExpressions.Regex.Match(reply, @"^\('([\d.]+)', (\d+)\)$");
            return match.Success ? await ChatClient.JoinAsync(int.Parse(match.Groups[2].Value), name, IPAddress.Parse(match.Groups[1].Value)) : null;
        }
        catch (Exception)
        {
            // Refused, reset, no answer yet, or a join that failed while the singletons move: asked again.
            return null;
        }
    }
}
