using System.Diagnostics;

namespace ChatActors.Bench;

public sealed record IdleResult(int Clients, long RssBefore, long RssAfter)
{
    public double BytesPerClient => (RssAfter - RssBefore) / (double)Clients;
}

/// <summary>
/// The server's resident memory for N joined clients that say nothing: measured on a fresh
/// server after a warm-up, then again once every client is in and the server has gone quiet.
/// The clients keep reading (a chat sends every join to everyone), so none is a slow consumer.
/// </summary>
public static class IdleScenario
{
    private const int WarmUpClients = 100;

    /// <summary>
    /// The memory is taken once the clients have been idle this long, as they are on a chat
    /// server most of the time: the node gives back what the burst of joins left behind when it
    /// has been quiet for one of its checks (memory-trim-interval, 5 s).
    /// </summary>
    private static readonly TimeSpan IdleHold = TimeSpan.FromSeconds(15);

    public static async Task<IdleResult> RunAsync(ILoadTarget target, int clients, CancellationToken cancel)
    {
        var meter = target.Meter ?? throw new BenchException("the idle scenario needs the server's process (--node-pid for a running node)");
        var connections = new List<LoadConnection>();
        var loops = new List<Task>();
        using var stopLoops = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            await Clients.ConnectAsync(WarmUpClients, i => target.ConnectSubscriberAsync($"w{i}", 1024, cancel), (_, connection) => connection.Dispose());
            await meter.WaitUntilQuietAsync(TimeSpan.FromSeconds(15));
            var before = meter.RssBytes();
            await using (Progress.Show(() => $"{target.Name} idle clients: {connections.Count}/{clients} in, RSS {meter.RssBytes() / 1e6:0} MB"))
            {
                await Clients.ConnectAsync(clients, i => target.ConnectSubscriberAsync($"i{i}", 1024, cancel), (_, connection) =>
                {
                    connections.Add(connection);
                    loops.Add(connection.ReceiveLinesAsync(DiscardSink.Instance, stopLoops.Token));
                }, batch: 200);
                await WaitUntilReadAllAsync(connections);
                await meter.WaitUntilQuietAsync(TimeSpan.FromSeconds(30));
                await Task.Delay(IdleHold, cancel);
            }

            return new IdleResult(clients, before, meter.RssBytes());
        }
        finally
        {
            await stopLoops.CancelAsync();
            connections.ForEach(connection => connection.Dispose());
            await Task.WhenAll(loops);
        }
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
