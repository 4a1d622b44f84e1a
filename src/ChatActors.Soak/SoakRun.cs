using System.Diagnostics;
using System.Net;
using ChatActors.Harness;

namespace ChatActors.Soak;

/// <summary>One soak: start the node, join the well-behaved clients, let everyone loose for the duration, then check.</summary>
public sealed class SoakRun(SoakOptions options, TextWriter console)
{
    private const int JoinBatch = 50;
    private const int GoodClientsPerAddress = 10;
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan DrainWithin = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RoundsEndWithin = TimeSpan.FromMinutes(4);

    public async Task<SoakReport> RunAsync()
    {
        // Every 127.x.y.z is an address of its own, so the limits per address apply to the misbehavers.
        await using var node = await NodeProcess.StartInTemporaryFolderAsync(options.Servers, options.Capacity, "chat-actors.address-limits-exempt-loopback = off\n");
        var tally = new Tally();
        var moves = new ChatMoves(node.BalancerPort, tally);
        var memory = new List<MemorySample> { new(TimeSpan.Zero, "started", node.Meter.RssBytes()) };
        console.WriteLine($"soak: node pid {node.Pid}, balancer port {node.BalancerPort}, {options.Servers} servers of {options.Capacity}; {options.WellBehaved} well-behaved and {options.Misbehaving} misbehaving clients for {options.Duration.TotalMinutes:0.#} min");

        var clock = Stopwatch.StartNew();
        var everyone = Enumerable.Range(0, options.WellBehaved).Select(id => new GoodClient(id, options.WellBehaved, GoodAddress(id), moves)).ToList();
        var joined = new List<GoodClient>();
        foreach (var batch in everyone.Chunk(JoinBatch))
        {
            var results = await Task.WhenAll(batch.Select(client => client.JoinAsync()));
            joined.AddRange(batch.Where((_, i) => results[i]));
        }

        var joinTime = clock.Elapsed;
        memory.Add(new MemorySample(clock.Elapsed, $"{joined.Count} joined", node.Meter.RssBytes()));
        console.WriteLine($"soak: {joined.Count} of {everyone.Count} well-behaved clients joined in {joinTime.TotalSeconds:0.0} s");

        using var stopChatting = new CancellationTokenSource();
        using var stopMisbehaving = new CancellationTokenSource();
        var chatting = joined.Select(client => client.ChatAsync(options.LineInterval, stopChatting.Token)).ToList();
        var misbehaving = Enumerable.Range(0, options.Misbehaving)
            .Select(i => new Misbehaver(i, (Misbehaviour)(i % Enum.GetValues<Misbehaviour>().Length), MisbehaverAddress(i), moves, options.WellBehaved).RunAsync(stopMisbehaving.Token))
            .ToList();

        await SampleWhileChattingAsync(clock, joined, memory, node.Meter, tally);
        console.WriteLine("soak: time is up; the misbehaving clients finish their rounds");
        stopMisbehaving.Cancel();
        await EndRoundsAsync(misbehaving, tally);
        stopChatting.Cancel();
        await Task.WhenAll(chatting);
        await CheckEveryLineArrivedAsync(joined, tally);
        memory.Add(new MemorySample(clock.Elapsed, "before leaving", node.Meter.RssBytes()));
        await Task.WhenAll(joined.Select(client => client.LeaveAsync()));
        memory.Add(new MemorySample(clock.Elapsed, "all left", node.Meter.RssBytes()));
        var cpu = node.Meter.CpuTime();
        var exitCode = await node.StopAsync();
        console.WriteLine($"soak: node stopped with exit code {exitCode}; reading storage.db");

        return new SoakReport(
            options,
            tally,
            everyone.Count,
            joined.Count,
            joined.Sum(client => client.Sent) * (long)joined.Count,
            joinTime,
            clock.Elapsed,
            memory,
            cpu,
            exitCode,
            node.Warnings.ToList(),
            node.Errors.ToList(),
            StorageFigures.Read(node.DbPath, tally.SqlNames));
    }

    /// <summary>Samples the node's memory every <see cref="SampleEvery"/> while everyone chats, for the duration.</summary>
    private async Task SampleWhileChattingAsync(Stopwatch clock, IReadOnlyList<GoodClient> joined, List<MemorySample> memory, ProcessMeter meter, Tally tally)
    {
        var chatStart = clock.Elapsed;
        while (clock.Elapsed - chatStart < options.Duration)
        {
            var left = options.Duration - (clock.Elapsed - chatStart);
            await Task.Delay(left < SampleEvery ? left : SampleEvery);
            var sample = new MemorySample(clock.Elapsed, "chatting", meter.RssBytes());
            memory.Add(sample);
            console.WriteLine(
                $"soak: {sample.At:mm\\:ss} rss {sample.Megabytes:0.0} MB, {joined.Sum(client => client.Sent)} lines said, joins {tally.Joins}, lost {tally.Lost}, problems {tally.Problems.Values.Sum()}");
        }

    }

    private static async Task EndRoundsAsync(IReadOnlyList<Task> misbehaving, Tally tally)
    {
        var roundsEnding = Task.WhenAll(misbehaving);
        if (await Task.WhenAny(roundsEnding, Task.Delay(RoundsEndWithin)) != roundsEnding)
        {
            tally.Problem("misbehaving clients did not finish their rounds", $"within {RoundsEndWithin.TotalMinutes} min");
        }
    }

    private static async Task CheckEveryLineArrivedAsync(IReadOnlyList<GoodClient> joined, Tally tally)
    {
        var draining = WhenAllReceivedAsync(joined);
        if (await Task.WhenAny(draining, Task.Delay(DrainWithin)) != draining)
        {
            foreach (var missing in joined.SelectMany(client => client.Missing(joined)).Take(20))
            {
                tally.Problem("line lost", missing);
            }
        }
    }

    /// <summary>Ten well-behaved clients share an address (127.1.x.y), as people behind one router do.</summary>
    private static IPAddress GoodAddress(int id)
    {
        var group = id / GoodClientsPerAddress;
        return new IPAddress([127, 1, (byte)(group / 250), (byte)((group % 250) + 1)]);
    }

    /// <summary>Every misbehaving client has an address of its own (127.2.x.y).</summary>
    private static IPAddress MisbehaverAddress(int index) => new([127, 2, (byte)(index / 250), (byte)((index % 250) + 1)]);

    private static async Task WhenAllReceivedAsync(IReadOnlyList<GoodClient> clients)
    {
        while (!clients.All(client => client.HasReceivedAll(clients)))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(200));
        }
    }
}

public sealed record MemorySample(TimeSpan At, string Phase, long RssBytes)
{
    public double Megabytes => RssBytes / 1024.0 / 1024.0;
}
