using System.Net;
using System.Net.Sockets;
using System.Text;
using ChatActors.Net;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class ConnectionWriterSpecs
{
    [Fact]
    public async Task Queued_blocks_reach_the_client_in_order_and_close_ends_the_stream()
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        var writer = new ConnectionWriter(serverSide, OutboundLimits.Default);
        var shared = Encoding.UTF8.GetBytes("same bytes\n");
        for (var i = 0; i < 400; i++)
        {
            Assert.Equal(EnqueueResult.Queued, writer.TryEnqueue($"line {i}\n"));
            Assert.Equal(EnqueueResult.Queued, writer.TryEnqueue(shared));
        }

        writer.Close(TimeSpan.FromSeconds(5));
        var expected = string.Concat(Enumerable.Range(0, 400).Select(i => $"line {i}\nsame bytes\n"));
        Assert.Equal(expected, await client.ReadToEndAsync());
        Assert.Equal(EnqueueResult.Closed, writer.TryEnqueue("too late\n"));
    }

    [Fact]
    public async Task Blocks_wait_for_a_client_that_reads_late_and_arrive_whole_and_in_order()
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        serverSide.SendBufferSize = 4096;
        var writer = new ConnectionWriter(serverSide, new OutboundLimits(MaxMessages: 100_000, MaxBytes: long.MaxValue));

        // Far more than the socket buffers hold: most of it waits in the queue until the client reads.
        var lines = Enumerable.Range(0, 20_000).Select(i => $"line {i} {new string('x', 100)}\n").ToList();
        foreach (var line in lines)
        {
            Assert.Equal(EnqueueResult.Queued, writer.TryEnqueue(line));
        }

        writer.Close(TimeSpan.FromSeconds(30));
        Assert.Equal(string.Concat(lines), await client.ReadToEndAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_client_that_is_gone_closes_the_writer_and_later_blocks_are_refused()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        using var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await client.ConnectAsync(listener.LocalEndPoint!);
        var writer = new ConnectionWriter(await listener.AcceptAsync(), OutboundLimits.Default);

        // A reset, not an orderly close: the next send fails at once.
        client.LingerState = new LingerOption(true, 0);
        client.Close();
        await AwaitClosedAsync(writer);

        Assert.Equal(EnqueueResult.Closed, writer.TryEnqueue("too late\n"));
    }

    /// <summary>Lines go out until the reset has arrived; then the writer closes.</summary>
    private static async Task AwaitClosedAsync(ConnectionWriter writer)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!writer.Completion.IsCompleted)
        {
            timeout.Token.ThrowIfCancellationRequested();
            writer.TryEnqueue("anyone there?\n");
            await Task.WhenAny(writer.Completion, Task.Delay(TimeSpan.FromMilliseconds(20), timeout.Token));
        }
    }

    [Fact]
    public async Task A_client_that_does_not_read_overflows_once_and_is_cut_off()
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        await using var _ = client;
        var writer = new ConnectionWriter(serverSide, new OutboundLimits(MaxMessages: 1000, MaxBytes: 64 * 1024));
        var block = new byte[16 * 1024];

        var results = Enumerable.Range(0, 10_000).Select(_ => writer.TryEnqueue(block)).ToList();

        Assert.Equal(1, results.Count(result => result == EnqueueResult.Overflowed));
        Assert.Equal(EnqueueResult.Closed, results[^1]);
        await writer.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task The_message_limit_holds_even_for_tiny_messages()
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        await using var _ = client;
        serverSide.SendBufferSize = 4096;
        var writer = new ConnectionWriter(serverSide, new OutboundLimits(MaxMessages: 10, MaxBytes: long.MaxValue));

        // The first blocks go out to the socket buffers; once they are full the queue grows to its limit.
        var line = new byte[1024];
        var overflowedAfter = Enumerable.Range(1, 100_000).FirstOrDefault(_ => writer.TryEnqueue(line) == EnqueueResult.Overflowed);

        Assert.NotEqual(0, overflowedAfter);
        await writer.Completion.WaitAsync(TimeSpan.FromSeconds(10));
    }
}
