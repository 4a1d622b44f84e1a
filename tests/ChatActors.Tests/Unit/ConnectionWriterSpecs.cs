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
