using System.Diagnostics;
using ChatActors.Harness;

namespace ChatActors.Bench;

/// <param name="Baseline">The server's resident memory after a warm-up hold, with nobody connected.</param>
/// <param name="Held">The server's resident memory during each hold, every client in and idle.</param>
public sealed record IdleResult(int Clients, long Baseline, IReadOnlyList<long> Held)
{
    /// <summary>What each hold added per client over the baseline, in the order of the holds.</summary>
    public IReadOnlyList<double> BytesPerClientByHold => [.. Held.Select(held => (held - Baseline) / (double)Clients)];

    /// <summary>The median hold's.</summary>
    public double BytesPerClient => BytesPerClientByHold.Order().ElementAt(BytesPerClientByHold.Count / 2);
}

/// <summary>
/// The server's resident memory for N joined clients that say nothing, as issue 25 measures
/// it: a first hold of N warms the server up and is let go; once the server has settled with
/// nobody connected its memory is the baseline. Then N clients join and idle, three times
/// over, each hold let go and settled before the next, and each is measured against the
/// baseline. The clients keep reading (a chat sends every join to everyone), so none is a slow
/// consumer.
/// </summary>
public static class IdleScenario
{
    public const int Holds = 3;

    /// <summary>
    /// The memory is taken once the clients have been idle this long, as they are on a chat
    /// server most of the time: the node gives back what the burst of joins left behind when it
    /// has been quiet for one of its checks (memory-trim-interval, 5 s).
    /// </summary>
    private static readonly TimeSpan IdleHold = TimeSpan.FromSeconds(15);

    public static async Task<IdleResult> RunAsync(ILoadTarget target, int clients, CancellationToken cancel)
    {
        var meter = target.Meter ?? throw new BenchException("the idle scenario needs the server's process (--node-pid for a running node)");
        await HoldAsync(target, meter, clients, "warm-up", cancel);
        await SettleAsync(meter, cancel);
        var baseline = meter.RssBytes();
        var held = new List<long>();
        for (var hold = 1; hold <= Holds; hold++)
        {
            held.Add(await HoldAsync(target, meter, clients, $"hold {hold}", cancel));
            await SettleAsync(meter, cancel);
        }

        return new IdleResult(clients, baseline, held);
    }

    /// <summary>Joins <paramref name="clients"/> clients, lets them idle, and returns the server's memory then; they leave on return.</summary>
    private static async Task<long> HoldAsync(ILoadTarget target, ProcessMeter meter, int clients, string hold, CancellationToken cancel)
    {
        var connections = new List<LoadConnection>();
        var loops = new List<Task>();
        using var stopLoops = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            await using (Progress.Show(() => $"{target.Name} idle clients, {hold}: {connections.Count}/{clients} in, RSS {meter.RssBytes() / 1e6:0} MB"))
            {
                await Clients.ConnectAsync(clients, i => target.ConnectSubscriberAsync($"i{i}", 1024, cancel), (_, connection) =>
                {
                    connections.Add(connection);
                    loops.Add(connection.ReceiveLinesAsync(DiscardSink.Instance, stopLoops.Token));
                }, batch: 200);
                await WaitUntilReadAllAsync(connections);
                await SettleAsync(meter, cancel);
            }

            return meter.RssBytes();
        }
        finally
        {
            await stopLoops.CancelAsync();
            connections.ForEach(connection => connection.Dispose());
            await Task.WhenAll(loops);
        }
    }

    private static async Task SettleAsync(ProcessMeter meter, CancellationToken cancel)
    {
        await meter.WaitUntilQuietAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(IdleHold, cancel);
    }

    /// <summary>Until no client has received anything for a second: every join line is delivered.</summary>
    private static async Task WaitUntilReadAllAsync(List<LoadConnection> connections)
    {
        var received = -1L;
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < TimeSpan.FromMinutes(2))
        {
            await Task.Delay(TimeSpan.FromSeconds(1));
            var now = connections.Sum(connection => connection.BytesReceived);
            if (now == received)
            {
                return;
            }

            received = now;
        }
    }
}
