using System.Diagnostics;
using System.Net;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>A node taken out gently (POST /drain, SIGTERM): its clients hear why, leave counted, one by one, and come back elsewhere.</summary>
public sealed class DrainSpecs
{
    private const string GoingDown = "Server going down: connect again through the balancer";

    [Fact]
    public async Task A_drained_node_is_no_longer_handed_out_tells_its_clients_closes_them_over_the_window_counted_and_leaves()
    {
        var dbPath = TestNode.NewDatabasePath();
        await using var first = await TestNode.StartAsync(servers: 1, dbPath: dbPath);
        var adminPort = NodeProcesses.FreeRange(1);
        var second = await TestNode.StartAsync(servers: 1, extraHocon: $$"""
            akka.cluster.roles = []
            chat-actors {
              approach = process, first-server = auto, balancer-edge = off
              seed-nodes = "{{first.Address.Host}}:{{first.Address.Port}}"
              admin-port = {{adminPort}}, drain-window = 2s
            }
            """);
        await using var watcher = await ChatClient.JoinAsync(first.ServerPorts[0], "watcher");
        var clients = new List<ChatClient>();
        for (var i = 0; i < 10; i++)
        {
            clients.Add(await ChatClient.JoinAsync(second.ServerPorts[0], $"user{i}"));
        }

        using var http = new HttpClient();
        var clock = Stopwatch.StartNew();
        using (var drain = await http.PostAsync($"http://{second.AdminEndpoint}/drain", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, drain.StatusCode);
        }

        // At once: the balancer hands out the first node's server only, and the drained node is not ready.
        await Eventually.HoldsAsync(async () => await ChatClient.AskBalancerAsync(first.BalancerPort) == first.ServerPorts[0], "the balancer handing out the other node", TimeSpan.FromSeconds(1));
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first.ServerPorts[0], await ChatClient.AskBalancerAsync(first.BalancerPort));
        }

        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync($"http://{second.AdminEndpoint}/health/ready")).StatusCode);

        // Each client hears why, then its connection closes, the closes spread over the 2 s window.
        var closedAt = await Task.WhenAll(clients.Select(async client =>
        {
            var lines = (await client.ReadToEndAsync(TimeSpan.FromSeconds(10))).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines, GoingDown);
            Assert.All(lines.Where(line => line != GoingDown), line => Assert.Matches("^user\\d (joined|exited) the server$", line));
            return clock.Elapsed;
        }));
        Assert.InRange(closedAt.Max() - closedAt.Min(), TimeSpan.FromSeconds(1.2), TimeSpan.FromSeconds(4));

        // Every leave was counted before its close: the others saw each exit, and the journal holds ten leaves.
        await watcher.ReadUntilAsync("user9 exited the server");
        await Eventually.HoldsAsync(async () => (await TestCluster.StatsAsync(first)).Online == 1, "only the watcher online");
        await second.StopRequested.WaitAsync(TimeSpan.FromSeconds(10));
        await second.StopAsync();
        Assert.Equal([["10"]], SqliteFile.Rows(dbPath, "SELECT COUNT(*) FROM journal WHERE manifest LIKE '%left%'"));
    }

    [Fact]
    public async Task Sigterm_drains_a_node_process_that_then_exits_0_and_leaves_its_mark()
    {
        var folder = TestFolders.Create();
        var (config, drained) = (Path.Combine(folder, "node.conf"), Path.Combine(folder, "node.drained"));
        await File.WriteAllTextAsync(config, "chat-actors.drain-window = 1s");
        await using var node = await NodeProcess.StartInFolderAsync(Path.Combine(folder, "storage.db"), folder, "--servers", "1", "--config", config, "--drained-file", drained);
        await using var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");

        var exitCode = node.StopAsync();
        Assert.Equal(GoingDown + "\n", await ann.ReadToEndAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, await exitCode);
        Assert.True(File.Exists(drained), "the mark run.ps1 starts a drained node again by");
        Assert.Contains(node.Output, line => line.Contains("Drained; stopping...", StringComparison.Ordinal));
    }
}
