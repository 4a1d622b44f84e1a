using System.Diagnostics;
using System.Globalization;
using ChatActors.Harness;

namespace ChatActors.Soak.Faults;

/// <summary>One fault: a node killed (<see cref="Until"/> = <see cref="At"/>) or paused from <see cref="At"/> until <see cref="Until"/>.</summary>
public sealed record Fault(TimeSpan At, TimeSpan Until, int Node, int Pid, string What);

/// <summary>
/// Breaks the cluster, one node at a time, as the seed decides: each round takes every node once
/// (node 0 included) in a shuffled order, and kills it (SIGKILL; run.ps1 starts it again) or
/// pauses it (SIGSTOP for 2 to 6 s, then SIGCONT). Before each fault it waits until every node
/// runs and every server greets, then 10 to 25 s more. Every fault is logged as it happens.
/// </summary>
public sealed class Nemesis(ProcessCluster cluster, int seed, Stopwatch clock, TextWriter console, Tally tally)
{
    private const double PauseShare = 0.3;
    private static readonly TimeSpan RecoveryPatience = TimeSpan.FromSeconds(120);
    private readonly List<Fault> _faults = [];

    public IReadOnlyList<Fault> Faults => _faults;

    /// <summary>Breaks nodes until <paramref name="stop"/>; a pause under way is always ended with SIGCONT.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var random = new Random(seed);
        try
        {
            while (true)
            {
                foreach (var node in Enumerable.Range(0, cluster.Nodes).OrderBy(_ => random.Next()).ToList())
                {
                    var pause = random.NextDouble() < PauseShare ? TimeSpan.FromSeconds(2 + (random.NextDouble() * 4)) : (TimeSpan?)null;
                    var wait = TimeSpan.FromSeconds(10 + (random.NextDouble() * 15));
                    await WaitUntilServingAsync(stop);
                    await Task.Delay(wait, stop);
                    await BreakAsync(node, pause);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Until every node runs once and every server greets; a problem past <see cref="RecoveryPatience"/>.</summary>
    public async Task WaitUntilServingAsync(CancellationToken stop)
    {
        var since = clock.Elapsed;
        while (!await ServingAsync())
        {
            if (clock.Elapsed - since > RecoveryPatience)
            {
                tally.Problem("the cluster did not serve again", $"within {RecoveryPatience.TotalSeconds:0} s of {since:mm\\:ss}");
                return;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(500), stop);
        }
    }

    private async Task<bool> ServingAsync()
    {
        if (!Enumerable.Range(0, cluster.Nodes).All(node => cluster.Pids(node).Count == 1))
        {
            return false;
        }

        return (await cluster.SilentServerPortsAsync(TimeSpan.FromSeconds(2))).Count == 0;
    }

    private async Task BreakAsync(int node, TimeSpan? pause)
    {
        if (cluster.Pids(node) is not [var pid])
        {
            return;
        }

        var at = clock.Elapsed;
        if (pause is { } length)
        {
            Log($"{at:mm\\:ss} nemesis: SIGSTOP node {node} (pid {pid}) for {length.TotalSeconds:0.0} s");
            await SignalAsync("-STOP", pid);
            await Task.Delay(length, CancellationToken.None);
            await SignalAsync("-CONT", pid);
            Record(new Fault(at, clock.Elapsed, node, pid, $"SIGSTOP for {length.TotalSeconds:0.0} s, then SIGCONT"));
        }
        else
        {
            Log($"{at:mm\\:ss} nemesis: kill -9 node {node} (pid {pid})");
            await SignalAsync("-KILL", pid);
            Record(new Fault(at, at, node, pid, "kill -9"));
        }
    }

    private void Record(Fault fault)
    {
        lock (_faults)
        {
            _faults.Add(fault);
        }
    }

    private void Log(string line) => console.WriteLine(line);

    private static async Task SignalAsync(string signal, int pid)
    {
        using var kill = Process.Start("kill", $"{signal} {pid.ToString(CultureInfo.InvariantCulture)}")!;
        await kill.WaitForExitAsync();
    }
}
