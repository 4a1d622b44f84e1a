using System.Net;
using System.Net.Sockets;
using ChatActors.Admin;
using ChatActors.Harness;
using ChatActors.Hosting;
using ChatActors.Hosting.Settings;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>A node's admin port as an operator's tools use it: Prometheus scrapes /metrics, a load balancer asks /health.</summary>
public sealed class AdminPortSpecs
{
    private static string WithAdminPort(int port, string more = "") => $"chat-actors {{ admin-port = {port}\n{more} }}";

    [Fact]
    public async Task Metrics_in_prometheus_text_count_what_the_clients_did_as_the_stats_actor_does()
    {
        var adminPort = NodeProcesses.FreeRange(1);
        await using var node = await TestNode.StartAsync(servers: 1, capacity: 2, extraHocon: WithAdminPort(adminPort));
        var ann = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "ann");
        await using var bob = await ChatClient.JoinThroughBalancerAsync(node.BalancerPort, "bob");
        Assert.Null(await ChatClient.AskBalancerAsync(node.BalancerPort)); // SNA wait: the server is full
        await using (var turnedAway = await ChatClient.ConnectAsync(node.ServerPorts[0]))
        {
            Assert.Equal("Server busy, try after 5 mins!\n", await turnedAway.ReadToEndAsync());
        }

        await ann.SendAsync("hello\nagain\nstop 4\n");
        await ann.ReadToEndAsync();
        await bob.ReadUntilAsync("ann exited the server");

