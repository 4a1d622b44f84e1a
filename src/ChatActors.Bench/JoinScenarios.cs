using System.Diagnostics;

namespace ChatActors.Bench;

/// <param name="Latency">Of each handshake, from the first connect to the confirmation (for a chat: balancer, server, own join line back).</param>
public sealed record HandshakeResult(int Handshakes, LatencyHistogram Latency);

public sealed record JoinResult(int Clients, int Joined, TimeSpan Elapsed, string? FirstFailure)
{
    public double JoinsPerSecond => Joined / Elapsed.TotalSeconds;
}

/// <param name="ServerCpu">The server's CPU time from the first connect until it was quiet again after the last leave; null when its process is not known.</param>
public sealed record BurstJoinResult(JoinResult Joins, int Burst, TimeSpan? ServerCpu)
{
    /// <summary>The server's CPU seconds per 1,000 clients that joined and left again.</summary>
    public double? CpuPerThousand => ServerCpu is { } cpu && Joins.Joined > 0 ? cpu.TotalSeconds / (Joins.Joined / 1000.0) : null;
}

/// <summary>How fast clients get in: one at a time on an idle server, and many at once.</summary>
public static class JoinScenarios
{
    private const int WarmUpHandshakes = 20;

    /// <summary>Handshakes one after another, each client leaving before the next comes, after a few not counted (warm-up).</summary>
    public static async Task<HandshakeResult> HandshakesAsync(ILoadTarget target, int handshakes, CancellationToken cancel)
    {
        var latency = new LatencyHistogram();
        var done = 0;
        await using (Progress.Show(() => $"{target.Name} handshakes: {done}/{handshakes}"))
        {
            for (var i = 0; i < WarmUpHandshakes + handshakes; i++)
            {
                var started = Stopwatch.GetTimestamp();
                using (await target.ConnectSubscriberAsync($"h{i}", 4096, cancel))
                {
                    if (i >= WarmUpHandshakes)
                    {
                        latency.Record((long)(Stopwatch.GetElapsedTime(started).TotalMilliseconds * 1e6));
                        done++;
                    }
                }
            }
        }

        return new HandshakeResult(handshakes, latency);
    }

    /// <summary>
    /// Clients come <paramref name="burst"/> at a time, each burst once the one before is in, as a
    /// crowd arrives; the time runs until the last one is in. Then all leave, and the server's CPU
    /// time is taken once it is quiet again: what a join with its leave costs.
    /// </summary>
    public static async Task<BurstJoinResult> InBurstsAsync(ILoadTarget target, int clients, int burst, TimeSpan settleWithin, CancellationToken cancel)
    {
        var connections = new List<LoadConnection>(clients);
        var cpuBefore = target.Meter?.CpuTime();
        var clock = Stopwatch.StartNew();
        string? firstFailure = null;
        try
        {
            await using (Progress.Show(() => $"{target.Name} {clients} joining in bursts of {burst}: {connections.Count} in"))
            {
                await Clients.ConnectAsync(clients, i => target.ConnectSubscriberAsync($"b{i}", 4096, cancel), (_, connection) => connections.Add(connection), burst);
            }
        }
        catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException)
        {
            firstFailure = ex.Message;
        }

        var joins = new JoinResult(clients, connections.Count, clock.Elapsed, firstFailure);
        connections.ForEach(connection => connection.Dispose());
        if (target.Meter is not { } meter)
        {
            return new BurstJoinResult(joins, burst, null);
        }

        await meter.WaitUntilQuietAsync(settleWithin);
        return new BurstJoinResult(joins, burst, meter.CpuTime() - cpuBefore);
    }

    /// <summary>All clients start their handshake at the same moment; the time runs until the last one is in.</summary>
    public static async Task<JoinResult> AllAtOnceAsync(ILoadTarget target, int clients, CancellationToken cancel)
    {
        var joined = 0;
        var connections = new LoadConnection?[clients];
        string? firstFailure = null;
        var clock = Stopwatch.StartNew();
        try
        {
            await using (Progress.Show(() => $"{target.Name} {clients} joining at once: {Volatile.Read(ref joined)} in"))
            {
                await Task.WhenAll(Enumerable.Range(0, clients).Select(async i =>
                {
                    try
                    {
                        connections[i] = await target.ConnectSubscriberAsync($"j{i}", 4096, cancel);
                        Interlocked.Increment(ref joined);
                    }
                    catch (Exception ex) when (ex is BenchException or IOException or System.Net.Sockets.SocketException)
                    {
                        Interlocked.CompareExchange(ref firstFailure, ex.Message, null);
                    }
                }));
            }

            return new JoinResult(clients, joined, clock.Elapsed, firstFailure);
        }
        finally
        {
            // The others' join lines wait unread in the sockets meanwhile: fewer than a socket buffer holds.
            foreach (var connection in connections)
            {
                connection?.Dispose();
            }
        }
    }
}
