using System.Text;
using ChatActors.Net;
using ChatActors.Tests.Support;

namespace ChatActors.Tests.Unit;

public class ConnectionReaderSpecs : Akka.TestKit.Xunit2.TestKit
{
    private static string Text(BytesReceived read) => Encoding.UTF8.GetString(read.Bytes);

    [Fact]
    public async Task A_read_is_told_and_the_next_waits_in_TCP_until_the_reader_asks_for_more()
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        await using var _ = client;
        var reader = new ConnectionReader(serverSide);
        reader.Start(TestActor);

        await client.SendAsync("first\n");
        Assert.Equal("first\n", Text(ExpectMsg<BytesReceived>()));
        await client.SendAsync("second\n");
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));

        reader.ReadMore();
        Assert.Equal("second\n", Text(ExpectMsg<BytesReceived>()));
    }

    [Fact]
    public async Task The_end_of_the_stream_is_told_once()
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        var reader = new ConnectionReader(serverSide);
        reader.Start(TestActor);

        await client.SendAsync("bye\n");
        Assert.Equal("bye\n", Text(ExpectMsg<BytesReceived>()));
        await client.DisposeAsync();
        reader.ReadMore();
        ExpectMsg<ConnectionClosed>();
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    [Fact]
    public async Task A_stopped_reader_is_told_nothing_more()
    {
        var (serverSide, client) = await LoopbackPair.CreateAsync();
        var reader = new ConnectionReader(serverSide);
        reader.Start(TestActor);

        reader.Stop();
        await client.SendAsync("unheard\n");
        await client.DisposeAsync();
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
        serverSide.Dispose();
    }
}