        var stats = await TestCluster.StatsAsync(node);
        Assert.Equal((2L, 3L, 2L, 4.0), (stats.TodayCount, stats.TotalApproaches, stats.LostCount, stats.AverageRating));
        var metrics = await PrometheusText.ScrapeAsync(node.AdminEndpoint!);
        Assert.Equal(
            (stats.TodayCount, stats.TotalApproaches, stats.LostCount),
            ((long)metrics.Value("chatactors_joins_total"), (long)metrics.Value("chatactors_approaches_total"), (long)metrics.Value("chatactors_clients_lost_total")));
        Assert.Equal((1, 1), (metrics.Value("chatactors_refusals_total", "reason=no_server"), metrics.Value("chatactors_refusals_total", "reason=server_full")));
        Assert.Equal((1, 1), (metrics.Value("chatactors_leaves_total"), metrics.Value("chatactors_ratings_total", "chatactors_rating=4")));
        Assert.Equal(1, metrics.Value("chatactors_clients_online", "chatactors_server=Server-1"));
        // ann's two lines; out: those two to ann and to bob, bob's join to ann, ann's exit to bob.
        Assert.Equal((2, 6), (metrics.Value("chatactors_lines_in_total"), metrics.Value("chatactors_lines_out_total")));
        Assert.Equal("ann : hello\nann : again\n".Length * 2 + "bob joined the server\nann exited the server\n".Length, metrics.Value("chatactors_sent_bytes_total"));
        // Two joins answered; seven counts journaled (three approaches, the busy server, two joins, a leave).
        Assert.Equal((2, 7), (metrics.Value("chatactors_join_duration_seconds_count"), metrics.Value("chatactors_journal_write_duration_seconds_count")));
        // Buckets in seconds, fine enough to read a quantile of durations of milliseconds.
        Assert.InRange(metrics.Buckets("chatactors_join_duration_seconds").First(bucket => bucket.Count == 2).UpperBound, 0.001, 2.5);
        Assert.InRange(metrics.Buckets("chatactors_journal_write_duration_seconds").First(bucket => bucket.Count == 7).UpperBound, 0.001, 2.5);
        Assert.Equal(1, metrics.Value("chatactors_cluster_members", "status=up", "reachable=true"));
        Assert.Equal(1, metrics.Value("chatactors_singleton_location", "singleton=stats", $"node={node.Address.Host}:{node.Address.Port}"));
        Assert.True(metrics.Has("process_runtime_dotnet_gc_collections_count_total") || metrics.Has("dotnet_gc_collections_total"), "runtime metrics");
        Assert.Equal(1, metrics.Value("target_info", "service_name=chatactors"));
    }

    [Fact]
    public async Task A_node_counts_its_own_clients_only_beside_another_node_in_the_same_process()
    {
        var adminPort = NodeProcesses.FreeRange(1);
        await using var measured = await TestNode.StartAsync(servers: 1, extraHocon: WithAdminPort(adminPort));
        await using var beside = await TestNode.StartAsync(servers: 1);
        await using var ann = await ChatClient.JoinThroughBalancerAsync(measured.BalancerPort, "ann");
        await using var bob = await ChatClient.JoinThroughBalancerAsync(beside.BalancerPort, "bob");
        await using var cat = await ChatClient.JoinThroughBalancerAsync(beside.BalancerPort, "cat");

        var metrics = await PrometheusText.ScrapeAsync(measured.AdminEndpoint!);

        Assert.Equal((1, 1), (metrics.Value("chatactors_joins_total"), metrics.Value("chatactors_approaches_total")));
    }

    [Fact]
    public async Task A_node_is_ready_while_it_can_count_and_not_once_no_storage_member_is_left()
    {
        var first = await TestNode.StartAsync(servers: 1);
        var adminPort = NodeProcesses.FreeRange(1);
        await using var second = await TestNode.StartAsync(servers: 1, extraHocon: $$"""
            akka.cluster.roles = []
            chat-actors { approach = process, first-server = auto, seed-nodes = "{{first.Address.Host}}:{{first.Address.Port}}", admin-port = {{adminPort}} }
            """);
        using var http = new HttpClient();
        var ready = $"http://{second.AdminEndpoint}/health/ready";
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, ready));

        // The only storage member leaves: nothing can be counted here any more.
        await first.StopAsync();
        await Eventually.HoldsAsync(
            async () => await GetAsync(http, ready) == (HttpStatusCode.ServiceUnavailable, "Unhealthy: no storage member is reachable: nothing can be counted"),
            "not ready once nothing can be counted");
        Assert.Equal((HttpStatusCode.OK, "Healthy"), await GetAsync(http, $"http://{second.AdminEndpoint}/health/live"));
    }

    [Fact]
    public async Task The_default_admin_port_in_use_costs_a_line_and_one_asked_for_fails_the_start_clearly()
    {
        using var other = new TcpListener(IPAddress.Loopback, 0);
        other.Start();
        var taken = ((IPEndPoint)other.LocalEndpoint).Port;

        await using (var node = await TestNode.StartAsync(servers: 1, extraHocon: WithAdminPort(taken)))
        {
            Assert.Null(node.AdminEndpoint);
            await using var ann = await ChatClient.JoinAsync(node.ServerPorts[0], "ann");
        }

        var failure = await Assert.ThrowsAsync<ChatStartupException>(() => TestNode.StartAsync(servers: 1, extraHocon: WithAdminPort(taken, "admin-port-given = on")));
        Assert.Equal($"port {taken} on 127.0.0.1 is already in use (admin port)", failure.Message);
    }

    [Fact]
    public void The_default_admin_port_is_held_from_the_plan_on_so_a_node_built_beside_cannot_take_it()
    {
        var free = NodeProcesses.FreeRange(1);
        var settings = new AdminSettings(free, "127.0.0.1", PortGiven: false, Token: "", DrainWindow: TimeSpan.FromSeconds(10));

        var first = AdminPlan.For(settings);
        try
        {
            var second = AdminPlan.For(settings);
            Assert.Equal(new IPEndPoint(IPAddress.Loopback, free), first.Endpoint);
            Assert.Null(second.Listener);
            Assert.Equal($"The admin port 127.0.0.1:{free} is in use (another node on this machine?); this node runs without one (-AdminPort N gives it another)", second.Notice);
        }
        finally
        {
            first.Listener?.Dispose();
        }
    }

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(HttpClient http, string url)
    {
        using var response = await http.GetAsync(url);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
