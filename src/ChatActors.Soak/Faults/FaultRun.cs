using System.Diagnostics;
using System.Net;
using ChatActors.Harness;
using ChatActors.Net;

namespace ChatActors.Soak.Faults;

/// <summary>
/// The soak's fault run (README "Soak"): a process cluster started by run.ps1 under clients of the
/// project's own client code, while the <see cref="Nemesis"/> kills and pauses its nodes; then the
/// checks of <see cref="FaultReport"/> on what the clients saw and what storage.db holds.
/// </summary>
public sealed class FaultRun(SoakOptions options, TextWriter console)
{
    /// <summary>The last stretch of the chat has no fault, so that the recovery after the last one is seen.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan RecoveryLimit = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainWithin = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LeavesWithin = TimeSpan.FromSeconds(90);

    public async Task<FaultReport> RunAsync()
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await ProcessCluster.StartAsync(options.Servers, options.Capacity);
        var tally = new Tally();
        var balancer = new BalancerExchange(cluster.BalancerPort, tally, clock);
        var nemesis = new Nemesis(cluster, options.Seed, clock, console, tally);
        await nemesis.WaitUntilServingAsync(CancellationToken.None);
        Say(clock, $"{cluster.Nodes} nodes serve (balancer port {cluster.BalancerPort}); {options.Clients} clients for {options.Duration.TotalMinutes:0.#} min, faults {(options.Faults ? $"on, seed {options.Seed}" : "off")}");

        var memory = new List<NodeMemorySample>();
        var clients = Enumerable.Range(0, options.Clients).Select(id => new FaultClient(id, balancer, cluster.BalancerPort, tally, clock, options.LineInterval)).ToList();
        using var stopTyping = new CancellationTokenSource();
        var leaveNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = clients.Select(client => client.RunAsync(stopTyping.Token, leaveNow.Task)).ToList();

        using var stopFaults = new CancellationTokenSource(options.Duration > Quiet ? options.Duration - Quiet : TimeSpan.Zero);
        var faults = options.Faults ? nemesis.RunAsync(stopFaults.Token) : Task.CompletedTask;
        var recovery = await WatchAsync(cluster, nemesis, balancer, clock, clients, memory, faults, tally);
        await faults;
        var recovered = await (recovery ?? RecoveryAsync(cluster, nemesis, balancer, clock));
        Say(clock, "time is up: typing stops, every line is awaited, then everyone leaves");
        await stopTyping.CancelAsync();
        var records = clients.Select(client => client.Record).ToList();
        var lines = await AwaitEveryLineAsync(records, clock);
        var stayed = records.Sum(record => record.Sessions.Count(session => session.EndedAt is null));
        leaveNow.SetResult();
        await AwaitLeavesAsync(running, tally);
        var nodesAtEnd = Enumerable.Range(0, cluster.Nodes).Select(node => cluster.Pids(node).Count).ToList();
        Say(clock, "stopping the cluster (Ctrl+C to run.ps1)");
        var exitCode = await cluster.InterruptAsync();
        var leftover = cluster.AllPids().Count;
        if (options.KeepLogs is { } keep)
        {
            cluster.CopyLogsTo(keep);
            Say(clock, $"the nodes' logs are in {keep}");
        }

