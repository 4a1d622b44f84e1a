using ChatActors.Harness;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Integration;

/// <summary>
/// <c>run.ps1 -Approach process</c> as a user runs it: node 0 with the balancer edge and one
/// node per server, each an OS process; killing any one of them (SIGKILL) keeps the chat
/// serving with every count, and Ctrl+C leaves nothing running.
/// </summary>
public partial class ProcessClusterSpecs
{
    private static readonly TimeSpan FailoverTimeout = TimeSpan.FromSeconds(40);

    /// <summary>Four node processes starting while the rest of the suite runs beside them on two cores.</summary>
    private static readonly TimeSpan StartupTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_chat_keeps_serving_with_every_count_through_kill_9_of_a_server_node_and_of_node_0()
    {
        var dbPath = TestNode.NewDatabasePath();
        var logs = Path.Combine(Path.GetDirectoryName(dbPath)!, "logs");
        var nodes = FourNodes.OnFreePorts();
        await using var cluster = await nodes.StartAsync(dbPath);
        try
        {
            await nodes.EveryServerHandedOutAsync("the balancer hands out the servers of all three server nodes", StartupTimeout);
            Assert.True(nodes.EachRunsOnce);
            // Node 0 formed the cluster without asking the nodes that were still starting.
            Assert.DoesNotContain(cluster.Output, line => line.Contains("Connection refused", StringComparison.Ordinal));
            // Four nodes share the machine's cores: none spins on a core before its threads sleep.
            Assert.All(Enumerable.Range(0, 4), node => Assert.Contains("DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0", NodeEnvironment.Of(nodes.Find(node).Single())));

            // A server node dies under its client: the client asks the balancer again and is served by another node.
            var ann = await ChatClient.JoinThroughBalancerAsync(nodes.BalancerPort, "ann");
            var deadPort = ann.RemotePort;
            var deadNode = deadPort - nodes.ServerPort + 1;
            Kill(nodes.Find(deadNode));
            await ann.ReadToEndAsync();
            await ann.DisposeAsync();
            ann = await RejoinAsync(nodes.BalancerPort, "ann", deadPort);
            Assert.NotEqual(deadPort, ann.RemotePort);

            // A second death only after the cluster has settled the first: were node 0 killed
            // while the first node's downing still spread, two of four nodes would be unreachable
            // at once, and keep-majority downs the two survivors of such an even split.
            await Eventually.HoldsAsync(
                () => Enumerable.Range(1, 3).Where(node => node != deadNode)
                    .All(node => LogLines(logs, node).Any(line => line.Contains($":{nodes.RemotePort + deadNode} is gone", StringComparison.Ordinal))),
                "the other server nodes have removed the killed one",
                FailoverTimeout);

            // run.ps1 starts the killed node again on the same address: a new incarnation, whose
            // server the balancer hands out again once it serves.
            await nodes.EveryServerHandedOutAsync("the balancer hands out the restarted node's server again", StartupTimeout);

            // Node 0 holds the singletons (it is the oldest) and an edge: after its death the
            // balancer port still answers, and the stats move to another node with every count.
            var before = await StatsLineAsync(() => cluster.Output, "today=2 month=2 .* online=1$");
            Kill(nodes.Find(0));
            await Eventually.HoldsAsync(
                async () => await FourNodes.HandedOutPortAsync(nodes.BalancerPort) is not null,
                "the balancer answers with a server again",
                FailoverTimeout);
            // The first line after the recovery has the journal's counts; online is relearned from the servers just after.
            var recovered = await StatsLineAsync(() => RecoveredStatsLines(logs).Take(1), "");
            AssertEveryCountCarriedOver(before, recovered);
            Assert.EndsWith("online=1", await StatsLineAsync(() => RecoveredStatsLines(logs), "online=1$"));

            // run.ps1 starts the killed node 0 again, and it rejoins the cluster.
            Assert.Contains("ChatActors: node 0 exited with code 137; starting it again", cluster.Output);
            await Eventually.HoldsAsync(
                () => cluster.Output.Count(line => line.StartsWith("Press Ctrl+C", StringComparison.Ordinal)) == 2,
                "node 0 up again",
                FailoverTimeout);
            await ann.DisposeAsync();

            var exitCode = await cluster.InterruptAsync();
            Assert.True(exitCode == 0, $"exit code {exitCode}:\n{cluster.OutputText}");
            Assert.Empty(NodeProcesses.Find("--db", dbPath));
        }
        finally
        {
            Kill(NodeProcesses.Find("--db", dbPath));
        }
    }

