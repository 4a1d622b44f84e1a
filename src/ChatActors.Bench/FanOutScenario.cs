using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

namespace ChatActors.Bench;

/// <summary>What one fan-out run measured.</summary>
public sealed record FanOutResult(
    int Subscribers, int Publishers, long Expected, long Delivered, TimeSpan Elapsed, LatencyHistogram Latency,
    long Duplicated, long Corrupt, long OutOfOrder, TimeSpan? ServerCpu)
{
    public long Lost => Expected - Delivered;

    public double LinesPerSecond => Delivered / Elapsed.TotalSeconds;

    /// <summary>The server's CPU seconds per million delivered lines.</summary>
    public double? CpuPerMillion => ServerCpu is { } cpu && Delivered > 0 ? cpu.TotalSeconds / (Delivered / 1e6) : null;
}

/// <summary>
/// S subscribers and P publishers; each publisher sends M payloads <c>B|pub|seq|send-time|padding|E</c>
/// and keeps at most W of them not yet delivered to every subscriber (a closed loop, so the rate
/// is what the server sustains, not what the generator can push).
/// </summary>
public sealed class FanOutScenario(ILoadTarget target, BenchOptions options, int subscribers, int publishers, string namePrefix)
{
    private const int ReceiveBufferBytes = 64 * 1024;
    private readonly int _messages = options.Messages;
    private readonly int[] _deliveries = new int[publishers * options.Messages];
    private readonly long[] _completed = new long[publishers];
    private readonly SemaphoreSlim[] _room = Enumerable.Range(0, publishers).Select(_ => new SemaphoreSlim(0)).ToArray();
    private readonly TaskCompletionSource _allDelivered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _linesCompleted;

    public async Task<FanOutResult> RunAsync(CancellationToken cancel)
    {
        var subscriberSinks = Enumerable.Range(0, subscribers).Select(_ => new SubscriberSink(this)).ToArray();
        var connections = new List<LoadConnection>();
        var loops = new List<Task>();
        using var stopLoops = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        try
        {
            await Clients.ConnectAsync(subscribers, i => target.ConnectSubscriberAsync($"{namePrefix}s{i}", ReceiveBufferBytes, cancel), (i, connection) =>
            {
                connections.Add(connection);
                loops.Add(connection.ReceiveLinesAsync(subscriberSinks[i], stopLoops.Token));
            });
            var publisherConnections = new LoadConnection[publishers];
            await Clients.ConnectAsync(publishers, i => target.ConnectPublisherAsync($"{namePrefix}p{i}", ReceiveBufferBytes, cancel), (i, connection) =>
            {
                connections.Add(connection);
                publisherConnections[i] = connection;
                loops.Add(connection.ReceiveLinesAsync(DiscardSink.Instance, stopLoops.Token));
            });
            if (target.Meter is { } meter)
            {
                await meter.WaitUntilQuietAsync(TimeSpan.FromSeconds(15));
            }

            var cpuBefore = target.Meter?.CpuTime();
            var clock = Stopwatch.StartNew();
            await using (Progress.Show(() => Describe(clock.Elapsed)))
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
                timeout.CancelAfter(options.ScenarioTimeout);
                var sending = Enumerable.Range(0, publishers).Select(p => PublishAsync(p, publisherConnections[p], timeout.Token)).ToArray();
                await Task.WhenAny(_allDelivered.Task, Task.Delay(Timeout.Infinite, timeout.Token).ContinueWith(_ => { }, TaskScheduler.Default));
                await timeout.CancelAsync();
                await Task.WhenAll(sending);
            }

            var elapsed = clock.Elapsed;
            var cpu = target.Meter?.CpuTime() - cpuBefore;

            // The subscriber that completes the last line sets the scenario free before it has
            // counted that line itself: its loop has to have ended before the sinks are read.
            await stopLoops.CancelAsync();
            await Task.WhenAll(loops);
            var latency = new LatencyHistogram();
            foreach (var sink in subscriberSinks)
            {
                latency.Add(sink.Latency);
            }

            return new FanOutResult(
                subscribers, publishers, (long)subscribers * publishers * _messages, subscriberSinks.Sum(sink => sink.Delivered), elapsed, latency,
                subscriberSinks.Sum(sink => sink.Duplicated), subscriberSinks.Sum(sink => sink.Corrupt), subscriberSinks.Sum(sink => sink.OutOfOrder), cpu);
        }
        finally
        {
            await stopLoops.CancelAsync();
            connections.ForEach(connection => connection.Dispose());
            await Task.WhenAll(loops);
        }
    }

    private string Describe(TimeSpan elapsed)
    {
        var completed = Interlocked.Read(ref _linesCompleted);
        var delivered = completed * subscribers;
        return $"{target.Name} fan-out S={subscribers} P={publishers}: {completed * 100 / ((long)publishers * _messages)}% of the lines, "
               + $"{delivered / Math.Max(elapsed.TotalSeconds, 0.001) / 1e6:0.00} M deliveries/s";
    }

    private async Task PublishAsync(int publisher, LoadConnection connection, CancellationToken cancel)
    {
        var name = Encoding.ASCII.GetBytes($"{namePrefix}p{publisher}");
        var batch = new byte[options.Window * (options.LineBytes + 128)];
        var payload = new byte[Math.Max(options.LineBytes, 64)];
        var sent = 0;
        try
        {
            while (sent < _messages)
            {
                var room = options.Window - (sent - (int)Volatile.Read(ref _completed[publisher]));
                if (room <= 0)
                {
                    await _room[publisher].WaitAsync(cancel);
                    continue;
                }

                var length = 0;
                for (; room > 0 && sent < _messages; room--, sent++)
                {
                    var payloadLength = Payload.Write(payload, publisher, sent, Stopwatch.GetTimestamp(), options.LineBytes);
                    length += target.WritePublish(batch.AsSpan(length), name, payload.AsSpan(0, payloadLength));
                }

                await connection.SendAsync(batch.AsMemory(0, length), cancel);
            }
        }
        catch (OperationCanceledException)
        {
            // Out of time: what was not delivered counts as lost.
        }
    }

    /// <summary>
    /// Counts one delivery of (publisher, sequence); false when every subscriber already had it (a
    /// duplicate). The subscriber that completes a line makes room in its publisher's window.
    /// </summary>
    private bool TryDeliver(int publisher, int sequence)
    {
        var deliveries = Interlocked.Increment(ref _deliveries[publisher * _messages + sequence]);
        if (deliveries == subscribers)
        {
            Interlocked.Increment(ref _completed[publisher]);
            _room[publisher].Release();
            if (Interlocked.Increment(ref _linesCompleted) == (long)publishers * _messages)
            {
                _allDelivered.TrySetResult();
            }
        }

        return deliveries <= subscribers;
    }

    /// <summary>One subscriber's receive loop: checks every payload line and times it (single-threaded per subscriber).</summary>
    private sealed class SubscriberSink(FanOutScenario scenario) : ILineSink
    {
        private readonly int[] _lastSequence = Enumerable.Repeat(-1, scenario._completed.Length).ToArray();

        public LatencyHistogram Latency { get; } = new();

        public long Delivered { get; private set; }

        public long Duplicated { get; private set; }

        public long Corrupt { get; private set; }

        public long OutOfOrder { get; private set; }

        public void OnLine(ReadOnlySpan<byte> line)
        {
            if (line.EndsWith("\r"u8))
            {
                line = line[..^1];
            }

            var start = line.IndexOf("B|"u8);
            if (start < 0)
            {
                return; // joins, leaves and the server's other lines
            }

            var now = Stopwatch.GetTimestamp();
            if (!Payload.TryRead(line[(start + 2)..], out var publisher, out var sequence, out var sentAt)
                || publisher >= _lastSequence.Length || sequence >= scenario._messages)
            {
                Corrupt++;
                return;
            }

            if (!scenario.TryDeliver(publisher, sequence))
            {
                Duplicated++;
                return;
            }

            if (sequence <= _lastSequence[publisher])
            {
                OutOfOrder++;
            }

            _lastSequence[publisher] = sequence;
            Delivered++;
            Latency.Record((long)((now - sentAt) * (1e9 / Stopwatch.Frequency)));
        }
    }
}