        return new FaultReport(
            options,
            tally,
            records,
            balancer,
            nemesis.Faults,
            recovered,
            RecoveryLimit,
            new LineFigures(stayed, lines),
            new NodeFigures(nodesAtEnd, exitCode, leftover, NodeZeroUpAfterEveryStart(cluster), Restarts(cluster)),
            memory,
            StorageFigures.Read(cluster.DbPath, []),
            SessionRows.ByFamily(cluster.DbPath),
            clock.Elapsed);
    }

    /// <summary>
    /// For the run's duration: samples the nodes' memory and says how the run goes; once the
    /// faults are over, starts checking the recovery (returned, or null if they never ended).
    /// </summary>
    private async Task<Task<Recovery>?> WatchAsync(
        ProcessCluster cluster, Nemesis nemesis, BalancerExchange balancer, Stopwatch clock, IReadOnlyList<FaultClient> clients, List<NodeMemorySample> memory, Task faults, Tally tally)
    {
        var watchStart = clock.Elapsed;
        Task<Recovery>? recovery = null;
        while (clock.Elapsed - watchStart < options.Duration)
        {
            await Task.Delay(SampleEvery);
            memory.Add(new NodeMemorySample(clock.Elapsed, cluster.RssBytes()));
            if (faults.IsCompleted && recovery is null)
            {
                recovery = RecoveryAsync(cluster, nemesis, balancer, clock);
            }

            Say(clock, $"{clients.Sum(client => client.Record.Sessions.Count(session => session.EndedAt is null))} clients joined, joins seen {clients.Sum(client => client.Record.Sessions.Count)}, faults {nemesis.Faults.Count}, node rss {memory[^1].Megabytes:0} MB, problems {tally.Problems.Values.Sum()}");
        }


        return recovery;
    }

    /// <summary>Every line said, as the clients that stayed connected have received it so far, checked until none is missing or the drain time is up.</summary>
    private static async Task<LineCheckResult> AwaitEveryLineAsync(IReadOnlyList<ClientRecord> records, Stopwatch clock)
    {
        var drainStart = clock.Elapsed;
        var lines = LineCheck.Run(records);
        while (lines.Missing.Count > 0 && clock.Elapsed - drainStart < DrainWithin)
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            lines = LineCheck.Run(records);
        }

        return lines;
    }

    private static async Task AwaitLeavesAsync(IReadOnlyList<Task> running, Tally tally)
    {
        var leaving = Task.WhenAll(running);
        if (await Task.WhenAny(leaving, Task.Delay(LeavesWithin)) != leaving)
        {
            tally.Problem("clients did not finish leaving", $"within {LeavesWithin.TotalSeconds:0} s");
        }
    }

    /// <summary>
    /// From the end of the last fault: how long until every server greets, and then until every
    /// server has been handed out since (the probe asks the balancer meanwhile, from addresses of
    /// its own, as new clients would); or what was still missing after twice the limit. The probe
    /// stops connecting to the servers once they greet: a connection a server sees uses up a place
    /// the balancer handed out, so it would keep the least loaded server the least loaded.
    /// </summary>
    private static async Task<Recovery> RecoveryAsync(ProcessCluster cluster, Nemesis nemesis, BalancerExchange balancer, Stopwatch clock)
    {
        var since = nemesis.Faults.Count > 0 ? nemesis.Faults[^1].Until : clock.Elapsed;
        var ports = Enumerable.Range(1, cluster.Servers).Select(cluster.ServerPort).ToList();
        var silent = ports;
        while (silent.Count > 0 && clock.Elapsed - since < 2 * RecoveryLimit)
        {
            silent = await cluster.SilentServerPortsAsync(TimeSpan.FromSeconds(1));
        }

        var notHandedOut = ports;
        for (var probe = 0; silent.Count == 0 && clock.Elapsed - since < 2 * RecoveryLimit; probe++)
        {
            notHandedOut = ports.Where(port => !balancer.Handouts.Any(handout => handout.At > since && handout.Port == port)).ToList();
            if (notHandedOut.Count == 0)
            {
                return new Recovery(clock.Elapsed - since, string.Empty);
            }

            try
            {
                await balancer.AskAsync(new IPAddress([127, 3, (byte)(probe / 250), (byte)((probe % 250) + 1)]));
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Refused: no edge listens yet.
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }

        return new Recovery(null, $"ports that do not greet: {Ports(silent)}; not handed out since the last fault: {Ports(notHandedOut)}");
    }

    private static string Ports(List<int> ports) => ports.Count == 0 ? "none" : string.Join(", ", ports);

    /// <summary>What run.ps1 said about nodes that ended, as it started them again.</summary>
    private static List<string> Restarts(ProcessCluster cluster) =>
        cluster.Output.Where(line => line.StartsWith("ChatActors: node ", StringComparison.Ordinal) && line.Contains(" exited ", StringComparison.Ordinal)).ToList();

    /// <summary>Node 0 prints "Press Ctrl+C" each time it is up: once at the start and once after each restart of run.ps1.</summary>
    private static bool NodeZeroUpAfterEveryStart(ProcessCluster cluster)
    {
        var output = cluster.Output.ToList();
        var restarts = output.Count(line => line.StartsWith("ChatActors: node 0 exited with code", StringComparison.Ordinal));
        return output.Count(line => line.StartsWith("Press Ctrl+C", StringComparison.Ordinal)) == 1 + restarts;
    }

    /// <summary>The console is a synchronized writer (Console.Out is one), shared with the nemesis.</summary>
    private void Say(Stopwatch clock, string line) => console.WriteLine($"{clock.Elapsed:mm\\:ss} soak: {line}");
}

public sealed record NodeMemorySample(TimeSpan At, IReadOnlyDictionary<int, long> RssByPid)
{
    public double Megabytes => RssByPid.Values.Sum() / 1024.0 / 1024.0;
}

/// <param name="Took">From the end of the last fault until every server served and was handed out; null: not within twice the limit.</param>
/// <param name="Missing">What was still missing then.</param>
public sealed record Recovery(TimeSpan? Took, string Missing);

public sealed record LineFigures(int SessionsStayed, LineCheckResult Check);

/// <param name="ProcessesPerNode">How many processes each node had once the chat was over (1 each: none stuck dead, none orphaned).</param>
/// <param name="LeftoverProcesses">Node processes still running after run.ps1 ended.</param>
/// <param name="Restarts">run.ps1's line for each node that ended and was started again.</param>
public sealed record NodeFigures(IReadOnlyList<int> ProcessesPerNode, int RunExitCode, int LeftoverProcesses, bool NodeZeroUpAfterEveryStart, IReadOnlyList<string> Restarts);
