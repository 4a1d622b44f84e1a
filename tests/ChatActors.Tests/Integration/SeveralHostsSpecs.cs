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

    /// <summary>Every machine is given every machine, in the same order (docs/CLUSTER.md): the first forms the cluster only when no other runs.</summary>
    private static readonly string EveryHost = string.Join(", ", Enumerable.Range(0, 3).Select(host => $"{NetworkHosts.Address(host)}:{RemotePort}"));

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
            // Host 0 starts first (the oldest: it holds the singletons); the others join it.
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
            await AssertOneStatsWriterAtATimeAsync(postgres, writers: 2);

            // Host 0 started again with the same command joins the cluster that runs: one cluster, not two.
            nodes.Add(await StartNodeAsync(hosts, 0, postgres.Url));
            await using var dee = await ChatClient.JoinAsync(ServerPort, "dee", NetworkHosts.Address(0));
            await bob.SendAsync("still one room\n");
            await dee.ReadUntilAsync("bob : still one room");
        }
        finally
        {
            nodes.ForEach(node => node.Kill());
        }
    }

    [Fact]
    public async Task One_host_cut_off_for_30_s_the_others_serve_and_count_and_it_comes_back_after_the_heal_with_nothing_lost_or_doubled()
    {
        await using var hosts = await NetworkHosts.CreateAsync(3, output.WriteLine);
        if (hosts is null)
        {
            return;
        }

        await using var postgres = await PostgresServer.StartAsync(NetworkHosts.BridgeAddress);
        var logs = TestFolders.Create();
        var runs = new List<NodeProcess>();
        try
        {
            for (var host = 0; host < 3; host++)
            {
                runs.Add(await StartRunScriptAsync(hosts, host, postgres.Url, logs));
            }

            await using var ann = await ChatClient.JoinAsync(ServerPort, "ann", NetworkHosts.Address(0));
            await using var bob = await ChatClient.JoinAsync(ServerPort, "bob", NetworkHosts.Address(1));
            // cat is a client on host 2's side of the cut: it reaches host 2 alone.
            await using var cat = await ChatClient.JoinOnAsync(await hosts.ConnectFromAsync(2, NetworkHosts.Address(2), ServerPort), "cat");
            var joins = new Joins { Sent = 3, Seen = 3 };

            await hosts.CutOffAsync(2);
            var cutAt = DateTime.UtcNow;
            // From the cut on, a client on the majority's side asks for cat's name again and again.
            var catAgain = JoinOnceFreeAsync(NetworkHosts.Address(0), "cat");
            // Host 2, cut off, downs itself and turns its clients away at once, not leaving them hanging.
            await cat.ReadToEndAsync(TimeSpan.FromSeconds(20));
            var catGoneAt = DateTime.UtcNow;
            // Nor does its side hand out servers of a balancer of its own: asked from inside, it refuses or says nothing.
            Assert.DoesNotMatch(@"^\('", await AskBalancerFromAsync(hosts, 2));
            // The two hosts left keep serving and counting: a join through host 0's balancer counts.
            await using var dan = await joins.JoinEventuallyAsync(
                name => TryJoinThroughBalancerAsync(NetworkHosts.Address(0), name), "dan", "a join counted by the two hosts left", TimeSpan.FromSeconds(30));
            // Names stay unique across the split: the majority gives cat's name to another client only once host 2 has turned cat away.
            var (catOnTheMajority, catGrantedAt) = await catAgain;
            await using var _ = catOnTheMajority;
            joins.Sent++;
            joins.Seen++;
            output.WriteLine($"cat turned away {(catGoneAt - cutAt).TotalSeconds:F1} s after the cut, its name given again {(catGrantedAt - cutAt).TotalSeconds:F1} s after");
            Assert.True(catGrantedAt > catGoneAt, $"cat's name given on the majority's side {(catGoneAt - catGrantedAt).TotalMilliseconds:F0} ms before host 2 turned cat away");
            await Task.Delay(TimeSpan.FromSeconds(Math.Max(0, 30 - (DateTime.UtcNow - cutAt).TotalSeconds)));
            await hosts.HealAsync(2);

            // run.ps1 starts host 2's downed node again, and it joins the cluster once it can reach it.
            await using var eve = await joins.JoinEventuallyAsync(
                name => TryJoinAsync(NetworkHosts.Address(2), name), "eve", "host 2 serving again after the heal", TimeSpan.FromSeconds(90));
            await AssertCountedOnceAsync(postgres, joins);
        }
        catch
        {
            // What each host's run.ps1 said, for finding out why.
            runs.ForEach(run => output.WriteLine($"--- run.ps1 of host {runs.IndexOf(run)}:\n{run.OutputText}"));
            throw;
        }
        finally
        {
            runs.ForEach(run => run.Kill());
        }
    }

    /// <summary>
    /// Every join a client saw is counted, and none beyond those sent; and there was one history:
    /// the stats events are numbered without a gap, written by one stats actor at a time.
    /// </summary>
    private static async Task AssertCountedOnceAsync(PostgresServer postgres, Joins joins)
    {
        string[][] counts = [];
        await Eventually.HoldsAsync(
            async () => (counts = [.. await postgres.RowsAsync("""SELECT "Today_Count" FROM server WHERE "Name" = 'Master'""")]) is [[var today]] && int.Parse(today) >= joins.Seen,
            "every join a client saw in PostgreSQL",
            TimeSpan.FromSeconds(30));
        Assert.InRange(int.Parse(counts[0][0]), joins.Seen, joins.Sent);

        await AssertOneStatsWriterAtATimeAsync(postgres, writers: 1);
    }

    /// <summary>
    /// The stats journal is numbered without a gap, and each stats actor that wrote it (its writer id,
    /// new with every incarnation) wrote one unbroken stretch: once another took over, it never wrote again.
    /// </summary>
    private static async Task AssertOneStatsWriterAtATimeAsync(PostgresServer postgres, int writers)
    {
        var events = await postgres.RowsAsync("SELECT sequence_number, writer_uuid FROM journal WHERE persistence_id = 'chat-stats' ORDER BY sequence_number");
        var numbers = events.Select(row => long.Parse(row[0])).ToList();
        Assert.Equal(Enumerable.Range((int)numbers[0], numbers.Count).Select(n => (long)n), numbers);
        var stretches = events.Select(row => row[1]).Where((writer, i) => i == 0 || writer != events[i - 1][1]).ToList();
        Assert.Equal(stretches.Distinct(), stretches);
        Assert.Equal(writers, stretches.Count);
    }

    /// <summary>Asks for <paramref name="name"/> on the server at <paramref name="host"/> until it is given; the time is when the asking that got it was sent.</summary>
    private static async Task<(ChatClient Client, DateTime GrantedAt)> JoinOnceFreeAsync(IPAddress host, string name)
    {
        var client = await ChatClient.ConnectAsync(ServerPort, to: host);
        Assert.StartsWith("Server-", await client.ReadLineAsync());
        var askedAt = DateTime.UtcNow;
        await Eventually.HoldsAsync(
            async () =>
            {
                askedAt = DateTime.UtcNow;
                await client.SendAsync($"{name} joined the server\n");
                var answer = await client.ReadLineAsync(TimeSpan.FromSeconds(20));
                Assert.Contains(answer, new[] { $"{name} joined the server", $"ERROR name in use: {name}" });
                return answer == $"{name} joined the server";
            },
            $"{name}'s name free on the majority's side",
            TimeSpan.FromSeconds(40),
            every: TimeSpan.FromMilliseconds(100));
        return (client, askedAt);
    }

    private static Task<NodeProcess> StartRunScriptAsync(NetworkHosts hosts, int host, string db, string logs)
    {
        return NodeProcess.StartRunScriptInNetworkNamespaceAsync(
            Repository.Root,
            hosts.Namespace(host),
            ["-Servers", "1", "-Db", db, "-Logs", Path.Combine(logs, $"host-{host}"), "-BindHost", NetworkHosts.Address(host).ToString(), "-NoLiveView",
                "-BalancerPort", $"{BalancerPort}", "-ServerPort", $"{ServerPort}", "-RemotePort", $"{RemotePort}", "-Join", EveryHost]);
    }

    /// <summary>What host <paramref name="host"/>'s balancer answers a client beside it: its reply, or nothing when it refuses or resets.</summary>
    private static async Task<string> AskBalancerFromAsync(NetworkHosts hosts, int host)
    {
        try
        {
            var socket = await hosts.ConnectFromAsync(host, NetworkHosts.Address(host), BalancerPort).WaitAsync(TimeSpan.FromSeconds(5));
            await using var balancer = ChatClient.On(socket);
            return await balancer.ReadToEndAsync(TimeSpan.FromSeconds(15));
        }
        catch (Exception ex) when (ex is System.Net.Sockets.SocketException or IOException)
        {
            return string.Empty;
        }
    }

    private static async Task<ChatClient?> TryJoinAsync(IPAddress host, string name)
    {
        try
        {
            return await ChatClient.JoinAsync(ServerPort, name, host).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            return null;
        }
    }

    private static Task<NodeProcess> StartNodeAsync(NetworkHosts hosts, int host, string db)
    {
        var address = NetworkHosts.Address(host).ToString();
        string[] joining = ["--approach", "process", "--servers", "1", "--first-server", "auto", "--seed-nodes", EveryHost];
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
            await using var balancer = await ChatClient.ConnectAsync(BalancerPort, to: host).WaitAsync(TimeSpan.FromSeconds(5));
            var reply = await balancer.ReadToEndAsync(TimeSpan.FromSeconds(3));
            var match = System.Text.RegularExpressions.Regex.Match(reply, @"^\('([\d.]+)', (\d+)\)$");
            // A server on a host that is cut off takes no connection and sends no reset: give up on it after a while.
            return match.Success ? await ChatClient.JoinAsync(int.Parse(match.Groups[2].Value), name, IPAddress.Parse(match.Groups[1].Value)).WaitAsync(TimeSpan.FromSeconds(5)) : null;
        }
        catch (Exception)
        {
            // Refused, reset, no answer yet, or a join that failed while the singletons move: asked again.
            return null;
        }
    }

    /// <summary>The joins a spec sent and those whose join line a client saw.</summary>
    private sealed class Joins
    {
        public int Sent { get; set; }

        public int Seen { get; set; }

        /// <summary>Tries a join under a new name (<paramref name="name"/> and a number) until one is seen.</summary>
        public async Task<ChatClient> JoinEventuallyAsync(Func<string, Task<ChatClient?>> attempt, string name, string what, TimeSpan within)
        {
            ChatClient? joined = null;
            await Eventually.HoldsAsync(async () => (joined = await attempt($"{name}{++Sent}")) is not null, what, within);
            Seen++;
            return joined!;
        }
    }
}
