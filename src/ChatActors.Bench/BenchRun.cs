using System.Globalization;
using ChatActors.Harness;

namespace ChatActors.Bench;

/// <summary>Everything measured on one target; a scenario that was not run is null (or empty).</summary>
public sealed record TargetResults(string Name, HandshakeResult? Handshake, JoinResult? Joins, BurstJoinResult? BurstJoins, IReadOnlyList<FanOutResult> FanOuts, IdleResult? Idle, StormResult? Storm);

/// <summary>
/// The scenarios on one target: handshakes, joins and fan-outs on one server, one after another,
/// and the idle clients on a fresh one (its memory before them is the baseline).
/// </summary>
public sealed class BenchRun(BenchOptions options, TextWriter console)
{
    private static readonly TimeSpan SettleWithin = TimeSpan.FromSeconds(15);

    /// <summary>Clients arriving as a crowd does: a hundred at a time (issue 25's pacing).</summary>
    private const int JoinBurst = 100;

    public async Task<TargetResults> RunAsync(string targetKind, CancellationToken cancel)
    {
        HandshakeResult? handshake = null;
        JoinResult? joins = null;
        BurstJoinResult? burstJoins = null;
        var fanOuts = new List<FanOutResult>();
        if (Runs("handshake") || Runs("joins") || Runs("fanout"))
        {
            await using var target = await StartAsync(targetKind);
            console.WriteLine($"bench: {target.Name} is up");
            await SettleAsync(target);
            if (Runs("handshake") || Runs("joins"))
            {
                // Figures of a server that has been running, as a chat server is: a first burst of
                // joins is not counted. On a new node its JIT compilation took more CPU time than
                // the joins themselves, and the handshakes' p50 was three times a warm node's.
                await JoinScenarios.AllAtOnceAsync(target, options.Joins, cancel);
                await SettleAsync(target);
            }

            if (Runs("handshake"))
            {
                handshake = await JoinScenarios.HandshakesAsync(target, options.Handshakes, cancel);
                console.WriteLine($"bench: {target.Name} handshake p50 {Report.Milliseconds(handshake.Latency.Percentile(0.5))}, p99 {Report.Milliseconds(handshake.Latency.Percentile(0.99))}");
                await SettleAsync(target);
            }

            if (Runs("joins"))
            {
                joins = await JoinScenarios.AllAtOnceAsync(target, options.Joins, cancel);
                console.WriteLine($"bench: {target.Name} {joins.Joined} of {joins.Clients} joined at once in {joins.Elapsed.TotalSeconds:0.000} s ({joins.JoinsPerSecond:N0}/s){(joins.FirstFailure is { } failure ? $"; first failure: {failure}" : string.Empty)}");
                await SettleAsync(target);
                burstJoins = await JoinScenarios.InBurstsAsync(target, options.Joins, JoinBurst, SettleWithin, cancel);
                var bursts = burstJoins.Joins;
                console.WriteLine($"bench: {target.Name} {bursts.Joined} of {bursts.Clients} joined in bursts of {JoinBurst} in {bursts.Elapsed.TotalSeconds:0.000} s ({bursts.JoinsPerSecond:N0}/s), server CPU per 1,000 joins with their leaves {burstJoins.CpuPerThousand?.ToString("0.000 s", CultureInfo.InvariantCulture) ?? "unknown"}{(bursts.FirstFailure is { } burstFailure ? $"; first failure: {burstFailure}" : string.Empty)}");
            }

            if (Runs("fanout"))
            {
                // Likewise a first fan-out is not counted: on a new node it ran on code the JIT had
                // not yet optimised, and its p99 was twice that of the runs after it.
                var (firstSubscribers, firstPublishers) = options.FanOuts[0];
                await new FanOutScenario(target, options, firstSubscribers, firstPublishers, "warm").RunAsync(cancel);
                await SettleAsync(target);
                foreach (var (index, (subscribers, publishers)) in options.FanOuts.Index())
                {
                    var result = await new FanOutScenario(target, options, subscribers, publishers, $"f{index}").RunAsync(cancel);
                    fanOuts.Add(result);
                    console.WriteLine($"bench: {target.Name} fan-out S={subscribers} P={publishers}: {result.LinesPerSecond:N0} lines/s, p50 {Report.Milliseconds(result.Latency.Percentile(0.5))}, p99 {Report.Milliseconds(result.Latency.Percentile(0.99))}, lost {result.Lost}, dup {result.Duplicated}, corrupt {result.Corrupt}, out of order {result.OutOfOrder}");
                    await SettleAsync(target);
                }
            }
        }

        IdleResult? idle = null;
        if (Runs("idle") && targetKind == "chat" && options.Approach == "process" && options.Host is null)
        {
            console.WriteLine("bench: idle: not measured for the process approach (its memory is spread over its nodes)");
        }
        else if (Runs("idle"))
        {
            await using var fresh = await StartAsync(targetKind);
            idle = await IdleScenario.RunAsync(fresh, options.IdleClients, cancel);
            console.WriteLine($"bench: {fresh.Name} {idle.Clients} idle clients: RSS {idle.Baseline / 1e6:0.0} MB with nobody in, then {string.Join(", ", idle.Held.Select(held => $"{held / 1e6:0.0} MB"))}: {string.Join(", ", idle.BytesPerClientByHold.Select(bytes => $"{bytes / 1024:0.0} KB"))} each");
        }

        StormResult? storm = null;
        if (Runs("storm") && targetKind == "chat" && options.Host is null)
        {
            storm = await StormScenario.RunAsync(options.StormClients, cancel);
            console.WriteLine($"bench: storm: {storm.Rejoined} of {storm.CutOff} cut-off clients joined again, {storm.RejoinedWithin(StormScenario.BackWithin)} within {StormScenario.BackWithin.TotalSeconds:0} s (the last after {(storm.BackWithin.Count > 0 ? storm.BackWithin[^1].TotalSeconds.ToString("0.0 s", CultureInfo.InvariantCulture) : "n/a")}); joins counted {storm.JoinsCounted?.ToString(CultureInfo.InvariantCulture) ?? "unknown"} of {storm.JoinsExpected}{(storm.FirstFailure is { } failure ? $"; first failure: {failure}" : string.Empty)}");
        }

        return new TargetResults(targetKind == "chat" ? "ChatActors" : "Redis", handshake, joins, burstJoins, fanOuts, idle, storm);
    }

    private bool Runs(string scenario) => options.Scenarios.Contains(scenario);

    private async Task<ILoadTarget> StartAsync(string targetKind) => targetKind switch
    {
        "redis" => await RedisTarget.StartAsync(options.MostClients + 1000),
        _ when options.Host is { } host => ChatTarget.Running(host, options.Port, options.NodePid),
        _ when options.Approach == "process" => await ChatTarget.StartProcessClusterAsync(options.Servers, options.MostClients, CancellationToken.None),
        // Any server may get every client, so each has room for all of them.
        _ => await ChatTarget.StartAsync(options.Servers, options.MostClients),
    };

    /// <summary>Until the target is quiet, and the machine too (a process cluster has no meter of its own).</summary>
    private static async Task SettleAsync(ILoadTarget target)
    {
        if (target.Meter is { } meter)
        {
            await meter.WaitUntilQuietAsync(SettleWithin);
        }

        await MachineMeter.WaitUntilQuietAsync(SettleWithin);
    }
}