    [Fact]
    public async Task Node_0_and_node_1_killed_together_come_back_into_the_one_cluster_that_runs()
    {
        await using var postgres = await PostgresServer.StartAsync();
        var nodes = FourNodes.OnFreePorts();
        await using var cluster = await nodes.StartAsync(postgres.Url, Path.Combine(TestFolders.Create(), "logs"));
        try
        {
            await nodes.EveryServerHandedOutAsync("the balancer hands out the servers of all three server nodes", StartupTimeout);

            // The two seeds of old die together. Every node is a seed now, so the two that
            // run.ps1 starts again join nodes 2 and 3 instead of forming a cluster of their own.
            Kill([.. nodes.Find(0), .. nodes.Find(1)]);
            await Eventually.HoldsAsync(
                () => cluster.Output.Count(line => line.Contains("exited with code 137; starting it again", StringComparison.Ordinal)) == 2,
                "nodes 0 and 1 started again",
                FailoverTimeout);
            await nodes.EveryServerHandedOutAsync("the balancer hands out all three servers again", FailoverTimeout);
            await AssertOneClusterAsync(nodes);
            Assert.True(nodes.EachRunsOnce);

            // The survivors were never a cluster of their own to be downed: they served throughout.
            Assert.DoesNotContain(cluster.Output, line => line.Contains("node 2 exited", StringComparison.Ordinal) || line.Contains("node 3 exited", StringComparison.Ordinal));

            var exitCode = await cluster.InterruptAsync();
            Assert.True(exitCode == 0, $"exit code {exitCode}:\n{cluster.OutputText}");
        }
        finally
        {
            Kill(NodeProcesses.Find("--db", postgres.Url));
        }
    }

    /// <summary>
    /// Clients of node 1 (started again) and node 3 (a survivor) hear each other and cannot share
    /// a name: one cluster, one topic and one name registry. In two clusters they would not.
    /// </summary>
    private static async Task AssertOneClusterAsync(FourNodes nodes)
    {
        var attempt = 0;
        await Eventually.HoldsAsync(
            async () =>
            {
                attempt++;
                await using var ann = await ChatClient.JoinAsync(nodes.ServerPort, $"ann{attempt}");
                await using var bob = await ChatClient.JoinAsync(nodes.ServerPort + 2, $"bob{attempt}");
                await ann.SendAsync("hello\n");
                try
                {
                    await bob.ReadUntilAsync($"ann{attempt} : hello", TimeSpan.FromSeconds(3));
                }
                catch (OperationCanceledException)
                {
                    return false;
                }

                await ChatClient.AssertNameRefusedUntilItLeavesAsync(nodes.ServerPort + 2, nodes.ServerPort, $"cat{attempt}");
                return true;
            },
            "a line said on node 1 heard on node 3",
            FailoverTimeout);
    }

    [Fact]
    public async Task No_node_outlives_run_ps1_killed_with_sigkill()
    {
        var dbPath = TestNode.NewDatabasePath();
        var remotePort = NodeProcesses.FreeRange(2);
        await using var cluster = await NodeProcess.StartRunScriptAsync(
            Repository.Root,
            "-Approach", "process", "-Servers", "1", "-Db", dbPath, "-BalancerPort", "0", "-ServerPort", "0",
            "-RemotePort", remotePort.ToString(CultureInfo.InvariantCulture));
        try
        {
            await Eventually.HoldsAsync(() => NodeProcesses.Find("--db", dbPath).Count == 2, "both nodes running", FailoverTimeout);

            await cluster.KillStartedProcessOnlyAsync();

            await Eventually.HoldsAsync(() => NodeProcesses.Find("--db", dbPath).Count == 0, "every node stopped by itself", FailoverTimeout);
        }
        finally
        {
            Kill(NodeProcesses.Find("--db", dbPath));
        }
    }