/// <summary>The payload of one published line: <c>B|pub|seq|send-time|xxx…|E</c>, padded to the line size.</summary>
public static class Payload
{
    public static int Write(Span<byte> destination, int publisher, int sequence, long sentAt, int size)
    {
        var length = 0;
        "B|"u8.CopyTo(destination);
        length += 2;
        length += WriteNumber(destination[length..], publisher);
        length += WriteNumber(destination[length..], sequence);
        length += WriteNumber(destination[length..], sentAt);
        var padding = Math.Max(size - length - 2, 0);
        destination.Slice(length, padding).Fill((byte)'x');
        length += padding;
        "|E"u8.CopyTo(destination[length..]);
        return length + 2;
    }

    /// <summary>Reads what follows <c>B|</c>; false for anything not written by <see cref="Write"/>.</summary>
    public static bool TryRead(ReadOnlySpan<byte> text, out int publisher, out int sequence, out long sentAt)
    {
        sequence = 0;
        sentAt = 0;
        return Utf8Parser.TryParse(text, out publisher, out var used) && publisher >= 0 && Skip(ref text, used)
               && Utf8Parser.TryParse(text, out sequence, out used) && sequence >= 0 && Skip(ref text, used)
               && Utf8Parser.TryParse(text, out sentAt, out used) && Skip(ref text, used)
               && text.EndsWith("|E"u8) && !text[..^2].ContainsAnyExcept((byte)'x');
    }

    private static bool Skip(ref ReadOnlySpan<byte> text, int used)
    {
        if (used >= text.Length || text[used] != (byte)'|')
        {
            return false;
        }

        text = text[(used + 1)..];
        return true;
    }

    private static int WriteNumber(Span<byte> destination, long number)
    {
        Utf8Formatter.TryFormat(number, destination, out var written);
        destination[written] = (byte)'|';
        return written + 1;
    }
}

/// <summary>Drains lines nobody checks (a publisher's own view of the room).</summary>
public sealed class DiscardSink : ILineSink
{
    public static readonly DiscardSink Instance = new();

    public void OnLine(ReadOnlySpan<byte> line)
    {
    }
}
