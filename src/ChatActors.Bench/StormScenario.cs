using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using ChatActors.Harness;

namespace ChatActors.Bench;

/// <param name="CutOff">The clients of the killed node.</param>
/// <param name="BackWithin">How long after the kill each cut-off client was joined again, in order; those that never were are missing.</param>
/// <param name="JoinsCounted">The joins the stats actor counted in the end (its stats line), against <see cref="JoinsExpected"/>: every first join and every join again.</param>
public sealed record StormResult(int Clients, int CutOff, IReadOnlyList<TimeSpan> BackWithin, long? JoinsCounted, long JoinsExpected, string? FirstFailure)
{
    public int Rejoined => BackWithin.Count;

    public int RejoinedWithin(TimeSpan limit) => BackWithin.Count(back => back <= limit);
}

/// <summary>
/// A reconnect storm (issue 25): clients spread over the three server nodes of <c>run.ps1
/// -Approach process</c>, then the node of Server-1 killed -9. Each client it held does what
/// the project's client does: it connects again through the balancer, trying again while the
/// balancer still hands out the dead server, and joins under its own name, sent again on the
/// same connection while the name is still held for the dead node. The figure is how long after
/// the kill each one is joined again, and whether the joins counted are exactly the joins the
/// clients saw.
/// </summary>
public static partial class StormScenario
{
    /// <summary>Issue 25's bound: every cut-off client joined again within this of the kill.</summary>
    public static readonly TimeSpan BackWithin = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RetryEvery = TimeSpan.FromMilliseconds(100);
    private const int ReceiveBufferBytes = 16 * 1024;

    public static async Task<StormResult> RunAsync(int clients, CancellationToken cancel)
    {
        await using var cluster = await ChatTarget.StartBenchClusterAsync(3, clients, cancel);
        var target = ChatTarget.Running("127.0.0.1", cluster.BalancerPort, null);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        var connections = new LoadConnection[clients];
        var receiving = new Task[clients];
        var names = Enumerable.Range(0, clients).Select(i => $"storm{i}").ToArray();
        await using (Progress.Show(() => $"storm: {connections.Count(c => c is not null)} of {clients} joined"))
        {
            await Clients.ConnectAsync(clients, i => target.ConnectSubscriberAsync(names[i], ReceiveBufferBytes, cancel), (i, connection) =>
            {
                connections[i] = connection;
                receiving[i] = connection.ReceiveLinesAsync(DiscardSink.Instance, stop.Token);
            });
        }

        var doomedPort = cluster.ServerPort(1);
        var cutOff = Enumerable.Range(0, clients).Where(i => connections[i].RemotePort == doomedPort).ToList();
        var killed = Stopwatch.StartNew();
        foreach (var pid in cluster.Pids(1))
        {
            Process.GetProcessById(pid).Kill();
        }

        string? firstFailure = null;
        var back = await Task.WhenAll(cutOff.Select(async i =>
        {
            await receiving[i];
            connections[i].Dispose();
            var (connection, failure) = await JoinAgainAsync(target, names[i], killed, cancel);
            Interlocked.CompareExchange(ref firstFailure, failure, null);
            if (connection is null)
            {
                return (TimeSpan?)null;
            }

            connections[i] = connection;
            return killed.Elapsed;
        }));

        var expected = clients + back.Count(at => at is not null);
        var counted = await JoinsCountedAsync(cluster, expected, cancel);
        await stop.CancelAsync();
        foreach (var connection in connections)
        {
            connection.Dispose();
        }

        return new StormResult(clients, cutOff.Count, [.. back.OfType<TimeSpan>().Order()], counted, expected, firstFailure);
    }

    /// <summary>
    /// The client's reconnect: ask the balancer, connect and join, again and again until it is in
    /// (or a minute has passed); a name still held is asked for again on the same connection.
    /// </summary>
    private static async Task<(LoadConnection? Connection, string? Failure)> JoinAgainAsync(ChatTarget target, string name, Stopwatch sinceKill, CancellationToken cancel)
    {
        string? firstFailure = null;
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        giveUp.CancelAfter(GiveUpAfter - sinceKill.Elapsed);
        try
        {
            while (true)
            {
                try
                {
                    return (await target.RejoinAsync(name, ReceiveBufferBytes, RetryEvery, giveUp.Token), firstFailure);
                }
                catch (Exception ex) when (ex is BenchException or IOException or SocketException)
                {
                    firstFailure ??= ex.Message;
                    await Task.Delay(RetryEvery, giveUp.Token);
                }
            }
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            return (null, $"{name} was not in again after {GiveUpAfter.TotalSeconds:0} s; first failure: {firstFailure ?? "none; its join was refused as name in use, or not answered"}");
        }
    }

    /// <summary>The joins of today in node 0's last stats line, once it shows the expected count or has stopped changing.</summary>
    private static async Task<long?> JoinsCountedAsync(ProcessCluster cluster, long expected, CancellationToken cancel)
    {
        long? counted = null;
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromSeconds(15))
        {
            counted = cluster.LastStatsLine() is { } statsLine && TodayCount().Match(statsLine) is { Success: true } today ? long.Parse(today.Groups[1].Value, CultureInfo.InvariantCulture) : null;
            if (counted == expected)
            {
                break;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancel);
        }

        return counted;
    }

    [GeneratedRegex(@" today=(\d+) ")]
    private static partial Regex TodayCount();
}