    /// <summary>
    /// Like a user: ask the balancer and join, again while the answer is a server that is
    /// gone or the join is refused (the name is freed once the cluster has downed the dead node).
    /// </summary>
    private static async Task<ChatClient> RejoinAsync(int balancerPort, string name, int deadPort)
    {
        ChatClient? client = null;
        await Eventually.HoldsAsync(
            async () =>
            {
                if (await FourNodes.HandedOutPortAsync(balancerPort) is not { } port || port == deadPort)
                {
                    return false;
                }

                var attempt = await ChatClient.ConnectAsync(port);
                Assert.StartsWith("Server-", await attempt.ReadLineAsync());
                await attempt.SendAsync($"{name} joined the server\n");
                // Anything but the join itself is a join to try again: the name still taken, or a
                // count refused while the stats actor moves.
                if (await attempt.ReadLineAsync() != $"{name} joined the server")
                {
                    await attempt.DisposeAsync();
                    return false;
                }

                client = attempt;
                return true;
            },
            "a join through the balancer on a live server",
            FailoverTimeout);
        return client!;
    }

    /// <summary>
    /// Clients told to wait while the balancer moved may still be counted after the line of node 0
    /// that was logged last: approaches and lost may only grow; every other count is the same.
    /// </summary>
    private static void AssertEveryCountCarriedOver(string statsBefore, string statsAfter)
    {
        var (before, after) = (Counts(statsBefore), Counts(statsAfter));
        Assert.Equal((before["date"], before["today"], before["month"], before["rating"]), (after["date"], after["today"], after["month"], after["rating"]));
        Assert.InRange(double.Parse(after["approaches"], CultureInfo.InvariantCulture), double.Parse(before["approaches"], CultureInfo.InvariantCulture), double.MaxValue);
        Assert.InRange(double.Parse(after["lost"], CultureInfo.InvariantCulture), double.Parse(before["lost"], CultureInfo.InvariantCulture), double.MaxValue);
    }

    /// <summary>A stats line's counters by name: date, today, month, approaches, lost, rating (online left out).</summary>
    private static Dictionary<string, string> Counts(string statsLine) =>
        Regex.Matches(statsLine, @"(\w+)=(\d\d \w+ \d\d|[\d.]+)")
            .Where(match => match.Groups[1].Value != "online")
            .ToDictionary(match => match.Groups[1].Value, match => match.Groups[2].Value);

    /// <summary>The newest stats line matching <paramref name="pattern"/>, from "date=" on.</summary>
    private static async Task<string> StatsLineAsync(Func<IEnumerable<string>> output, string pattern)
    {
        string? found = null;
        await Eventually.HoldsAsync(
            () => (found = output().Select(line => StatsLine().Match(line)).Where(match => match.Success)
                .Select(match => match.Groups[1].Value).LastOrDefault(line => Regex.IsMatch(line, pattern))) is not null,
            $"a stats line matching {pattern}",
            FailoverTimeout);
        return found!;
    }

    /// <summary>The stats lines of the server nodes' logs that a stats actor logged after recovering on a new node.</summary>
    private static IEnumerable<string> RecoveredStatsLines(string logs) =>
        Enumerable.Range(1, 3).SelectMany(node => LogLines(logs, node)
            .SkipWhile(line => !line.Contains("Stats recovered on", StringComparison.Ordinal))
            .Where(line => StatsLine().IsMatch(line)));

    /// <summary>What node <paramref name="node"/> has logged so far, read while it still writes.</summary>
    private static string[] LogLines(string logs, int node)
    {
        var path = Path.Combine(logs, $"node-{node}.log");
        if (!File.Exists(path))
        {
            return [];
        }

        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        return new StreamReader(stream).ReadToEnd().Split('\n');
    }

    private static void Kill(IEnumerable<int> processIds)
    {
        foreach (var pid in processIds)
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                process.Kill();
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
        }
    }

    [GeneratedRegex(@"\] stats (date=.*?)\s*$")]
    private static partial Regex StatsLine();
}
